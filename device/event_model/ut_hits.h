/* The UT hit container: one buffer of arrays per batch, grouped by event and layer, sorted by x within a layer, and
   its views. */
#ifndef KST_UT_HITS_H
#define KST_UT_HITS_H

#include <stdint.h>

#include "device/event_model/view.h"

/* Hits of event e, layer l are [ut_hit_offsets[e*5 + l], ut_hit_offsets[e*5 + l + 1]); entry 4 ends the event. The
   event's first hit is its host-known item offset (the banks' hit counts), so the container is sized before any
   kernel runs. */
#define KST_UT_OFFSETS_PER_EVENT 5u

/* Per-event input error flags of UT decoding: a flagged event has no UT hits and is rejected. */
#define KST_UT_ERR_COUNT 1u   /* a bank's hit count does not fit its payload */
#define KST_UT_ERR_SOURCE 2u  /* a source id past the boards, of an absent board, or repeated */
#define KST_UT_ERR_CHANNEL 4u /* a hit on a lane that reads no sector, or hits out of channel order */
#define KST_UT_ERR_VERSION 8u /* a bank of another type or version */

/* The container is one buffer of n elements of this type: x at y = 0, z, dx/dy, the strip's y begin and end and
   the hit weight (floats), then LHCbIDs and layers, each an array of n, in that order. */
typedef struct kst_ut_hit_bytes {
  uint8_t b[6 * 4 + 4 + 1];
} kst_ut_hit_bytes;

/* The container's arrays, as its producer writes them. */
typedef struct kst_ut_hits {
  float *x, *z, *dxdy, *y_begin, *y_end, *weight;
  uint32_t *id;
  uint8_t *layer;
  uint64_t n;
} kst_ut_hits;

/* The container's arrays, as its consumers read them. */
typedef struct kst_ut_hits_in {
  const float *x, *z, *dxdy, *y_begin, *y_end, *weight;
  const uint32_t *id;
  const uint8_t *layer;
  uint64_t n;
} kst_ut_hits_in;

/* The writable view of a container of n hits at base. */
KST_VIEW_FN kst_ut_hits kst_ut_hits_out_view(kst_ut_hit_bytes *base, uint64_t n) {
  kst_ut_hits v;
  float *f = (float *)(void *)base;
  v.x = f, v.z = f + n, v.dxdy = f + 2 * n, v.y_begin = f + 3 * n, v.y_end = f + 4 * n, v.weight = f + 5 * n;
  v.id = (uint32_t *)(void *)(f + 6 * n);
  v.layer = (uint8_t *)(void *)(f + 7 * n);
  v.n = n;
  return v;
}

/* The read-only view of a container of n hits at base. */
KST_VIEW_FN kst_ut_hits_in kst_ut_hits_view(const kst_ut_hit_bytes *base, uint64_t n) {
  kst_ut_hits_in v;
  const float *f = (const float *)(const void *)base;
  v.x = f, v.z = f + n, v.dxdy = f + 2 * n, v.y_begin = f + 3 * n, v.y_end = f + 4 * n, v.weight = f + 5 * n;
  v.id = (const uint32_t *)(const void *)(f + 6 * n);
  v.layer = (const uint8_t *)(const void *)(f + 7 * n);
  v.n = n;
  return v;
}

#endif
