/* Primary vertices: the fitted vertex record and a track's association to its best vertex, shared by the PV finder,
   the IP association, the summaries and the checker. */
#ifndef KST_PVS_H
#define KST_PVS_H

#include <stdint.h>

/* A fitted primary vertex; covariance of (x, y, z) as xx, xy, yy, xz, yz, zz. */
typedef struct kst_pv {
  float x, y, z;
  float cov[6];
  float chi2;
  uint32_t ndof;
  uint32_t n_tracks; /* tracks with a non-zero final weight */
} kst_pv;

/* Per-event flags of the PV finder. */
#define KST_PV_OVERFLOW 1u /* more seeds than the max_pvs capacity: the rest were dropped */

/* A track's association to its best primary vertex; pv is KST_NO_PV when the event has none. */
typedef struct kst_track_pv {
  uint32_t pv;   /* index among the event's vertices */
  float ip;      /* transverse-to-track distance of closest approach to the vertex (mm) */
  float ip_chi2; /* chi2 of the track's x, y offset at the vertex z, with track and vertex errors */
} kst_track_pv;

#define KST_NO_PV 0xFFFFFFFFu
/* An event's association counts, at 2 e + these in dev_track_pv_counts: its tracks with a vertex, and of those the
   ones with IP chi2 above 9 (more than 3 sigma from their best vertex). Summaries copy these back, not the tracks. */
#define KST_TRACKS_WITH_PV 0u
#define KST_TRACKS_DISPLACED 1u

#endif
