/* Bank assembly shared by the velopix converter and the simulator, so both write exactly what real data has. */
#include "input/velo_banks.h"

#include "checker/mc_truth.h"
#include "configuration/geometry.h"

static void put_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

kst_status kst_retina_banks(const uint64_t *keys, uint32_t n, uint8_t *payload, kst_mdf_bank_out *banks) {
  uint8_t *pos = payload;
  uint32_t k = 0;
  for (int s = 0; s < KST_VELO_SENSORS; s++) {
    const uint32_t first = k;
    while (k < n && (keys[k] >> 32) == (uint64_t)s) k++;
    const uint32_t count = k - first;
    if (4 + 4 * (size_t)count > KST_MDF_MAX_PAYLOAD)
      return kst_error(KST_ERR_CAPACITY, "sensor %d has %u clusters, more than one bank holds", s, count);
    put_le32(pos, count);
    for (uint32_t j = 0; j < count; j++) put_le32(pos + 4 + 4 * j, (uint32_t)keys[first + j]);
    banks[s] = (kst_mdf_bank_out){KST_RETINA_BANK, KST_RETINA_BANK_VERSION, (uint16_t)s, pos, 4 + 4 * count};
    pos += 4 + 4 * (size_t)count;
  }
  if (k != n) return kst_error(KST_ERR_INVALID, "retina banks: cluster keys not sorted by sensor or sensor out of range");
  return kst_ok();
}

size_t kst_mc_particle_bank_count(size_t size) { return (size + KST_MC_CHUNK - 1) / KST_MC_CHUNK; }

uint32_t kst_mc_particle_banks(const uint8_t *payload, size_t size, int version, kst_mdf_bank_out *banks) {
  const size_t n = kst_mc_particle_bank_count(size);
  for (size_t k = 0; k < n; k++) {
    const size_t off = k * KST_MC_CHUNK, len = size - off < KST_MC_CHUNK ? size - off : KST_MC_CHUNK;
    banks[k] = (kst_mdf_bank_out){KST_MC_PARTICLE_BANK, (uint8_t)version, (uint16_t)k, payload + off, (uint32_t)len};
  }
  return (uint32_t)n;
}
