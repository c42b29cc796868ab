/* VELO tracks: the search's per-event track slots, and the consolidated tracks with their fitted states. */
#ifndef KST_VELO_TRACKS_H
#define KST_VELO_TRACKS_H

#include <stdint.h>

/* A station is the pair of modules 2s and 2s+1 (the two detector halves); a track has at most one hit in each. */
#define KST_VELO_STATIONS 26u
#define KST_VELO_MAX_TRACK_HITS 26u

/* Per-event flags of the track search. */
#define KST_VELO_TRACKS_OVERFLOW 1u /* more tracks than the max_tracks capacity: the rest were dropped */

/* A track being built: hits are in processing order (decreasing z station). */
typedef struct kst_velo_track_slot {
  uint32_t n_hits;
  uint32_t last_station; /* station of the most recent hit */
  uint32_t id;           /* the seed's middle hit (a batch-wide hit index): unique, stable, orders the output */
} kst_velo_track_slot;

/* A fitted straight-line state: position at z, slopes, and the covariance of (x, tx) and (y, ty). */
typedef struct kst_velo_state {
  float x, y, z, tx, ty;
  float c00, c20, c22; /* var(x), cov(x, tx), var(tx) */
  float c11, c31, c33; /* var(y), cov(y, ty), var(ty) */
  float chi2;
  uint32_t ndof;
} kst_velo_state;

#endif
