/* VELO decoding kernels: count and validate, then decode each module's clusters and sort them by phi. */
#include "device/event_model/velo_geometry.h"
#include "device/common/kst_group_order.h"
#include "device/common/kst_math.h"
#include "device/common/kst_simd.h"
#include "device/decoding/velo_cluster.h"
#include "device/decoding/velo_decoding.h"
#include "device/event_model/raw_banks.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/event_list.h"
#include "kst_dialect.h"

#define SENSOR_WORDS ((KST_VELO_SENSORS + 31) / 32)

/* The CPU's path (KST_VELO_DECODE_CPU_PATH, see docs/kernels.md): with AVX-512 a hit's rank is counted 16 hits at a
   time, the module's last few included (the compiler's vectorised loop finished each module, a few tens of hits, in a
   scalar remainder, which took most of the decoding). */
#ifndef KST_VELO_DECODE_CPU_PATH
#define KST_VELO_DECODE_CPU_PATH KST_CPU_PATH_DEFAULT
#endif
#define KST_RANK_X16 (KST_VELO_DECODE_CPU_PATH && KST_SIMD_AVX512)

KST_GLOBAL velo_count_kernel(velo_count_hits_args a) {
  __shared__ uint32_t counts[KST_VELO_MODULES];
  __shared__ uint32_t seen[SENSOR_WORDS];
  __shared__ uint32_t err;
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  for (uint32_t m = threadIdx.x; m < KST_VELO_MODULES; m += blockDim.x) counts[m] = 0;
  for (uint32_t w = threadIdx.x; w < SENSOR_WORDS; w += blockDim.x) seen[w] = 0;
  if (threadIdx.x == 0) err = 0;
  kst_syncthreads();
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t length = KST_RAW_BANK_LENGTH(bank), sensor = KST_RAW_BANK_SOURCE(bank);
    const uint32_t payload = length >= KST_RAW_BANK_HEADER ? length - KST_RAW_BANK_HEADER : 0u;
    uint32_t flags = 0;
    if (KST_RAW_BANK_TYPE(bank) != a.props.bank_type || KST_RAW_BANK_VERSION(bank) != 3u) flags |= KST_VELO_ERR_VERSION;
    if (sensor >= KST_VELO_SENSORS) flags |= KST_VELO_ERR_SENSOR;
    else if (kst_atomic_or_u32(&seen[sensor / 32], 1u << (sensor % 32)) & (1u << (sensor % 32))) flags |= KST_VELO_ERR_SENSOR;
    const uint32_t n = payload >= 4u ? KST_RAW_U32(bank + KST_RAW_BANK_HEADER) : 0u;
    if (payload < 4u || (uint64_t)n * 4u != payload - 4u) flags |= KST_VELO_ERR_COUNT;
    if (!flags) {
      const uint8_t *words = bank + KST_RAW_BANK_HEADER + 4;
      for (uint32_t i = 0; i < n; ++i)
        if (((KST_RAW_U32(words + 4 * i) >> 12) & 0x3FFu) >= KST_VELO_COLUMNS) flags |= KST_VELO_ERR_COLUMN;
      kst_atomic_add_u32(&counts[sensor / KST_VELO_SENSORS_PER_MODULE], n);
    }
    if (flags) kst_atomic_or_u32(&err, flags);
  }
  kst_syncthreads();
  /* More clusters than the host counted for the event (item offsets of another bank type) are flagged too. */
  if (threadIdx.x == 0)
    a.dev_velo_errors.data[e] = kst_group_offsets(counts, KST_VELO_MODULES, a.dev_item_offsets.data[e],
                                                  a.dev_item_offsets.data[e + 1] - a.dev_item_offsets.data[e], err,
                                                  KST_VELO_ERR_COUNT,
                                                  &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT]);
}

/* Hits in sensor order are already grouped by module (module = sensor / 4); each hit is then placed by its rank
   in (phi, id) among its module's hits, so the layout is the same for any thread count and on any device. */
KST_GLOBAL velo_decode_kernel(velo_decode_args a, const struct kst_velo_geometry *g) {
  __shared__ uint32_t sensor_bank[KST_VELO_SENSORS];
  __shared__ uint32_t sensor_start[KST_VELO_SENSORS + 1];
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  if (a.dev_velo_errors.data[e]) return;
  for (uint32_t s = threadIdx.x; s < KST_VELO_SENSORS; s += blockDim.x) sensor_bank[s] = 0xFFFFFFFFu, sensor_start[s] = 0;
  kst_syncthreads();
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t s = KST_RAW_BANK_SOURCE(bank); /* validated: in range and unique */
    sensor_bank[s] = a.dev_raw_bank_offsets.data[b];
    sensor_start[s] = KST_RAW_U32(bank + KST_RAW_BANK_HEADER);
  }
  kst_syncthreads();
  if (threadIdx.x == 0) {
    uint32_t at = 0;
    for (uint32_t s = 0; s < KST_VELO_SENSORS; ++s) {
      const uint32_t n = sensor_start[s];
      sensor_start[s] = at;
      at += n;
    }
    sensor_start[KST_VELO_SENSORS] = at;
  }
  kst_syncthreads();
  const uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  const uint32_t base = off[0], n_hits = sensor_start[KST_VELO_SENSORS];
  uint32_t lo = 0; /* the sensor s with sensor_start[s] <= k < sensor_start[s + 1], carried from the last k */
  for (uint32_t k = threadIdx.x; k < n_hits; k += blockDim.x) {
    /* Gallop up from the previous hit's sensor, then bisect: one or two steps when a thread walks the hits one by
       one (the CPU), a few when it strides over many sensors (a GPU block). */
    uint32_t step = 1, hi = lo + 1;
    while (hi < KST_VELO_SENSORS && sensor_start[hi] <= k) lo = hi, step *= 2, hi = lo + step;
    if (hi > KST_VELO_SENSORS) hi = KST_VELO_SENSORS;
    while (hi - lo > 1) {
      const uint32_t mid = (lo + hi) / 2;
      if (sensor_start[mid] <= k) lo = mid;
      else hi = mid;
    }
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + sensor_bank[lo];
    float x, y, z;
    uint32_t id;
    kst_velo_decode_cluster(g, lo, KST_RAW_U32(bank + KST_RAW_BANK_HEADER + 4 + 4 * (k - sensor_start[lo])), &x, &y, &z, &id);
    a.dev_unsorted_x.data[base + k] = x;
    a.dev_unsorted_y.data[base + k] = y;
    a.dev_unsorted_z.data[base + k] = z;
    a.dev_unsorted_id.data[base + k] = id;
  }
  /* Each thread's own hits again (no barrier needed): a loop of its own, which the CPU build vectorises (indexed
     from the event's first hit, as base + k could wrap and hide that the accesses are consecutive). */
  const float *ex = a.dev_unsorted_x.data + base, *ey = a.dev_unsorted_y.data + base;
  float *ephi = a.dev_unsorted_phi.data + base;
  for (uint32_t k = threadIdx.x; k < n_hits; k += blockDim.x) ephi[k] = kst_atan2f(ey[k], ex[k]);
  kst_syncthreads();
  const float *uphi = a.dev_unsorted_phi.data;
  const uint32_t *uid = a.dev_unsorted_id.data;
  const kst_velo_hits hits = kst_velo_hits_out_view(a.dev_velo_hits.data, a.dev_velo_hits.count);
  for (uint32_t k = threadIdx.x; k < n_hits; k += blockDim.x) {
    const uint32_t h = base + k, m = KST_VELO_ID_SENSOR(uid[h]) / KST_VELO_SENSORS_PER_MODULE;
    const float phi = uphi[h];
    const uint32_t id = uid[h];
    /* Equal (phi, id) pairs (a repeated cluster word) fall back to their decoding order, so ranks stay distinct. */
#if KST_RANK_X16
    const uint32_t rank = kst_simd_rank_x16(uphi, uid, off[m], off[m + 1], h, phi, id);
#else
    uint32_t rank = 0;
    /* Bitwise, not short-circuit: no branches, so the CPU build vectorises this loop. */
    for (uint32_t j = off[m]; j < off[m + 1]; ++j)
      rank += (uint32_t)((uphi[j] < phi) | ((uphi[j] == phi) & ((uid[j] < id) | ((uid[j] == id) & (j < h)))));
#endif
    const uint32_t out = off[m] + rank;
    hits.x[out] = a.dev_unsorted_x.data[h];
    hits.y[out] = a.dev_unsorted_y.data[h];
    hits.z[out] = a.dev_unsorted_z.data[h];
    hits.phi[out] = phi;
    hits.id[out] = id;
    hits.module[out] = (uint8_t)m;
  }
}

KST_EXTERN_C kst_status kst_velo_count_hits_launch(velo_count_hits_args a, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(velo_count_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a);
  return kst_launch_check("velo_count_kernel");
}

KST_EXTERN_C kst_status kst_velo_decode_launch(velo_decode_args a, const struct kst_velo_geometry *g, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(velo_decode_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a,
             g);
  return kst_launch_check("velo_decode_kernel");
}
