/* LHCb's deterministic scalers: a line keeps an event when a hash of the line's name, the run, the event number and the
   GPS time falls below the scale factor's share of 2^32, so the same events pass on any machine and with any batching
   (the hash is LHCb's DeterministicPrescalerGenerator mixing, as Allen uses it). */
#ifndef KST_SCALER_H
#define KST_SCALER_H

#include <stdint.h>
#include <string.h>

#include "kst_dialect.h"

/* One round of the avalanche mixing. */
KST_HOST_DEVICE uint32_t kst_scaler_mix(uint32_t state) {
  state += state << 16;
  state ^= state >> 13;
  state += state << 4;
  state ^= state >> 7;
  state += state << 10;
  state ^= state >> 5;
  state += state << 8;
  state ^= state >> 16;
  return state;
}

/* Mixes 64 bits in, low word first. */
KST_HOST_DEVICE uint32_t kst_scaler_mix64(uint32_t state, uint32_t hi, uint32_t lo) {
  return kst_scaler_mix(kst_scaler_mix(state + lo) + hi);
}

/* The initial value of a line's scaler: its hash string mixed four characters at a time (a leading partial group
   padded with spaces in front), starting from the string's length. Host only. */
static inline uint32_t kst_scaler_seed(const char *text) {
  const size_t n = strlen(text), rem = n % 4;
  uint32_t state = (uint32_t)n;
  const unsigned char *p = (const unsigned char *)text;
  if (rem) {
    unsigned char g[4] = {' ', ' ', ' ', ' '};
    memcpy(g + 4 - rem, p, rem);
    state = kst_scaler_mix(state + ((uint32_t)g[0] | (uint32_t)g[1] << 8 | (uint32_t)g[2] << 16 | (uint32_t)g[3] << 24));
    p += rem;
  }
  for (size_t k = rem; k < n; k += 4, p += 4)
    state = kst_scaler_mix(state + ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24));
  return state;
}

/* Whether the scaler with this seed and factor keeps the event: the GPS time, then the run, then the event number mixed
   into the seed, against factor x (2^32 - 1) computed in single precision, as LHCb does. */
KST_HOST_DEVICE int kst_scaler_keep(uint32_t seed, float factor, uint32_t run, uint32_t event_hi, uint32_t event_lo,
                                    uint32_t gps_hi, uint32_t gps_lo) {
  if (factor >= 1.0f) return 1;
  const uint32_t threshold = (uint32_t)(factor * 4294967295.0f);
  const uint32_t x = kst_scaler_mix64(kst_scaler_mix(kst_scaler_mix64(seed, gps_hi, gps_lo) + run), event_hi, event_lo);
  return x < threshold;
}

#endif
