/* xoshiro256** (Blackman and Vigna) and samplers built only from +,-,*,/, sqrt and kst_sm_* math. */
#include "input/simulation/rng.h"

#include <math.h>

#include "input/simulation/smath.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void kst_rng_seed(kst_rng *r, uint64_t seed, uint64_t stream) {
  /* mixing the stream through splitmix first keeps nearby (seed, stream) pairs uncorrelated */
  uint64_t x = seed;
  uint64_t a = splitmix64(&x);
  uint64_t y = stream ^ a;
  uint64_t b = splitmix64(&y);
  uint64_t z = a ^ rotl(b, 17);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&z);
  if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3])) r->s[0] = 1; /* the all-zero state is a fixed point */
  r->has_spare = 0;
  r->spare = 0.0;
}

uint64_t kst_rng_next(kst_rng *r) {
  uint64_t *s = r->s;
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double kst_rng_uniform(kst_rng *r) { return (double)(kst_rng_next(r) >> 11) * 0x1.0p-53; }

double kst_rng_uniform_pos(kst_rng *r) { return (double)((kst_rng_next(r) >> 11) + 1) * 0x1.0p-53; }

uint32_t kst_rng_below(kst_rng *r, uint32_t n) {
  /* Lemire's multiply-shift with rejection of the biased low band */
  uint64_t m = (uint64_t)(uint32_t)(kst_rng_next(r) >> 32) * n;
  uint32_t low = (uint32_t)m;
  if (low < n) {
    uint32_t threshold = (uint32_t)(-n) % n;
    while (low < threshold) {
      m = (uint64_t)(uint32_t)(kst_rng_next(r) >> 32) * n;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

double kst_rng_gauss(kst_rng *r) {
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  /* Marsaglia's polar form of Box-Muller: a log and a sqrt, no sin/cos */
  double u, v, q;
  do {
    u = 2.0 * kst_rng_uniform(r) - 1.0;
    v = 2.0 * kst_rng_uniform(r) - 1.0;
    q = u * u + v * v;
  } while (q >= 1.0 || q == 0.0);
  double f = sqrt(-2.0 * kst_sm_log(q) / q);
  r->spare = v * f;
  r->has_spare = 1;
  return u * f;
}

double kst_rng_exponential(kst_rng *r) { return -kst_sm_log(kst_rng_uniform_pos(r)); }

/* Inverse CDF for a small mean: the sum of terms stays far from underflow. */
static uint32_t poisson_small(kst_rng *r, double lambda) {
  double u = kst_rng_uniform(r);
  double term = kst_sm_exp(-lambda), cdf = term;
  uint32_t k = 0;
  while (u >= cdf && k < 1000) {
    k++;
    term *= lambda / k;
    cdf += term;
    if (term < 1e-300) break; /* rounding left u above the total: the tail is empty */
  }
  return k;
}

uint32_t kst_rng_poisson(kst_rng *r, double lambda) {
  uint32_t n = 0;
  if (!(lambda > 0.0)) return 0;
  /* a sum of independent Poissons is Poisson: split big means into chunks of at most 30 */
  while (lambda > 30.0) {
    n += poisson_small(r, 30.0);
    lambda -= 30.0;
  }
  return n + poisson_small(r, lambda);
}

double kst_rng_gamma(kst_rng *r, double k) {
  if (k < 1.0) {
    /* boost the shape by one and scale back with u^(1/k) */
    double g = kst_rng_gamma(r, k + 1.0);
    return g * kst_sm_exp(kst_sm_log(kst_rng_uniform_pos(r)) / k);
  }
  const double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = kst_rng_gauss(r);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    double u = kst_rng_uniform_pos(r);
    if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return d * v;
    if (kst_sm_log(u) < 0.5 * x * x + d * (1.0 - v + kst_sm_log(v))) return d * v;
  }
}

uint32_t kst_rng_negbin(kst_rng *r, double mean, double k) {
  if (!(mean > 0.0)) return 0;
  if (!(k > 0.0)) return kst_rng_poisson(r, mean);
  return kst_rng_poisson(r, kst_rng_gamma(r, k) * (mean / k));
}
