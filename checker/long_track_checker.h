/* Long-track checker: matches long tracks (VELO + SciFi ids, q/p) to MC particles with LHCb's rules and accumulates
   efficiencies, ghosts, clones, hit purity and efficiency, and the momentum resolution. */
#ifndef KST_LONG_TRACK_CHECKER_H
#define KST_LONG_TRACK_CHECKER_H

#include <stdint.h>
#include <stdio.h>

#include "checker/json_file.h"
#include "checker/mc_truth.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A long track: its VELO and SciFi LHCbIDs and its q/p (1/MeV). */
typedef struct kst_long_track_view {
  const uint32_t *velo, *scifi;
  uint32_t n_velo, n_scifi;
  float qop;
} kst_long_track_view;

/* Categories (all isLong and 2 < eta < 5; all but the last exclude electrons). */
typedef enum kst_long_category {
  KST_LONG_CAT_LONG,           /* long */
  KST_LONG_CAT_P5,             /* long_P>5GeV */
  KST_LONG_CAT_P5_PT1,         /* long_P>5GeV_AND_Pt>1GeV */
  KST_LONG_CAT_FROMB,          /* long_fromB */
  KST_LONG_CAT_STRANGE,        /* long_strange */
  KST_LONG_CAT_ELECTRONS,      /* long_electrons */
  KST_LONG_CAT_COUNT
} kst_long_category;

/* Momentum bins of the resolution table: MC p in GeV from edge k to edge k + 1. */
#define KST_LONG_P_BINS 5

/* One category's results (fractions in [0, 1]). */
typedef struct kst_long_category_stats {
  const char *name;
  uint64_t found, total, clones;
  double efficiency, clone_rate, purity, hit_efficiency;
} kst_long_category_stats;

/* One momentum bin's resolution (of the matched long tracks of non-electron long particles). */
typedef struct kst_long_momentum_stats {
  double p_low, p_high; /* GeV */
  uint64_t tracks, wrong_charge, tails;    /* tails: |dp/p| > 5% */
  double median, half_width_68;            /* of dp/p */
} kst_long_momentum_stats;

typedef struct kst_long_track_checker kst_long_track_checker;

/* A zeroed checker, or NULL when out of memory. */
kst_long_track_checker *kst_long_track_checker_new(void);
/* Frees c; NULL is allowed. */
void kst_long_track_checker_free(kst_long_track_checker *c);
/* Matches one event's tracks to mc and accumulates. */
kst_status kst_long_track_checker_add_event(kst_long_track_checker *c, const kst_mc_event *mc,
                                            const kst_long_track_view *tracks, uint32_t n_tracks);
/* Adds from's counts and momentum samples to into's. */
kst_status kst_long_track_checker_merge(kst_long_track_checker *into, const kst_long_track_checker *from);
/* The results of category cat. */
kst_status kst_long_track_checker_category(const kst_long_track_checker *c, int cat, kst_long_category_stats *out);
/* Tracks and ghosts so far. */
void kst_long_track_checker_ghosts(const kst_long_track_checker *c, uint64_t *tracks, uint64_t *ghosts);
/* The resolution of momentum bin k (KST_LONG_P_BINS + 1: all bins above 5 GeV together). */
kst_status kst_long_track_checker_momentum(const kst_long_track_checker *c, int k, kst_long_momentum_stats *out);
/* The particle (index into mc) that track v matches with the most shared ids, or -1 for a ghost. */
int32_t kst_long_track_match(const kst_mc_event *mc, const kst_long_track_view *v);
/* Prints the ghost line, one line per category with particles, and the momentum table. */
void kst_long_track_checker_print(const kst_long_track_checker *c, FILE *out);
/* Writes every number as JSON to path. */
kst_status kst_long_track_checker_write_json(const kst_long_track_checker *c, const char *path,
                                             const kst_report_files *files);

#ifdef __cplusplus
}
#endif
#endif
