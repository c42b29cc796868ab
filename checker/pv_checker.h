/* Primary-vertex checker: matches reconstructed PVs to MC PVs in z and accumulates LHCb's PV figures. */
#ifndef KST_PV_CHECKER_H
#define KST_PV_CHECKER_H

#include <stdint.h>
#include <stdio.h>

#include "checker/mc_truth.h"
#include "checker/json_file.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A reconstructed PV as the checker sees it: position (mm), covariance diagonal (mm^2), fit quality. */
typedef struct kst_pv_view {
  float x, y, z;
  float cov_xx, cov_yy, cov_zz;
  uint32_t n_tracks;
  float chi2;
  uint32_t ndof;
} kst_pv_view;

/* LHCb's definitions (lhcb-formats.md section 6, LHCb's GPU trigger PV checker). */
#define KST_PV_MIN_TRACKS_DEFAULT 4 /* an MC PV with >= this many reconstructible tracks counts */
#define KST_PV_MATCH_SIGMAS 5.0     /* a match needs |dz| < this * sqrt(cov_zz), strictly */
#define KST_PV_ISOLATION_MM 10.0    /* isolated: every other reconstructible MC PV is > this away in z */
#define KST_PV_MANY_TRACKS 10       /* the second resolution set: reconstructed PVs with >= this many tracks */

enum { KST_PV_X, KST_PV_Y, KST_PV_Z, KST_PV_AXES };

/* Residuals (reco - MC) of the matched PVs, in microns; population standard deviation (divide by n). */
typedef struct kst_pv_resolution {
  uint64_t n;
  double mean_um[KST_PV_AXES], sigma_um[KST_PV_AXES];
  /* Core resolution: half-width of the interval around the median holding 68.27% of the residuals (a Gaussian's
     sigma, insensitive to the tails from merged or split vertices that inflate the standard deviation). */
  double core_um[KST_PV_AXES];
  double median_um[KST_PV_AXES]; /* median residual, to tell a bias from one-sided tails */
} kst_pv_resolution;

/* Pulls residual / sqrt(cov) per axis; an axis whose covariance is not positive and finite is left out. */
typedef struct kst_pv_pulls {
  uint64_t n[KST_PV_AXES];
  double mean[KST_PV_AXES], width[KST_PV_AXES];
} kst_pv_pulls;

/* Every number the checker reports; rates are fractions in [0, 1] and 0 when their denominator is 0. */
typedef struct kst_pv_stats {
  uint32_t min_tracks;
  uint64_t events, mc_vertices, reco_vertices;
  uint64_t reconstructible, found;          /* reconstructible MC PVs, those matched at least once */
  uint64_t isolated, found_isolated, close, found_close;
  uint64_t false_pvs;                       /* reconstructed PVs matched to nothing */
  uint64_t false_real;                      /* false PVs not explained by a visible MC PV (see .c) */
  uint64_t clones;                          /* matches beyond the first, summed over MC PVs */
  uint64_t unusable;                        /* found MC PVs left out of resolution: residual not finite */
  double efficiency, efficiency_isolated, efficiency_close;
  double false_rate, false_real_rate;       /* over all reconstructed PVs */
  double clone_rate;                        /* clones / found, as LHCb's GPU trigger prints it */
  kst_pv_resolution resolution, resolution_many; /* all found PVs; reco n_tracks >= KST_PV_MANY_TRACKS */
  kst_pv_pulls pulls;
} kst_pv_stats;

/* Opaque accumulator; one per worker, combined with kst_pv_checker_merge. */
typedef struct kst_pv_checker kst_pv_checker;

/* An empty checker with min_tracks = KST_PV_MIN_TRACKS_DEFAULT, or NULL when out of memory. */
kst_pv_checker *kst_pv_checker_new(void);
/* Frees c; NULL is allowed. */
void kst_pv_checker_free(kst_pv_checker *c);
/* Sets the reconstructibility threshold; KST_ERR_INVALID once events were added or merged in. */
kst_status kst_pv_checker_set_min_tracks(kst_pv_checker *c, uint32_t min_tracks);
/* The reconstructibility threshold in use. */
uint32_t kst_pv_checker_min_tracks(const kst_pv_checker *c);
/* Matches one event's n reconstructed PVs to mc's vertices and accumulates; c is unchanged on failure. */
kst_status kst_pv_checker_add_event(kst_pv_checker *c, const kst_mc_event *mc, const kst_pv_view *pvs,
                                    uint32_t n);
/* Adds from's sums to into's; equal to one checker fed both event sets, bit for bit. Both must use
 * the same min_tracks. */
kst_status kst_pv_checker_merge(kst_pv_checker *into, const kst_pv_checker *from);
/* Every number, derived from the exact sums. */
void kst_pv_checker_stats(const kst_pv_checker *c, kst_pv_stats *out);

/* Prints the summary LHCb users know: efficiencies, false rate, clones, resolution, pulls. */
void kst_pv_checker_print(const kst_pv_checker *c, FILE *out);
/* Writes every number and the plot histograms as JSON to path. */
kst_status kst_pv_checker_write_json(const kst_pv_checker *c, const char *path, const kst_report_files *files);
/* Runs checker/plots/pv_plots.py on json_path, writing PNGs into dir (created if missing);
 * KST_ERR_UNSUPPORTED when /usr/bin/python3 or its matplotlib/numpy are missing. */
kst_status kst_pv_checker_plot(const char *json_path, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
