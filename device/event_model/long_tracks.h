/* Long tracks: a VELO track extended through the magnet into the SciFi, one slot per VELO track (n_hits 0 when the
   forward search found none), with its SciFi hits and momentum. */
#ifndef KST_LONG_TRACKS_H
#define KST_LONG_TRACKS_H

#include <stdint.h>

/* At most one SciFi hit per layer. */
#define KST_LONG_MAX_SCIFI_HITS 12u

/* The T-station segment x(z) = x + tx dz + curvature dz^2 (1 + cubic dz), dz = z - z_ref (forward_tracking's
   properties), y(z) along the VELO line, and q/p from the bend between the VELO and T slopes. */
typedef struct kst_long_track {
  float qop;       /* charge over momentum, 1/MeV */
  float x, tx, curvature;
  float y, ty;     /* at z_ref: the VELO line's y corrected by the stereo hits */
  float rms;       /* of the fit's x residuals, mm */
  float quality;   /* the fit and the y match as a chi2-like sum (lower is better); settles shared T segments */
  uint32_t n_hits; /* SciFi hits; 0: no long track for this VELO track */
  uint32_t n_x_layers;
} kst_long_track;

#endif
