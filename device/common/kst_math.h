/* Math that gives the same bits on CPU and GPU: only +, -, *, / (no FMA contraction, see CMakeLists.txt). */
#ifndef KST_MATH_H
#define KST_MATH_H

#include "kst_dialect.h"

#include <stdint.h>
#include <string.h>

/* atan2 from an odd degree-15 polynomial on [0, 1] (max error 4e-8 rad, fitted for Kestrel; with float rounding the
   result is within 3e-7 rad, see test_velo_decoding); vendor atan2f differs between CPU libm and GPU, which would
   break CPU-GPU bit identity. Returns (-pi, pi]. */
KST_HOST_DEVICE float kst_atan2f(float y, float x) {
  const float ax = x < 0.0f ? -x : x, ay = y < 0.0f ? -y : y;
  const float hi = ax > ay ? ax : ay, lo = ax > ay ? ay : ax;
  /* Selects, no early return (0 at the origin), so that loops calling it vectorise. */
  const float t = hi == 0.0f ? 0.0f : lo / hi, t2 = t * t;
  float p = -4.054567124e-03f;
  p = p * t2 + 2.186295775e-02f;
  p = p * t2 - 5.591232697e-02f;
  p = p * t2 + 9.642197382e-02f;
  p = p * t2 - 1.390862959e-01f;
  p = p * t2 + 1.994656567e-01f;
  p = p * t2 - 3.332986079e-01f;
  p = p * t2 + 9.999993356e-01f;
  float r = p * t;
  r = ay > ax ? 1.57079632679f - r : r;
  r = x < 0.0f ? 3.14159265359f - r : r;
  return y < 0.0f ? -r : r;
}

/* e^-x for x >= 0 (0 beyond 86 and for NaN), relative error below 1e-6: x = k ln2 + r with k the nearest integer,
   so |r| <= ln2 / 2 and a degree-6 Taylor polynomial for e^-r is enough (its error is below 2e-7), then one exact
   multiplication by 2^-k; vendor expf differs between CPU libm and GPU. Out of range, the result is multiplied by
   zero rather than returned early: a branch would keep the CPU build from vectorising the loops that call it. */
KST_HOST_DEVICE float kst_exp_negf(float x) {
  const int out = !(x < 86.0f);
  /* x = 0 below 0, from 86 up and for NaN, by a mask: a select of a constant lets the compiler branch to a
     constant-folded copy. */
  uint32_t bits;
  memcpy(&bits, &x, sizeof bits);
  bits &= 0u - (uint32_t)((x >= 0.0f) & !out);
  memcpy(&x, &bits, sizeof x);
  const int k = (int)(x * 1.44269504f + 0.5f);
  /* ln2 in two parts so that k * ln2_hi is exact. */
  const float r = (x - (float)k * 0.693145751953125f) - (float)k * 1.428606765330187e-06f;
  float p = 1.388888889e-03f;
  p = p * r - 8.333333333e-03f;
  p = p * r + 4.166666667e-02f;
  p = p * r - 1.666666667e-01f;
  p = p * r + 0.5f;
  p = p * r - 1.0f;
  p = p * r + 1.0f;
  /* Times 2^-k in one exact multiplication (k <= 124, so 2^-k and the result are normal floats): no branch per
     bit. */
  const uint32_t scale_bits = (uint32_t)(127 - k) << 23;
  float scale;
  memcpy(&scale, &scale_bits, sizeof scale);
  return p * scale * (float)!out;
}

/* Natural log for a positive normal x (relative error below 1e-7): x = m 2^e with m in [sqrt(1/2), sqrt(2)), and
   ln m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.172, from five odd terms; vendor logf differs between CPU libm and
   GPU. */
KST_HOST_DEVICE float kst_logf(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof bits);
  int e = (int)((bits >> 23) & 0xFFu) - 127;
  bits = (bits & 0x007FFFFFu) | 0x3F800000u; /* the mantissa as a number in [1, 2) */
  float m;
  memcpy(&m, &bits, sizeof m);
  if (m > 1.41421356f) m *= 0.5f, e += 1;
  const float s = (m - 1.0f) / (m + 1.0f), s2 = s * s;
  float p = 1.0f / 9.0f;
  p = p * s2 + 1.0f / 7.0f;
  p = p * s2 + 0.2f;
  p = p * s2 + 1.0f / 3.0f;
  p = p * s2 + 1.0f;
  return (float)e * 0.693147181f + 2.0f * s * p;
}

#endif
