/* VELO decoding kernels: count and validate, then decode each module's clusters and sort them by phi. */
#include "configuration/geometry.h"
#include "device/common/kst_math.h"
#include "device/decoding/velo_cluster.h"
#include "device/decoding/velo_decoding.h"
#include "device/event_model/raw_banks.h"
#include "device/event_model/velo_hits.h"
#include "kst_dialect.h"

#define SENSOR_WORDS ((KST_VELO_SENSORS + 31) / 32)

KST_GLOBAL velo_count_kernel(velo_count_hits_args a) {
  __shared__ uint32_t counts[KST_VELO_MODULES];
  __shared__ uint32_t seen[SENSOR_WORDS];
  __shared__ uint32_t err;
  const uint32_t e = a.dev_event_list.data[blockIdx.x];
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
    if (KST_RAW_BANK_TYPE(bank) != 73u || KST_RAW_BANK_VERSION(bank) != 3u) flags |= KST_VELO_ERR_VERSION;
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
  if (threadIdx.x == 0) {
    /* A flagged event keeps no hits: its offsets collapse onto its first slot. */
    uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
    uint32_t at = a.dev_item_offsets.data[e];
    for (uint32_t m = 0; m < KST_VELO_MODULES; ++m) {
      off[m] = at;
      if (!err) at += counts[m];
    }
    off[KST_VELO_MODULES] = at;
    a.dev_velo_errors.data[e] = err;
  }
}

KST_GLOBAL velo_decode_kernel(velo_decode_args a, const struct kst_velo_geometry *g) {
  __shared__ uint32_t sensor_bank[KST_VELO_SENSORS];
  const uint32_t e = a.dev_event_list.data[blockIdx.x];
  if (a.dev_velo_errors.data[e]) return;
  for (uint32_t s = threadIdx.x; s < KST_VELO_SENSORS; s += blockDim.x) sensor_bank[s] = 0xFFFFFFFFu;
  kst_syncthreads();
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    sensor_bank[KST_RAW_BANK_SOURCE(bank)] = b; /* validated: in range and unique */
  }
  kst_syncthreads();
  const uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  float *X = a.dev_hit_x.data, *Y = a.dev_hit_y.data, *Z = a.dev_hit_z.data, *PHI = a.dev_hit_phi.data;
  uint32_t *ID = a.dev_hit_id.data;
  /* One thread per module: the module's output order then depends on nothing but the data. */
  for (uint32_t m = threadIdx.x; m < KST_VELO_MODULES; m += blockDim.x) {
    const uint32_t begin = off[m];
    uint32_t end = begin;
    for (uint32_t s = m * KST_VELO_SENSORS_PER_MODULE; s < (m + 1) * KST_VELO_SENSORS_PER_MODULE; ++s) {
      if (sensor_bank[s] == 0xFFFFFFFFu) continue;
      const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[sensor_bank[s]];
      const uint32_t n = KST_RAW_U32(bank + KST_RAW_BANK_HEADER);
      for (uint32_t i = 0; i < n; ++i) {
        float x, y, z;
        uint32_t id;
        kst_velo_decode_cluster(g, s, KST_RAW_U32(bank + KST_RAW_BANK_HEADER + 4 + 4 * i), &x, &y, &z, &id);
        const float phi = kst_atan2f(y, x);
        /* Insertion into the sorted prefix, ordered by (phi, id) so ties are broken the same everywhere. */
        uint32_t j = end;
        while (j > begin && (PHI[j - 1] > phi || (PHI[j - 1] == phi && ID[j - 1] > id))) {
          X[j] = X[j - 1], Y[j] = Y[j - 1], Z[j] = Z[j - 1], PHI[j] = PHI[j - 1], ID[j] = ID[j - 1];
          --j;
        }
        X[j] = x, Y[j] = y, Z[j] = z, PHI[j] = phi, ID[j] = id;
        ++end;
      }
    }
    for (uint32_t h = begin; h < end; ++h) a.dev_hit_module.data[h] = (uint8_t)m;
  }
}

KST_EXTERN_C kst_status kst_velo_count_hits_launch(velo_count_hits_args a, kst_stream *stream) {
  if (a.dev_event_list.count == 0) return kst_ok();
  KST_LAUNCH(velo_count_kernel, KST_DIM3(a.dev_event_list.count, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a);
  return kst_launch_check("velo_count_kernel");
}

KST_EXTERN_C kst_status kst_velo_decode_launch(velo_decode_args a, const struct kst_velo_geometry *g, kst_stream *stream) {
  if (a.dev_event_list.count == 0) return kst_ok();
  KST_LAUNCH(velo_decode_kernel, KST_DIM3(a.dev_event_list.count, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a,
             g);
  return kst_launch_check("velo_decode_kernel");
}
