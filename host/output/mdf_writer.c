/* mdf_writer: each accepted event's input record re-written with Kestrel's DecReports and routing bits, the routing bits
   also in the MDF header's trigger mask, a batch at a time into the run's output file. */
#include "host/output/mdf_writer.h"

#include <stdlib.h>
#include <string.h>

#include "checker/mc_truth.h"
#include "host/runtime/output.h"
#include "input/batch.h"
#include "input/mdf.h"

kst_status kst_record_buffer_add(kst_record_buffer *b, uint8_t *record, size_t size) {
  if (b->size + size > b->capacity) {
    size_t cap = b->capacity ? b->capacity : 1 << 16;
    while (cap < b->size + size) cap *= 2;
    uint8_t *d = realloc(b->data, cap);
    if (!d) return free(record), kst_error(KST_ERR_NOMEM, "output: no memory for a batch of %zu bytes", cap);
    b->data = d, b->capacity = cap;
  }
  memcpy(b->data + b->size, record, size);
  b->size += size, b->records++;
  free(record);
  return kst_ok();
}

/* Event e's record: its banks but earlier decision banks (the new ones replace them), then the new ones. */
static kst_status encode(const mdf_writer_args *a, const kst_mdf_event *ev, uint32_t e, uint64_t report_words,
                         kst_record_buffer *out, uint64_t *replaced, uint64_t *mc_bytes) {
  kst_mdf_bank_out *banks = malloc(((size_t)ev->n_banks + 2) * sizeof *banks);
  if (!banks) return kst_error(KST_ERR_NOMEM, "output: out of memory");
  uint32_t n = 0, pos = 0;
  kst_mdf_bank bank;
  while (kst_mdf_bank_next(ev, &pos, &bank)) {
    if (bank.type == KST_BANK_DEC_REPORTS || bank.type == KST_BANK_ROUTING_BITS) {
      ++*replaced;
      continue;
    }
    banks[n++] = (kst_mdf_bank_out){bank.type, bank.version, bank.source_id, bank.payload, bank.payload_size};
    if (bank.type == KST_MC_PARTICLE_BANK || bank.type == KST_MC_VERTEX_BANK) *mc_bytes += (bank.length + 3u) & ~3u;
  }
  const uint32_t *bits = &a->dev_routing_bits.data[(uint64_t)e * 4u];
  banks[n++] = (kst_mdf_bank_out){KST_BANK_DEC_REPORTS, 3, (uint16_t)a->props.dec_reports_source_id,
                                  &a->dev_dec_reports.data[(uint64_t)e * report_words],
                                  (uint32_t)(report_words * sizeof(uint32_t))};
  banks[n++] = (kst_mdf_bank_out){KST_BANK_ROUTING_BITS, 0, (uint16_t)a->props.routing_bits_source_id, bits,
                                  4u * sizeof(uint32_t)};
  uint8_t *rec;
  size_t size;
  kst_status s = kst_mdf_encode_event(&rec, &size, ev->run, ev->orbit, ev->bunch, banks, n);
  free(banks);
  if (s.code) return kst_error_wrap(s, "%s record %u", ev->file ? ev->file : "?", ev->index);
  kst_mdf_set_trigger_mask(rec, bits);
  return kst_record_buffer_add(out, rec, size);
}

static kst_status after_sync(kst_ctx *ctx, const mdf_writer_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t n = b->n_events;
  kst_output *o = (kst_output *)kst_ctx_output(ctx);
  if (!o) return kst_error(KST_ERR_INVALID, "runs only with --output");
  if (!kst_event_list_valid(a->dev_accepted.data, a->dev_accepted.count, n))
    return kst_error(KST_ERR_INVALID, "dev_accepted is not a valid event list of the batch");
  if (a->dev_routing_bits.count != (uint64_t)n * 4u || (n && a->dev_dec_reports.count % n))
    return kst_error(KST_ERR_CONFIG, "dev_dec_reports and dev_routing_bits are not the outputs of one dec_reporter");
  const uint64_t report_words = n ? a->dev_dec_reports.count / n : 0;
  kst_record_buffer out = {0};
  uint64_t in_bytes = 0, rejected = 0, replaced = 0, mc_bytes = 0;
  kst_status s = kst_ok();
  for (uint32_t k = 0; k < a->dev_accepted.data[0] && !s.code; ++k) {
    const uint32_t e = a->dev_accepted.data[1u + k];
    if (kst_ctx_event_rejected(ctx, e)) {
      ++rejected;
      continue;
    }
    s = encode(a, &b->events[e], e, report_words, &out, &replaced, &mc_bytes);
    in_bytes += b->events[e].record_size;
  }
  const kst_output_batch batch = {out.data, out.size, out.records, in_bytes, mc_bytes, rejected};
  if (!s.code) s = kst_output_write(o, &batch);
  const uint64_t counts[4] = {out.records, rejected, in_bytes, out.size};
  free(out.data);
  KST_TRY(s);
  KST_TRY(kst_ctx_count_add(ctx, "written", &counts[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "accepted but rejected", &counts[1], 1));
  KST_TRY(kst_ctx_count_add(ctx, "bytes in", &counts[2], 1));
  KST_TRY(kst_ctx_count_add(ctx, "bytes out", &counts[3], 1));
  return replaced ? kst_ctx_count_add(ctx, "decision banks replaced", &replaced, 1) : kst_ok();
}

static const mdf_writer_hooks mdf_writer_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(mdf_writer, MDF_WRITER_PARAMS, MDF_WRITER_PROPS, mdf_writer_hook_table,
              .description = "writes the accepted events whole with their DecReports and routing bits, with --output FILE",
              .flags = KST_ALG_OUTPUT_FULL);
