/* Two-track secondary vertices: the fitted vertex, its composite and the quantities selections cut on, per event in
   slots of a fixed capacity (docs/vertexing.md). */
#ifndef KST_SECONDARY_VERTICES_H
#define KST_SECONDARY_VERTICES_H

#include <stdint.h>

/* Per-event flags of the vertex finder (in dev_sv_flags). */
#define KST_SV_OVERFLOW 1u       /* more vertices passed than the max_svs capacity: the last pairs were dropped */
#define KST_SV_TRACK_OVERFLOW 2u /* more tracks passed the prefilter than max_tracks: the last were left out */

/* A vertex of two long tracks (a and b, batch-wide VELO track indices, a < b). Momenta in MeV, lengths in mm;
   covariance of (x, y, z) as xx, xy, yy, xz, yz, zz. The best PV is the one with the smallest IP chi2 of the
   composite; KST_NO_PV when the event has none (then fd, fd_chi2 and dira are 0). */
typedef struct kst_sv {
  float x, y, z;
  float cov[6];
  float chi2;                 /* of the vertex fit, 1 degree of freedom */
  float doca;                 /* distance of closest approach of the two tracks */
  float pa[3], pb[3];         /* the daughters' momenta at the vertex */
  float pt, eta;              /* of the composite */
  float mass;                 /* under the masses property's hypotheses (a, b) */
  float mcor;                 /* corrected mass sqrt(m^2 + pperp^2) + pperp, pperp relative to the flight direction */
  float fd, fd_chi2;          /* flight distance from the best PV and its chi2 (vertex and PV covariances) */
  float dira;                 /* cosine of the angle between the momentum and the flight direction */
  float ip, ip_chi2;          /* of the composite to the best PV (mm, chi2) */
  float min_ip, max_ip;       /* the smaller and the larger of the daughters' IPs to their own best PVs (mm) */
  float min_ip_chi2;          /* the smaller of the daughters' IP chi2 */
  float sum_pt;               /* the daughters' pT summed */
  uint32_t a, b;
  uint32_t pv;
  int32_t charge;             /* sum of the daughters' charges */
} kst_sv;

#endif
