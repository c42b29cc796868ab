/* MC truth from MDF: banks of one type are concatenated in source-id order, then parsed. */
#include "checker/mc_from_mdf.h"

#include <stdlib.h>
#include <string.h>

static kst_status gather(const kst_mdf_event *rec, uint8_t type, uint8_t **data, size_t *size, int *version) {
  kst_mc_bank_ref refs[256];
  size_t n = 0;
  uint32_t pos = 0;
  kst_mdf_bank bank;
  *version = 0;
  while (kst_mdf_bank_next(rec, &pos, &bank)) {
    if (bank.type != type) continue;
    if (n == 256) return kst_error(KST_ERR_FORMAT, "record %u: more than 256 banks of type %u", rec->index, type);
    if (*version && *version != bank.version)
      return kst_error(KST_ERR_FORMAT, "record %u: banks of type %u disagree on version", rec->index, type);
    *version = bank.version;
    refs[n++] = (kst_mc_bank_ref){bank.source_id, bank.payload, bank.payload_size};
  }
  return kst_mc_concat_banks(refs, n, data, size);
}

kst_status kst_mc_event_from_mdf(const kst_mdf_event *rec, kst_mc_event *ev) {
  uint8_t *data = NULL;
  size_t size = 0;
  int version;
  memset(ev, 0, sizeof *ev);
  KST_TRY(gather(rec, 32, &data, &size, &version));
  kst_status s = data ? kst_mc_parse_particles(ev, data, size, version) : kst_ok();
  free(data);
  data = NULL;
  if (!s.code) s = gather(rec, 33, &data, &size, &version);
  if (!s.code && data) s = kst_mc_parse_vertices(ev, data, size);
  free(data);
  if (s.code) kst_mc_event_free(ev);
  return kst_error_wrap(s, "MC truth of record %u", rec->index);
}
