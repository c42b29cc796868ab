/* SciFi decoding kernels: validate and count clusters per zone, then decode each bank's clusters into its zone's run
   and sort each zone by (x, id, weight). */
#include "device/common/kst_group_order.h"
#include "device/decoding/scifi_cluster.h"
#include "device/decoding/scifi_decoding.h"
#include "device/event_model/event_list.h"
#include "device/event_model/raw_banks.h"
#include "device/event_model/scifi_geometry.h"
#include "device/event_model/scifi_hits.h"
#include "kst_dialect.h"

#define BANK_WORDS ((KST_SCIFI_BANKS + 31) / 32)
/* Sorting groups: 128 x bins per zone over the SciFi's +-3300 mm (a few clusters per bin; only speed depends on
   them). */
#define X_BINS 128u
#define X_HALF_WIDTH 3300.0f
#define GROUPS (KST_SCIFI_ZONES * X_BINS)

/* The zone of a channel id, or -1 when it is on no mat of T1..T3 that the geometry holds. */
KST_DEVICE int32_t channel_zone(const kst_scifi_geometry *g, uint32_t channel) {
  const uint32_t station = (channel >> 18) & 3u, mat = ((channel >> 9) & 0x7FFu) - 512u;
  if ((channel >> 20) != 0 || station == 0 || mat >= KST_SCIFI_MATS || !(g->half_pitch[mat] > 0.0f)) return -1;
  const uint32_t layer = ((channel >> 16) & 15u) - 4u, top = ((channel >> 14) & 3u) >= 2u;
  return (int32_t)(2u * layer + top);
}

/* Payload bytes of a bank (0 when its length is shorter than its header). */
KST_DEVICE uint32_t payload_bytes(const uint8_t *bank) {
  const uint32_t length = KST_RAW_BANK_LENGTH(bank);
  return length >= KST_RAW_BANK_HEADER ? length - KST_RAW_BANK_HEADER : 0u;
}

KST_GLOBAL scifi_count_kernel(scifi_count_hits_args a, const kst_scifi_geometry *g) {
  __shared__ uint32_t counts[KST_SCIFI_ZONES];
  __shared__ uint32_t seen[BANK_WORDS];
  __shared__ uint32_t err;
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  for (uint32_t z = threadIdx.x; z < KST_SCIFI_ZONES; z += blockDim.x) counts[z] = 0;
  for (uint32_t w = threadIdx.x; w < BANK_WORDS; w += blockDim.x) seen[w] = 0;
  if (threadIdx.x == 0) err = 0;
  kst_syncthreads();
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t source = KST_RAW_BANK_SOURCE(bank);
    uint32_t flags = 0;
    if (KST_RAW_BANK_TYPE(bank) != a.props.bank_type || KST_RAW_BANK_VERSION(bank) != 5u) flags |= KST_SCIFI_ERR_VERSION;
    if (source >= KST_SCIFI_BANKS) flags |= KST_SCIFI_ERR_SOURCE;
    else if (kst_atomic_or_u32(&seen[source / 32], 1u << (source % 32)) & (1u << (source % 32))) flags |= KST_SCIFI_ERR_SOURCE;
    const int32_t n = kst_scifi_word_count(bank + KST_RAW_BANK_HEADER, payload_bytes(bank));
    if (n < 0) flags |= KST_SCIFI_ERR_COUNT;
    if (!flags) {
      const uint8_t *words = bank + KST_RAW_BANK_HEADER + 4;
      kst_scifi_walk walk = {0, 0};
      kst_scifi_cluster c;
      int r;
      while ((r = kst_scifi_next_cluster(words, (uint32_t)n, &walk, &c)) == 1) {
        const int32_t zone = channel_zone(g, g->first_channel[source] + (uint32_t)c.offset);
        if (zone < 0) {
          flags |= KST_SCIFI_ERR_CHANNEL;
          break;
        }
        kst_atomic_add_u32(&counts[zone], 1u);
      }
      if (r < 0) flags |= KST_SCIFI_ERR_CHANNEL;
    }
    if (flags) kst_atomic_or_u32(&err, flags);
  }
  kst_syncthreads();
  if (threadIdx.x == 0)
    a.dev_scifi_errors.data[e] = kst_group_offsets(counts, KST_SCIFI_ZONES, a.dev_item_offsets.data[e],
                                                   a.dev_item_offsets.data[e + 1] - a.dev_item_offsets.data[e], err,
                                                   KST_SCIFI_ERR_COUNT,
                                                   &a.dev_scifi_hit_offsets.data[(uint64_t)e * KST_SCIFI_OFFSETS_PER_EVENT]);
}

/* Every cluster goes to a free slot of the event's run, then to its place in (zone, x, id, weight) order (grouped by
   x bins of its zone, kst_group_order): the layout is the same for any thread count and on any device (clusters equal
   in all four are equal in every field). */
KST_GLOBAL scifi_decode_kernel(scifi_decode_args a, const kst_scifi_geometry *g) {
  __shared__ uint32_t written;
  __shared__ uint32_t start[GROUPS + 1], fill[GROUPS];
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  if (a.dev_scifi_errors.data[e]) return;
  const uint32_t *off = &a.dev_scifi_hit_offsets.data[(uint64_t)e * KST_SCIFI_OFFSETS_PER_EVENT];
  const uint32_t lo = off[0], hi = off[KST_SCIFI_ZONES];
  if (threadIdx.x == 0) written = lo;
  kst_syncthreads();
  const kst_scifi_hits tmp = kst_scifi_hits_out_view(a.dev_scifi_unsorted.data, a.dev_scifi_unsorted.count);
  const uint64_t cap = a.dev_scifi_unsorted.count;
  uint32_t *group = a.dev_scifi_sort.data, *order = group + cap, *dest = order + cap;
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t source = KST_RAW_BANK_SOURCE(bank);
    const uint32_t n = (uint32_t)kst_scifi_word_count(bank + KST_RAW_BANK_HEADER, payload_bytes(bank));
    const uint8_t *words = bank + KST_RAW_BANK_HEADER + 4;
    uint32_t h = kst_atomic_add_u32(&written, (uint32_t)kst_scifi_cluster_count(words, n));
    kst_scifi_walk walk = {0, 0};
    kst_scifi_cluster c;
    for (; kst_scifi_next_cluster(words, n, &walk, &c) == 1; ++h) {
      const uint32_t channel = g->first_channel[source] + (uint32_t)c.offset;
      const uint32_t zone = (uint32_t)channel_zone(g, channel), m = ((channel >> 9) & 0x7FFu) - 512u;
      /* Along the mat: the channel's centre in half channels, the die gap past channel 63, the SiPM's place. */
      const float u = g->u_begin[m] + (float)(2u * (channel & 127u) + 1u + c.fraction) * g->half_pitch[m] +
                      (float)((channel >> 6) & 1u) * g->die_gap[m] + (float)((channel >> 7) & 3u) * g->sipm_pitch[m];
      const float ex = g->mirror_x[m] + u * g->ddx_x[m], ey = g->mirror_y[m] + u * g->ddx_y[m];
      const float ez = g->mirror_z[m] + u * g->ddx_z[m], dy = g->global_dy[m];
      const float error = a.props.error_base + a.props.error_per_size * (float)c.pseudo_size;
      const float x = ex - g->dxdy[m] * ey;
      tmp.x[h] = x;
      tmp.z[h] = ez - g->dzdy[m] * ey;
      tmp.dxdy[h] = g->dxdy[m];
      tmp.dzdy[h] = g->dzdy[m];
      /* The fibre runs from its mirror end away from y = 0: down in the bottom quarters, up in the top ones. */
      tmp.y_min[h] = dy < 0.0f ? ey + dy : ey;
      tmp.y_max[h] = dy < 0.0f ? ey : ey + dy;
      tmp.weight[h] = 1.0f / (error * error);
      tmp.id[h] = (KST_SCIFI_DETECTOR << 28) | channel;
      tmp.zone[h] = (uint8_t)zone;
      group[h] = zone * X_BINS + kst_x_bin(x, X_HALF_WIDTH, X_BINS);
    }
  }
  kst_syncthreads();
  kst_group_order(group, tmp.x, tmp.id, tmp.weight, lo, hi, GROUPS, start, fill, order, dest);
  const kst_scifi_hits out = kst_scifi_hits_out_view(a.dev_scifi_hits.data, a.dev_scifi_hits.count);
  for (uint32_t h = lo + threadIdx.x; h < hi; h += blockDim.x) {
    const uint32_t o = lo + dest[h];
    out.x[o] = tmp.x[h];
    out.z[o] = tmp.z[h];
    out.dxdy[o] = tmp.dxdy[h];
    out.dzdy[o] = tmp.dzdy[h];
    out.y_min[o] = tmp.y_min[h];
    out.y_max[o] = tmp.y_max[h];
    out.weight[o] = tmp.weight[h];
    out.id[o] = tmp.id[h];
    out.zone[o] = tmp.zone[h];
  }
}

KST_EXTERN_C kst_status kst_scifi_count_hits_launch(scifi_count_hits_args a, const kst_scifi_geometry *g, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(scifi_count_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1),
             KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, g);
  return kst_launch_check("scifi_count_kernel");
}

KST_EXTERN_C kst_status kst_scifi_decode_launch(scifi_decode_args a, const kst_scifi_geometry *g, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(scifi_decode_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1),
             KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, g);
  return kst_launch_check("scifi_decode_kernel");
}
