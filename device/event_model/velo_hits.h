/* The VELO hit container: one buffer of arrays per batch, grouped by event and module, phi-sorted in a module, and its
   views. */
#ifndef KST_VELO_HITS_H
#define KST_VELO_HITS_H

#include <stdint.h>

#include "device/event_model/view.h"

/* Hits of event e, module m are [module_offsets[e*53 + m], module_offsets[e*53 + m + 1]); entry 52 ends the event.
   The event's first hit index is the host-known item offset, so the container is sized before any kernel runs. */
#define KST_VELO_OFFSETS_PER_EVENT 53u

/* Per-event input error flags of VELO decoding: a flagged event has no hits and is counted. */
#define KST_VELO_ERR_COUNT 1u     /* a bank's count word disagrees with its size */
#define KST_VELO_ERR_SENSOR 2u    /* a sensor number (source id) out of range, or two banks for one sensor */
#define KST_VELO_ERR_COLUMN 4u    /* a cluster column outside the sensor */
#define KST_VELO_ERR_VERSION 8u   /* a bank of another type or version */

/* The container is one buffer of n elements of this type: the hits' x, y, z and phi (floats), their LHCbIDs and their
   modules, each an array of n, in that order. Algorithms pass it as one parameter and read it through a view. */
typedef struct kst_velo_hit_bytes {
  uint8_t b[4 * 4 + 4 + 1];
} kst_velo_hit_bytes;

/* The hit container's arrays, as its producer writes them. */
typedef struct kst_velo_hits {
  float *x, *y, *z, *phi;
  uint32_t *id;
  uint8_t *module;
  uint64_t n;
} kst_velo_hits;

/* The hit container's arrays, as its consumers read them. */
typedef struct kst_velo_hits_in {
  const float *x, *y, *z, *phi;
  const uint32_t *id;
  const uint8_t *module;
  uint64_t n;
} kst_velo_hits_in;

/* The writable view of a container of n hits at base. */
KST_VIEW_FN kst_velo_hits kst_velo_hits_out_view(kst_velo_hit_bytes *base, uint64_t n) {
  kst_velo_hits v;
  float *f = (float *)(void *)base;
  v.x = f, v.y = f + n, v.z = f + 2 * n, v.phi = f + 3 * n;
  v.id = (uint32_t *)(void *)(f + 4 * n);
  v.module = (uint8_t *)(void *)(f + 5 * n);
  v.n = n;
  return v;
}

/* The read-only view of a container of n hits at base. */
KST_VIEW_FN kst_velo_hits_in kst_velo_hits_view(const kst_velo_hit_bytes *base, uint64_t n) {
  kst_velo_hits_in v;
  const float *f = (const float *)(const void *)base;
  v.x = f, v.y = f + n, v.z = f + 2 * n, v.phi = f + 3 * n;
  v.id = (const uint32_t *)(const void *)(f + 4 * n);
  v.module = (const uint8_t *)(const void *)(f + 5 * n);
  v.n = n;
  return v;
}

/* The sensor number in an LHCbID (bits 18..25 of the channel). */
#define KST_VELO_ID_SENSOR(id) (((id) >> 18) & 0xFFu)

#endif
