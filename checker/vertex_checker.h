/* Vertex checker: impact-parameter resolution of long tracks against 1/pT, and two-track secondary vertices of
   signal decays (efficiency, resolution, pulls) against MC truth. */
#ifndef KST_VERTEX_CHECKER_H
#define KST_VERTEX_CHECKER_H

#include <stdint.h>
#include <stdio.h>

#include "checker/json_file.h"
#include "checker/mc_truth.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1/pT bins of the IP table, GeV^-1: [k / 4, (k + 1) / 4) for k < KST_IP_BINS - 1, the last open-ended. */
#define KST_IP_BINS 12

/* A straight-line state (position at z and slopes) with the covariance of x and y at z. */
typedef struct kst_vertex_state {
  float x, y, z, tx, ty;
  float var_x, var_y;
} kst_vertex_state;

/* A reconstructed long track as the checker sees it: its matched MC particle (-1: a ghost), pT (MeV), its fitted
   state and the VELO-only state. */
typedef struct kst_checked_track {
  int32_t particle;
  float pt;
  kst_vertex_state fitted, velo;
} kst_checked_track;

/* A reconstructed two-track vertex: its tracks (indices into the event's checked tracks), position and covariance
   (xx, xy, yy, xz, yz, zz). */
typedef struct kst_checked_sv {
  uint32_t a, b;
  float x, y, z;
  float cov[6];
} kst_checked_sv;

/* One 1/pT bin: 68% half-widths of the x and y IP residuals (um) of the fitted and the VELO-only states. */
typedef struct kst_ip_bin {
  double inv_pt_low, inv_pt_high;
  uint64_t tracks;
  double fitted_x, fitted_y, velo_x, velo_y;
} kst_ip_bin;

/* Signal vertices: pairs of charged long daughters (2 < eta < 5) of one fromSignal particle. */
typedef struct kst_sv_stats {
  uint64_t pairs;          /* such pairs */
  uint64_t both_found;     /* both daughters matched by a long track */
  uint64_t vertex_found;   /* and a vertex made of those two tracks */
  double resolution[3];    /* 68% half-width of x, y, z residuals to the decay vertex (um) */
  double mean[3];          /* median residuals (um) */
  double pull_width[3];    /* 68% half-width of the pulls */
} kst_sv_stats;

typedef struct kst_vertex_checker kst_vertex_checker;

/* A zeroed checker, or NULL when out of memory. */
kst_vertex_checker *kst_vertex_checker_new(void);
/* Frees c; NULL is allowed. */
void kst_vertex_checker_free(kst_vertex_checker *c);
/* Accumulates one event: IP residuals of tracks matched to particles from a primary vertex, and signal pairs. */
kst_status kst_vertex_checker_add_event(kst_vertex_checker *c, const kst_mc_event *mc, const kst_checked_track *tracks,
                                        uint32_t n_tracks, const kst_checked_sv *svs, uint32_t n_svs);
/* Adds from's samples and counts to into's. */
kst_status kst_vertex_checker_merge(kst_vertex_checker *into, const kst_vertex_checker *from);
/* IP bin k (0 .. KST_IP_BINS - 1). */
kst_status kst_vertex_checker_ip_bin(const kst_vertex_checker *c, int k, kst_ip_bin *out);
/* sigma = a + b / pT fitted to the bins with tracks (um, um GeV), for the fitted (fitted = 1) or the VELO state, x or y
   (axis 0 or 1). */
void kst_vertex_checker_ip_fit(const kst_vertex_checker *c, int fitted, int axis, double *a, double *b);
/* 68% half-widths of the fitted states' IP pulls in x and y (all 1/pT). */
void kst_vertex_checker_ip_pulls(const kst_vertex_checker *c, double *width_x, double *width_y);
/* The signal-vertex results. */
void kst_vertex_checker_sv(const kst_vertex_checker *c, kst_sv_stats *out);
/* Prints the IP table and fit and the signal-vertex lines. */
void kst_vertex_checker_print(const kst_vertex_checker *c, FILE *out);
/* Writes every number (and the residuals' histograms) as JSON to path. */
kst_status kst_vertex_checker_write_json(const kst_vertex_checker *c, const char *path, const kst_report_files *files);

#ifdef __cplusplus
}
#endif
#endif
