/* One coordinate of a straight line in the field-free VELO and its Kalman filter step, shared by the VELO track fit
   and the long-track fit (the same operations in the same order, so CPU and GPU agree bit for bit). */
#ifndef KST_LINE_FILTER_H
#define KST_LINE_FILTER_H

#include "kst_dialect.h"

/* Position p at z, slope t, their covariance c00, c10, c11, and the chi2 gathered so far. */
typedef struct kst_line1d {
  float p, t, c00, c10, c11, chi2;
} kst_line1d;

/* Predicts over dz, adding the multiple-scattering variance ms_noise to the slope, then updates with measurement m of
   variance var_m. */
KST_HOST_DEVICE void kst_line_filter_step(kst_line1d *s, float dz, float m, float var_m, float ms_noise) {
  s->p += s->t * dz;
  s->c00 += dz * (2.0f * s->c10 + dz * s->c11);
  s->c10 += dz * s->c11;
  s->c11 += ms_noise;
  const float r = m - s->p, rvar = s->c00 + var_m, k0 = s->c00 / rvar, k1 = s->c10 / rvar;
  s->p += k0 * r;
  s->t += k1 * r;
  s->c11 -= k1 * s->c10;
  s->c10 -= k1 * s->c00;
  s->c00 -= k0 * s->c00;
  s->chi2 += r * r / rvar;
}

#endif
