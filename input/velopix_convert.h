/* velopix JSON events to MDF: hits become VELO retina clusters, MC particles become MC banks. */
#ifndef KST_VELOPIX_CONVERT_H
#define KST_VELOPIX_CONVERT_H

#include <stdint.h>

#include "configuration/geometry.h"
#include "input/velo_banks.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_VELOPIX_MC_VERSION 2     /* MC particle bank version written (fromSignal = 0) */
#define KST_VELOPIX_RUN 1            /* run number of converted events; orbit = bunch = N */
#define KST_VELOPIX_MAX_LZ 0.25f     /* mm from a sensor plane; the planes of a module are 1.16 mm apart */

/* One hit encoded as a retina cluster. */
typedef struct kst_velopix_cluster {
  int sensor;            /* 0..207 */
  int cx, xfrac, cy, yfrac;
  uint32_t word;         /* the bank's cluster word (formats doc section 2) */
  uint32_t lhcbid;       /* what MC truth refers to */
  float pos[3];          /* global position decoded back from word */
  float error;           /* |pos - hit| in mm */
} kst_velopix_cluster;

/* What a conversion did. */
typedef struct kst_convert_stats {
  uint32_t events;
  uint64_t hits;                /* JSON hits read */
  uint64_t clusters;            /* hits written as clusters (hits - hits_without_sensor) */
  uint64_t hits_without_sensor; /* no sensor of the hit's module contains it: not written */
  uint64_t dropped_mc_ids;      /* MC hit references to such hits, left out of the particles */
  uint64_t duplicate_words;     /* clusters whose (sensor, word) repeats an earlier cluster's */
  uint64_t duplicate_lhcbids;   /* clusters whose LHCbID repeats an earlier one's (includes the above) */
  uint64_t particles;
  uint64_t mc_banks;            /* MC particle banks written (a payload over the bank limit is split) */
  double max_error_mm, mean_error_mm; /* decoded cluster vs JSON hit, 3D */
  uint32_t max_error_event, max_error_hit; /* where the max error is (file number N, hit index) */
} kst_convert_stats;

/* Cluster word from its fields (no range checks: callers pass decoded or clamped values). */
uint32_t kst_retina_word(int cx, int xfrac, int cy, int yfrac);
/* LHCbID of a cluster word on a sensor (formats doc section 2). */
uint32_t kst_retina_lhcbid(int sensor, uint32_t word);
/* Encodes the global hit p of a module as the nearest retina cluster on the module's sensor that
 * contains it (the one with the smallest decoded error when sensors overlap); returns 0 when no
 * sensor's active area holds p within KST_VELOPIX_MAX_LZ of its plane. */
int kst_velopix_encode_hit(const kst_velo_geometry *g, int module, const float p[3], kst_velopix_cluster *c);
/* Converts dir/velo_event_N.json in increasing N (at most max_events of them; 0 = all) into one
 * MDF file; stats may be NULL. A failed conversion removes out_path. */
kst_status kst_velopix_convert(const char *dir, const char *out_path, const kst_velo_geometry *g,
                               uint32_t max_events, kst_convert_stats *stats);

#ifdef __cplusplus
}
#endif
#endif
