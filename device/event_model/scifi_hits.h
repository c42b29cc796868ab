/* The SciFi hit container: one buffer of arrays per batch, grouped by event and zone (layer and half), sorted by x
   within a zone, and its views. */
#ifndef KST_SCIFI_HITS_H
#define KST_SCIFI_HITS_H

#include <stdint.h>

#include "device/event_model/scifi_geometry.h"
#include "device/event_model/view.h"

/* Hits of event e, zone z are [scifi_hit_offsets[e*25 + z], scifi_hit_offsets[e*25 + z + 1]); entry 24 ends the event.
   Zone = 2 layer + 1 for the top half (y > 0). The event's first hit is its host-known item offset (the clusters the
   host counted with the same rule), so the container is sized before any kernel runs. */
#define KST_SCIFI_OFFSETS_PER_EVENT (KST_SCIFI_ZONES + 1u)

/* Per-event input error flags of SciFi decoding: a flagged event has no SciFi hits and is rejected. */
#define KST_SCIFI_ERR_COUNT 1u   /* a payload that cannot hold its words, or more clusters than the host counted */
#define KST_SCIFI_ERR_SOURCE 2u  /* a source id past the banks, or repeated */
#define KST_SCIFI_ERR_CHANNEL 4u /* words out of order or a broken pair, or a channel on no mat of T1..T3 */
#define KST_SCIFI_ERR_VERSION 8u /* a bank of another type or version */

/* The container is one buffer of n elements of this type: x and z at y = 0, dx/dy, dz/dy, the fibre's y range and
   the hit weight (floats), then LHCbIDs and zones, each an array of n, in that order. */
typedef struct kst_scifi_hit_bytes {
  uint8_t b[7 * 4 + 4 + 1];
} kst_scifi_hit_bytes;

/* The container's arrays, as its producer writes them. */
typedef struct kst_scifi_hits {
  float *x, *z, *dxdy, *dzdy, *y_min, *y_max, *weight;
  uint32_t *id;
  uint8_t *zone;
  uint64_t n;
} kst_scifi_hits;

/* The container's arrays, as its consumers read them. */
typedef struct kst_scifi_hits_in {
  const float *x, *z, *dxdy, *dzdy, *y_min, *y_max, *weight;
  const uint32_t *id;
  const uint8_t *zone;
  uint64_t n;
} kst_scifi_hits_in;

/* The writable view of a container of n hits at base. */
KST_VIEW_FN kst_scifi_hits kst_scifi_hits_out_view(kst_scifi_hit_bytes *base, uint64_t n) {
  kst_scifi_hits v;
  float *f = (float *)(void *)base;
  v.x = f, v.z = f + n, v.dxdy = f + 2 * n, v.dzdy = f + 3 * n, v.y_min = f + 4 * n, v.y_max = f + 5 * n;
  v.weight = f + 6 * n;
  v.id = (uint32_t *)(void *)(f + 7 * n);
  v.zone = (uint8_t *)(void *)(f + 8 * n);
  v.n = n;
  return v;
}

/* The read-only view of a container of n hits at base. */
KST_VIEW_FN kst_scifi_hits_in kst_scifi_hits_view(const kst_scifi_hit_bytes *base, uint64_t n) {
  kst_scifi_hits_in v;
  const float *f = (const float *)(const void *)base;
  v.x = f, v.z = f + n, v.dxdy = f + 2 * n, v.dzdy = f + 3 * n, v.y_min = f + 4 * n, v.y_max = f + 5 * n;
  v.weight = f + 6 * n;
  v.id = (const uint32_t *)(const void *)(f + 7 * n);
  v.zone = (const uint8_t *)(const void *)(f + 8 * n);
  v.n = n;
  return v;
}

#endif
