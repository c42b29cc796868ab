/* Primary vertices: the fitted vertex record shared by the PV finder, the IP association and the checker. */
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

#endif
