/* MC truth from MDF: banks of one type are concatenated in source-id order, then parsed. */
#include "host/validators/mc_from_mdf.h"

#include <stdlib.h>
#include <string.h>

kst_status kst_banks_concat(const kst_mdf_event *rec, uint8_t type, uint8_t **data, size_t *size, int *version) {
  size_t n = 0;
  uint32_t pos = 0;
  kst_mdf_bank bank;
  while (kst_mdf_bank_next(rec, &pos, &bank)) n += bank.type == type;
  kst_mc_bank_ref *refs = malloc((n + 1) * sizeof *refs);
  if (!refs) return kst_error(KST_ERR_NOMEM, "record %u: out of memory", rec->index);
  *version = 0;
  n = 0, pos = 0;
  while (kst_mdf_bank_next(rec, &pos, &bank)) {
    if (bank.type != type) continue;
    if (*version && *version != bank.version) {
      free(refs);
      return kst_error(KST_ERR_FORMAT, "record %u: banks of type %u disagree on version", rec->index, type);
    }
    *version = bank.version;
    refs[n++] = (kst_mc_bank_ref){bank.source_id, bank.payload, bank.payload_size};
  }
  kst_status s = kst_mc_concat_banks(refs, n, data, size);
  free(refs);
  return s;
}

kst_status kst_mc_event_from_mdf(const kst_mdf_event *rec, kst_mc_event *ev) {
  uint8_t *data = NULL;
  size_t size = 0;
  int version;
  memset(ev, 0, sizeof *ev);
  KST_TRY(kst_banks_concat(rec, 32, &data, &size, &version));
  kst_status s = data ? kst_mc_parse_particles(ev, data, size, version) : kst_ok();
  free(data);
  data = NULL;
  if (!s.code) s = kst_banks_concat(rec, 33, &data, &size, &version);
  if (!s.code && data) s = kst_mc_parse_vertices(ev, data, size);
  free(data);
  if (s.code) kst_mc_event_free(ev);
  return kst_error_wrap(s, "MC truth of record %u", rec->index);
}
