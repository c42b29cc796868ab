/* Portable elementary functions from +,-,*,/, sqrt, floor, frexp and ldexp, all exact in IEEE-754:
 * libm's log/exp/sin/cos may differ in the last bit between libraries, and a single bit flipped in
 * one hit position would change the output file. Accuracy is a few ulp, which is all we need. */
#include "input/simulation/smath.h"

#include <math.h>

static const double ln2_hi = 6.93147180369123816490e-01; /* trailing zeros: k * ln2_hi is exact */
static const double ln2_lo = 1.90821492927058770002e-10;
static const double inv_ln2 = 1.44269504088896338700e+00;
static const double pio2_1 = 1.57079632673412561417e+00; /* pi/2 in three pieces (fdlibm's) */
static const double pio2_2 = 6.07710050630396597660e-11;
static const double pio2_3 = 2.02226624879595063154e-21;
static const double two_over_pi = 6.36619772367581382433e-01;

double kst_sm_log(double x) {
  if (x != x || x < 0.0) return NAN;
  if (x == 0.0) return -INFINITY;
  if (isinf(x)) return x;
  int e;
  double m = frexp(x, &e); /* x = m 2^e, m in [0.5, 1) */
  if (m < 0.70710678118654752440) m *= 2.0, e -= 1;
  /* log m = 2 atanh(s) with |s| <= 0.172: the odd series converges to 1e-18 in 12 terms */
  static const double odd_inv[13] = {1.0,       1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11, 1.0 / 13,
                                     1.0 / 15,  1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25};
  double s = (m - 1.0) / (m + 1.0), z = s * s;
  double sum = odd_inv[12];
  for (int k = 11; k >= 0; k--) sum = odd_inv[k] + z * sum;
  double lm = 2.0 * s * sum;
  return (double)e * ln2_hi + (lm + (double)e * ln2_lo);
}

double kst_sm_exp(double x) {
  if (x != x) return x;
  if (x > 709.78) return INFINITY;
  if (x < -745.2) return 0.0;
  double k = floor(x * inv_ln2 + 0.5);
  double r = (x - k * ln2_hi) - k * ln2_lo; /* |r| <= 0.347 */
  static const double inv[15] = {0,        1.0,       1.0 / 2,  1.0 / 3,  1.0 / 4,
                                 1.0 / 5,  1.0 / 6,   1.0 / 7,  1.0 / 8,  1.0 / 9,
                                 1.0 / 10, 1.0 / 11,  1.0 / 12, 1.0 / 13, 1.0 / 14};
  double p = 1.0;
  for (int n = 14; n >= 1; n--) p = 1.0 + r * p * inv[n];
  return ldexp(p, (int)k);
}

/* sin and cos on |r| <= pi/4 by Taylor series (error below 1e-19). */
static void sincos_reduced(double r, double *s, double *c) {
  double z = r * r;
  double ps = 1.0, pc = 1.0;
  for (int n = 18; n >= 2; n -= 2) {
    ps = 1.0 - z * ps / ((n + 1) * n);
    pc = 1.0 - z * pc / (n * (n - 1));
  }
  *s = r * ps;
  *c = pc;
}

void kst_sm_sincos(double x, double *s, double *c) {
  if (!isfinite(x)) {
    *s = *c = NAN;
    return;
  }
  double k = floor(x * two_over_pi + 0.5);
  double r = ((x - k * pio2_1) - k * pio2_2) - k * pio2_3;
  double sr, cr;
  sincos_reduced(r, &sr, &cr);
  long q = (long)fmod(k, 4.0); /* fmod is exact */
  if (q < 0) q += 4;
  switch (q) {
    case 0: *s = sr, *c = cr; break;
    case 1: *s = cr, *c = -sr; break;
    case 2: *s = -sr, *c = -cr; break;
    default: *s = -cr, *c = sr; break;
  }
}

/* atan on [-1, 1]: two half-angle steps bring |y| under tan(pi/16), then the odd series. */
static double atan_unit(double x) {
  double y = x / (1.0 + sqrt(1.0 + x * x));
  y = y / (1.0 + sqrt(1.0 + y * y));
  double z = y * y, sum = 0.0;
  for (int k = 14; k >= 0; k--) sum = (k & 1 ? -1.0 : 1.0) / (2 * k + 1) + z * sum;
  return 4.0 * y * sum;
}

double kst_sm_atan2(double y, double x) {
  if (x != x || y != y) return NAN;
  const double pi = KST_SM_PI, pio2 = 0.5 * KST_SM_PI;
  if (x == 0.0) return y > 0.0 ? pio2 : y < 0.0 ? -pio2 : (signbit(x) ? (signbit(y) ? -pi : pi) : y);
  double a;
  if (fabs(y) <= fabs(x)) a = atan_unit(y / x);
  else a = (y / x > 0.0 ? pio2 : -pio2) - atan_unit(x / y);
  if (x > 0.0) return a;
  return y >= 0.0 ? a + pi : a - pi;
}

double kst_sm_pow(double a, double b) {
  if (a == 0.0) return b > 0.0 ? 0.0 : INFINITY;
  return kst_sm_exp(b * kst_sm_log(a));
}

double kst_sm_eta(double pt, double pz) {
  double p = sqrt(pt * pt + pz * pz);
  return pz >= 0.0 ? kst_sm_log((p + pz) / pt) : -kst_sm_log((p - pz) / pt);
}
