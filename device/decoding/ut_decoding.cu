/* UT decoding kernels: validate and count per layer, then decode each bank's hits into its layer's run and sort each
   layer by (x, id). */
#include "device/common/kst_group_order.h"
#include "device/decoding/ut_decoding.h"
#include "device/event_model/event_list.h"
#include "device/event_model/raw_banks.h"
#include "device/event_model/ut_geometry.h"
#include "device/event_model/ut_hits.h"
#include "kst_dialect.h"

#define BOARD_WORDS ((KST_UT_BOARDS + 31) / 32)
/* Sorting groups: 64 x bins per layer over the UT's +-900 mm (a few hits per bin; only speed depends on them). */
#define X_BINS 64u
#define X_HALF_WIDTH 900.0f
#define GROUPS (KST_UT_LAYERS * X_BINS)

/* Payload bytes of a bank (0 when its length is shorter than its header). */
KST_DEVICE uint32_t payload_bytes(const uint8_t *bank) {
  const uint32_t length = KST_RAW_BANK_LENGTH(bank);
  return length >= KST_RAW_BANK_HEADER ? length - KST_RAW_BANK_HEADER : 0u;
}

KST_GLOBAL ut_count_kernel(ut_count_hits_args a, const kst_ut_readout *r) {
  __shared__ uint32_t counts[KST_UT_LAYERS];
  __shared__ uint32_t seen[BOARD_WORDS];
  __shared__ uint32_t err;
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  for (uint32_t l = threadIdx.x; l < KST_UT_LAYERS; l += blockDim.x) counts[l] = 0;
  for (uint32_t w = threadIdx.x; w < BOARD_WORDS; w += blockDim.x) seen[w] = 0;
  if (threadIdx.x == 0) err = 0;
  kst_syncthreads();
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t board = KST_RAW_BANK_SOURCE(bank), payload = payload_bytes(bank);
    uint32_t flags = 0, mine[KST_UT_LAYERS] = {0, 0, 0, 0};
    if (KST_RAW_BANK_TYPE(bank) != a.props.bank_type || KST_RAW_BANK_VERSION(bank) != 3u) flags |= KST_UT_ERR_VERSION;
    if (board >= KST_UT_BOARDS || r->strips_per_hybrid[board] == 0) flags |= KST_UT_ERR_SOURCE;
    else if (kst_atomic_or_u32(&seen[board / 32], 1u << (board % 32)) & (1u << (board % 32))) flags |= KST_UT_ERR_SOURCE;
    const uint32_t n = payload >= 4u ? KST_RAW_U32(bank + KST_RAW_BANK_HEADER) & 0xFFFFu : 0u;
    if (payload < 4u || 4u + 2u * n > payload) flags |= KST_UT_ERR_COUNT;
    if (!flags) {
      const uint8_t *words = bank + KST_RAW_BANK_HEADER + 4;
      for (uint32_t i = 0; i < n; ++i) {
        const uint32_t lane = ((KST_RAW_U16(words + 2 * i) >> 2) & 0xFFFu) / KST_UT_STRIPS_PER_LANE;
        const uint32_t row = board * KST_UT_LANES_PER_BOARD + lane;
        if (lane >= KST_UT_LANES_PER_BOARD || r->sector[row] == KST_UT_NO_SECTOR) flags |= KST_UT_ERR_CHANNEL;
        else mine[r->layer[row]]++;
      }
    }
    if (flags) kst_atomic_or_u32(&err, flags);
    else
      for (uint32_t l = 0; l < KST_UT_LAYERS; ++l) kst_atomic_add_u32(&counts[l], mine[l]);
  }
  kst_syncthreads();
  if (threadIdx.x == 0)
    a.dev_ut_errors.data[e] = kst_group_offsets(counts, KST_UT_LAYERS, a.dev_item_offsets.data[e],
                                                a.dev_item_offsets.data[e + 1] - a.dev_item_offsets.data[e], err,
                                                KST_UT_ERR_COUNT,
                                                &a.dev_ut_hit_offsets.data[(uint64_t)e * KST_UT_OFFSETS_PER_EVENT]);
}

/* Every hit goes to a free slot of the event's run, then to its place in (layer, x, id) order (grouped by x bins of
   its layer, kst_group_order): the layout is the same for any thread count and on any device. Two hits equal in
   (x, id) are the same word twice and identical in every field, so their order among themselves changes no byte. */
KST_GLOBAL ut_decode_kernel(ut_decode_args a, const kst_ut_readout *r, const kst_ut_geometry *g) {
  __shared__ uint32_t written;
  __shared__ uint32_t start[GROUPS + 1], fill[GROUPS];
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  if (a.dev_ut_errors.data[e]) return;
  const uint32_t *off = &a.dev_ut_hit_offsets.data[(uint64_t)e * KST_UT_OFFSETS_PER_EVENT];
  const uint32_t lo = off[0], hi = off[KST_UT_LAYERS];
  if (threadIdx.x == 0) written = lo;
  kst_syncthreads();
  const kst_ut_hits tmp = kst_ut_hits_out_view(a.dev_ut_unsorted.data, a.dev_ut_unsorted.count);
  uint32_t *group = a.dev_ut_sort.data, *order = group + a.dev_ut_unsorted.count, *dest = order + a.dev_ut_unsorted.count;
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t board = KST_RAW_BANK_SOURCE(bank), n = KST_RAW_U32(bank + KST_RAW_BANK_HEADER) & 0xFFFFu;
    const uint8_t *words = bank + KST_RAW_BANK_HEADER + 4;
    const uint32_t first = kst_atomic_add_u32(&written, n);
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t word = KST_RAW_U16(words + 2 * i), channel = (word >> 2) & 0xFFFu;
      const uint32_t row = board * KST_UT_LANES_PER_BOARD + channel / KST_UT_STRIPS_PER_LANE;
      const uint32_t strip = channel % KST_UT_STRIPS_PER_LANE + 1u, s = r->sector[row], layer = r->layer[row];
      /* Position along the sector in strips, quarter strips from the fraction bits. */
      const float pos = (float)(int32_t)(strip - g->first_strip[s]) + (float)(word & 3u) * 0.25f;
      const uint32_t h = first + i;
      const float x = g->p0_x[s] + pos * g->dp0di_x[s];
      tmp.x[h] = x;
      tmp.z[h] = g->p0_z[s];
      tmp.dxdy[h] = g->dxdy[s];
      tmp.y_begin[h] = g->p0_y[s] + pos * g->dp0di_y[s];
      tmp.y_end[h] = tmp.y_begin[h] + g->dy[s];
      tmp.weight[h] = 12.0f / (g->pitch[s] * g->pitch[s]);
      tmp.id[h] = (KST_UT_DETECTOR << 28) | (r->chan_id[row] + strip - 1u);
      tmp.layer[h] = (uint8_t)layer;
      group[h] = layer * X_BINS + kst_x_bin(x, X_HALF_WIDTH, X_BINS);
    }
  }
  kst_syncthreads();
  kst_group_order(group, tmp.x, tmp.id, NULL, lo, hi, GROUPS, start, fill, order, dest);
  const kst_ut_hits out = kst_ut_hits_out_view(a.dev_ut_hits.data, a.dev_ut_hits.count);
  for (uint32_t h = lo + threadIdx.x; h < hi; h += blockDim.x) {
    const uint32_t o = lo + dest[h];
    out.x[o] = tmp.x[h];
    out.z[o] = tmp.z[h];
    out.dxdy[o] = tmp.dxdy[h];
    out.y_begin[o] = tmp.y_begin[h];
    out.y_end[o] = tmp.y_end[h];
    out.weight[o] = tmp.weight[h];
    out.id[o] = tmp.id[h];
    out.layer[o] = tmp.layer[h];
  }
}

KST_EXTERN_C kst_status kst_ut_count_hits_launch(ut_count_hits_args a, const kst_ut_readout *r, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(ut_count_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1),
             KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, r);
  return kst_launch_check("ut_count_kernel");
}

KST_EXTERN_C kst_status kst_ut_decode_launch(ut_decode_args a, const kst_ut_readout *r, const kst_ut_geometry *g,
                                             kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(ut_decode_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1),
             KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, r, g);
  return kst_launch_check("ut_decode_kernel");
}
