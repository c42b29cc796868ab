/* Portable PRNG (xoshiro256** seeded by splitmix64) and the samplers the simulator draws from. */
#ifndef KST_SIM_RNG_H
#define KST_SIM_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Generator state; the same seed gives the same stream on every machine. */
typedef struct kst_rng {
  uint64_t s[4];
  double spare;   /* second Box-Muller value, valid when has_spare */
  int has_spare;
} kst_rng;

/* Seeds from (seed, stream): each event gets its own stream, so events can be made in any order. */
void kst_rng_seed(kst_rng *r, uint64_t seed, uint64_t stream);
/* Next raw 64-bit value. */
uint64_t kst_rng_next(kst_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double kst_rng_uniform(kst_rng *r);
/* Uniform in (0, 1]: safe to take the log of. */
double kst_rng_uniform_pos(kst_rng *r);
/* Uniform integer in [0, n) without modulo bias (n > 0). */
uint32_t kst_rng_below(kst_rng *r, uint32_t n);
/* Standard normal (polar Box-Muller, the second value kept for the next call). */
double kst_rng_gauss(kst_rng *r);
/* Exponential with mean 1 (inverse CDF). */
double kst_rng_exponential(kst_rng *r);
/* Poisson with mean lambda >= 0 (inverse CDF in chunks of at most 30, so no underflow). */
uint32_t kst_rng_poisson(kst_rng *r, double lambda);
/* Gamma with shape k > 0 and scale 1 (Marsaglia-Tsang). */
double kst_rng_gamma(kst_rng *r, double k);
/* Negative binomial with the given mean and shape k (a gamma-mixed Poisson): broad multiplicities. */
uint32_t kst_rng_negbin(kst_rng *r, double mean, double k);

#ifdef __cplusplus
}
#endif
#endif
