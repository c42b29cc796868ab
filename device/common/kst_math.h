/* Math that gives the same bits on CPU and GPU: only +, -, *, / (no FMA contraction, see CMakeLists.txt). */
#ifndef KST_MATH_H
#define KST_MATH_H

#include "kst_dialect.h"

/* atan2 from an odd degree-15 polynomial on [0, 1] (max error 4e-8 rad, fitted for Kestrel); vendor atan2f
   differs between CPU libm and GPU, which would break CPU-GPU bit identity. Returns (-pi, pi]. */
KST_HOST_DEVICE float kst_atan2f(float y, float x) {
  const float ax = x < 0.0f ? -x : x, ay = y < 0.0f ? -y : y;
  const float hi = ax > ay ? ax : ay, lo = ax > ay ? ay : ax;
  if (hi == 0.0f) return 0.0f;
  const float t = lo / hi, t2 = t * t;
  float p = -4.054567124e-03f;
  p = p * t2 + 2.186295775e-02f;
  p = p * t2 - 5.591232697e-02f;
  p = p * t2 + 9.642197382e-02f;
  p = p * t2 - 1.390862959e-01f;
  p = p * t2 + 1.994656567e-01f;
  p = p * t2 - 3.332986079e-01f;
  p = p * t2 + 9.999993356e-01f;
  float r = p * t;
  if (ay > ax) r = 1.57079632679f - r;
  if (x < 0.0f) r = 3.14159265359f - r;
  return y < 0.0f ? -r : r;
}

#endif
