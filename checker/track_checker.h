/* VELO track checker: matches reconstructed tracks to MC particles and accumulates LHCb's figures. */
#ifndef KST_TRACK_CHECKER_H
#define KST_TRACK_CHECKER_H

#include <stdint.h>
#include <stdio.h>

#include "checker/mc_truth.h"
#include "checker/json_file.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A reconstructed track: the LHCbIDs (or velopix hit indices) of its hits. */
typedef struct kst_track_view {
  const uint32_t *ids;
  uint32_t n;
} kst_track_view;

/* Categories in LHCb's print order; all require 2 < eta < 5. */
typedef enum kst_track_category {
  KST_CAT_VELO,                 /* 01_velo: hasVelo, not an electron */
  KST_CAT_LONG,                 /* 02_long: isLong, not an electron */
  KST_CAT_LONG_P5,              /* 03_long_P>5GeV */
  KST_CAT_LONG_STRANGE,         /* 04_long_strange */
  KST_CAT_LONG_STRANGE_P5,      /* 05_long_strange_P>5GeV */
  KST_CAT_LONG_FROMB,           /* 06_long_fromB */
  KST_CAT_LONG_FROMB_P5,        /* 07_long_fromB_P>5GeV */
  KST_CAT_LONG_ELECTRONS,       /* 08_long_electrons */
  KST_CAT_LONG_FROMB_ELECTRONS, /* 09_long_fromB_electrons */
  KST_CAT_LONG_FROMB_ELECTRONS_P5, /* 10_long_fromB_electrons_P>5GeV */
  KST_CAT_COUNT
} kst_track_category;

/* One category's results; rates are fractions in [0, 1] and 0 when their denominator is 0. */
typedef struct kst_track_category_stats {
  const char *name;
  uint64_t found, total, clones;
  uint64_t events_with_particles; /* events entering the per-event efficiency */
  double efficiency, per_event_efficiency, clone_rate, purity, hit_efficiency;
} kst_track_category_stats;

/* Ghost results over everything added so far. */
typedef struct kst_track_ghost_stats {
  uint64_t events, tracks, ghosts;
  double ghost_rate;
} kst_track_ghost_stats;

/* Opaque accumulator; one per worker, combined with kst_track_checker_merge. */
typedef struct kst_track_checker kst_track_checker;

/* Width the table pads category names to, as LHCb's GPU trigger checker prints them. */
#define KST_TRACK_CHECKER_NAME_WIDTH 50

/* A zeroed checker, or NULL when out of memory. */
kst_track_checker *kst_track_checker_new(void);
/* Frees c; NULL is allowed. */
void kst_track_checker_free(kst_track_checker *c);
/* Matches one event's tracks to mc and accumulates; track_eta (one per track) may be NULL, then the
 * ghost-rate-vs-eta histogram is not filled. c is unchanged on failure. */
kst_status kst_track_checker_add_event(kst_track_checker *c, const kst_mc_event *mc,
                                       const kst_track_view *tracks, uint32_t n_tracks,
                                       const float *track_eta);
/* Adds from's counts to into's; equal to one checker fed both event sets, bit for bit. */
kst_status kst_track_checker_merge(kst_track_checker *into, const kst_track_checker *from);

/* The results of category cat. */
kst_status kst_track_checker_category(const kst_track_checker *c, int cat,
                                      kst_track_category_stats *out);
/* The ghost results. */
void kst_track_checker_ghosts(const kst_track_checker *c, kst_track_ghost_stats *out);
/* The name of category cat ("01_velo", ...), or NULL when out of range. */
const char *kst_track_category_name(int cat);

/* Prints LHCb's table: the ghost line, then one line per category with particles. */
void kst_track_checker_print(const kst_track_checker *c, FILE *out);
/* Writes every number and the plot histograms as JSON to path. */
kst_status kst_track_checker_write_json(const kst_track_checker *c, const char *path, const kst_report_files *files);

/* Runs checker/plots/track_plots.py on json_path, writing PNGs into dir (created if missing);
 * KST_ERR_UNSUPPORTED when /usr/bin/python3 or its matplotlib/numpy are missing. (checker/plots.c) */
kst_status kst_checker_plot(const char *json_path, const char *dir);
/* Runs checker/plots/SCRIPT (a bare file name) the same way, with the same exit-code contract
 * (3: matplotlib/numpy missing, 4: unreadable report); shared by every checker. (checker/plots.c) */
kst_status kst_checker_plot_script(const char *script, const char *json_path, const char *dir);

#ifdef __cplusplus
}
#endif
#endif
