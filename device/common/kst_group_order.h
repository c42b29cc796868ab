/* Ordering a block's items by (group, x, id, w) in linear time for spread-out groups: a counting sort by group, then
   each item ranked within its group only. Used by the UT and SciFi decoders, whose groups are x bins of a layer. */
#ifndef KST_GROUP_ORDER_H
#define KST_GROUP_ORDER_H

#include <stdint.h>

#include "kst_dialect.h"

/* Items [lo, hi) of the block have groups group[h], keys x[h], id[h] and w[h] (w may be NULL). Writes to dest[h]
   each item's place in (group, x, id, w) order, counted from lo. start (n_groups + 1) and fill (n_groups) are the
   block's shared arrays; order (indexed like the items) is scratch. Items equal in group and all keys take places in
   any order: callers make such items identical in every field, so the bytes written do not depend on it. Every
   thread of the block must call it. */
KST_DEVICE void kst_group_order(const uint32_t *group, const float *x, const uint32_t *id, const float *w, uint32_t lo,
                                uint32_t hi, uint32_t n_groups, uint32_t *start, uint32_t *fill, uint32_t *order,
                                uint32_t *dest) {
  for (uint32_t g = threadIdx.x; g < n_groups; g += blockDim.x) fill[g] = 0;
  kst_syncthreads();
  for (uint32_t h = lo + threadIdx.x; h < hi; h += blockDim.x) kst_atomic_add_u32(&fill[group[h]], 1u);
  kst_syncthreads();
  if (threadIdx.x == 0) {
    uint32_t at = lo;
    for (uint32_t g = 0; g < n_groups; ++g) {
      start[g] = at;
      at += fill[g];
      fill[g] = start[g];
    }
    start[n_groups] = at;
  }
  kst_syncthreads();
  for (uint32_t h = lo + threadIdx.x; h < hi; h += blockDim.x) order[kst_atomic_add_u32(&fill[group[h]], 1u)] = h;
  kst_syncthreads();
  for (uint32_t h = lo + threadIdx.x; h < hi; h += blockDim.x) {
    const uint32_t g = group[h], me = id[h];
    const float key = x[h], weight = w ? w[h] : 0.0f;
    uint32_t rank = 0;
    for (uint32_t q = start[g]; q < start[g + 1]; ++q) {
      const uint32_t j = order[q];
      const float wj = w ? w[j] : 0.0f;
      rank += (uint32_t)((x[j] < key) |
                         ((x[j] == key) & ((id[j] < me) | ((id[j] == me) & ((wj < weight) | ((wj == weight) & (j < h)))))));
    }
    dest[h] = start[g] - lo + rank;
  }
  kst_syncthreads();
}

/* Writes an event's n + 1 group offsets from its n group counts, starting at the host-known first slot of the
   event; returns err, with count_flag added when the counts exceed the capacity the host sized (they would overrun the
   container). A flagged event keeps no items: its offsets collapse onto its first slot. */
KST_HOST_DEVICE uint32_t kst_group_offsets(const uint32_t *counts, uint32_t n, uint32_t first, uint32_t capacity,
                                           uint32_t err, uint32_t count_flag, uint32_t *off) {
  uint32_t total = 0, at = first;
  for (uint32_t g = 0; g < n; ++g) total += counts[g];
  if (total > capacity) err |= count_flag;
  for (uint32_t g = 0; g < n; ++g) {
    off[g] = at;
    if (!err) at += counts[g];
  }
  off[n] = at;
  return err;
}

/* The bin of x among n equal bins over [-half_width, half_width]; values outside go to the end bins. */
KST_HOST_DEVICE uint32_t kst_x_bin(float x, float half_width, uint32_t n) {
  const float t = (x + half_width) / (2.0f * half_width) * (float)n;
  return !(t > 0.0f) ? 0u : t >= (float)(n - 1) ? n - 1 : (uint32_t)t;
}

#endif
