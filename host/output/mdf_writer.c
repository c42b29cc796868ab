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

kst_status kst_decision_banks_of(const kst_event_list_word *accepted, uint64_t accepted_count, const uint32_t *reports,
                                 uint64_t reports_count, const uint32_t *bits, uint64_t bits_count, uint32_t n,
                                 uint32_t reports_source, uint32_t bits_source, kst_decision_banks *d) {
  if (!kst_event_list_valid(accepted, accepted_count, n))
    return kst_error(KST_ERR_INVALID, "dev_accepted is not a valid event list of the batch");
  if (bits_count != (uint64_t)n * 4u || (n && reports_count % n))
    return kst_error(KST_ERR_CONFIG, "dev_dec_reports and dev_routing_bits are not the outputs of one dec_reporter");
  *d = (kst_decision_banks){reports, bits, n ? reports_count / n : 0, (uint16_t)reports_source, (uint16_t)bits_source};
  return kst_ok();
}

kst_status kst_decision_record(const kst_mdf_event *ev, kst_mdf_bank_out *banks, uint32_t n, const kst_decision_banks *d,
                               uint32_t e, kst_record_buffer *out) {
  const uint32_t *bits = &d->bits[(uint64_t)e * 4u];
  banks[n++] = (kst_mdf_bank_out){KST_BANK_DEC_REPORTS, 3, d->reports_source, &d->reports[(uint64_t)e * d->report_words],
                                  (uint32_t)(d->report_words * sizeof(uint32_t))};
  banks[n++] = (kst_mdf_bank_out){KST_BANK_ROUTING_BITS, 0, d->bits_source, bits, 4u * sizeof(uint32_t)};
  uint8_t *rec;
  size_t size;
  KST_TRY(kst_error_wrap(kst_mdf_encode_event(&rec, &size, ev->run, ev->orbit, ev->bunch, banks, n), "%s record %u",
                         ev->file ? ev->file : "?", ev->index));
  kst_mdf_set_trigger_mask(rec, bits);
  return kst_record_buffer_add(out, rec, size);
}

kst_status kst_writer_finish(kst_ctx *ctx, kst_status s, kst_record_buffer *out, uint64_t in_bytes, uint64_t mc_bytes,
                             uint64_t rejected) {
  const kst_output_batch batch = {out->data, out->size, out->records, in_bytes, mc_bytes, rejected};
  if (!s.code) s = kst_output_write((kst_output *)kst_ctx_output(ctx), &batch);
  const uint64_t counts[3] = {out->records, rejected, out->size};
  free(out->data);
  memset(out, 0, sizeof *out);
  KST_TRY(s);
  KST_TRY(kst_ctx_count_add(ctx, "written", &counts[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "accepted but rejected", &counts[1], 1));
  return kst_ctx_count_add(ctx, "bytes out", &counts[2], 1);
}

/* Event e's record: its banks but earlier decision banks (the new ones replace them), then the new ones. */
static kst_status encode(const kst_mdf_event *ev, const kst_decision_banks *d, uint32_t e, kst_record_buffer *out,
                         uint64_t *replaced, uint64_t *mc_bytes) {
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
  const kst_status s = kst_decision_record(ev, banks, n, d, e, out);
  free(banks);
  return s;
}

static kst_status after_sync(kst_ctx *ctx, const mdf_writer_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  if (!kst_ctx_output(ctx)) return kst_error(KST_ERR_INVALID, "runs only with --output");
  kst_decision_banks d;
  KST_TRY(kst_decision_banks_of(a->dev_accepted.data, a->dev_accepted.count, a->dev_dec_reports.data,
                                a->dev_dec_reports.count, a->dev_routing_bits.data, a->dev_routing_bits.count,
                                b->n_events, a->props.dec_reports_source_id, a->props.routing_bits_source_id, &d));
  kst_record_buffer out = {0};
  uint64_t in_bytes = 0, rejected = 0, replaced = 0, mc_bytes = 0;
  kst_status s = kst_ok();
  for (uint32_t k = 0; k < a->dev_accepted.data[0] && !s.code; ++k) {
    const uint32_t e = a->dev_accepted.data[1u + k];
    if (kst_ctx_event_rejected(ctx, e)) {
      ++rejected;
      continue;
    }
    s = encode(&b->events[e], &d, e, &out, &replaced, &mc_bytes);
    in_bytes += b->events[e].record_size;
  }
  KST_TRY(kst_writer_finish(ctx, s, &out, in_bytes, mc_bytes, rejected));
  KST_TRY(kst_ctx_count_add(ctx, "bytes in", &in_bytes, 1));
  return replaced ? kst_ctx_count_add(ctx, "decision banks replaced", &replaced, 1) : kst_ok();
}

static const mdf_writer_hooks mdf_writer_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(mdf_writer, MDF_WRITER_PARAMS, MDF_WRITER_PROPS, mdf_writer_hook_table,
              .description = "writes the accepted events whole with their DecReports and routing bits, with --output FILE",
              .flags = KST_ALG_OUTPUT_FULL);
