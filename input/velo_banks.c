/* VELO banks: their assembly, shared by the velopix converter and the simulator so both write what real data has, and the explanation of an event VELO decoding rejects. */
#include "input/velo_banks.h"

#include <stdio.h>
#include <string.h>

#include "device/event_model/velo_geometry.h"

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

int kst_velo_bank_problem(const kst_mdf_event *ev, uint32_t bank_type, char *out, size_t size) {
  uint32_t seen[(KST_VELO_SENSORS + 31) / 32] = {0};
  uint32_t pos = 0;
  kst_mdf_bank bank;
  while (kst_mdf_bank_next(ev, &pos, &bank)) {
    if (bank.type != bank_type) continue;
    const int n0 = snprintf(out, size, "bank type %u source %u: ", bank.type, bank.source_id);
    char *why = out + (n0 > 0 && (size_t)n0 < size ? n0 : 0);
    const size_t room = size - (size_t)(why - out);
    const uint32_t sensor = bank.source_id;
    if (bank.version != KST_RETINA_BANK_VERSION)
      return snprintf(why, room, "version %u, not %u", bank.version, KST_RETINA_BANK_VERSION), 1;
    if (sensor >= KST_VELO_SENSORS) return snprintf(why, room, "sensor %u out of range (0..%u)", sensor, KST_VELO_SENSORS - 1), 1;
    if (seen[sensor / 32] & (1u << (sensor % 32))) return snprintf(why, room, "a second bank for sensor %u", sensor), 1;
    seen[sensor / 32] |= 1u << (sensor % 32);
    uint32_t n = 0;
    if (bank.payload_size >= 4) memcpy(&n, bank.payload, 4);
    if (bank.payload_size < 4 || (uint64_t)n * 4u != bank.payload_size - 4u)
      return snprintf(why, room, "count word %u for a payload of %u bytes", n, bank.payload_size), 1;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t word;
      memcpy(&word, bank.payload + 4 + 4 * i, 4);
      const uint32_t column = (word >> 12) & 0x3FFu;
      if (column >= KST_VELO_COLUMNS)
        return snprintf(why, room, "cluster %u at column %u, past the sensor's %u", i, column, KST_VELO_COLUMNS), 1;
    }
  }
  return 0;
}
