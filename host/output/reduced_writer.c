/* reduced_writer: per accepted event, ODIN, MC truth, the decision banks and the selected-objects bank built from the
   lines' stored candidates, a batch at a time into the run's output file. */
#include "host/output/reduced_writer.h"

#include <stdlib.h>
#include <string.h>

#include "checker/mc_truth.h"
#include "host/output/mdf_writer.h"
#include "host/output/selected_objects.h"
#include "host/runtime/output.h"
#include "host/validators/long_views.h"
#include "input/batch.h"
#include "input/mdf.h"

#define MAX_LINES 256
#define ODIN_BANK 16u

/* A growing array of words. */
typedef struct words {
  uint32_t *w;
  size_t n, cap;
  int failed;
} words;

static void push(words *b, uint32_t v) {
  if (b->n == b->cap) {
    const size_t cap = b->cap ? 2 * b->cap : 1024;
    uint32_t *w = realloc(b->w, cap * sizeof *w);
    if (!w) {
      b->failed = 1;
      return;
    }
    b->w = w, b->cap = cap;
  }
  b->w[b->n++] = v;
}

static void push_float(words *b, float f) {
  uint32_t v;
  memcpy(&v, &f, sizeof v);
  push(b, v);
}

/* The index of v in list[0..*n), appended when absent. */
static uint32_t index_of(uint32_t *list, uint32_t *n, uint32_t v) {
  for (uint32_t i = 0; i < *n; ++i)
    if (list[i] == v) return i;
  list[*n] = v;
  return (*n)++;
}

/* What one event's bank is made of: batch-wide track and vertex indices, and the fired lines' entries. */
typedef struct event_objects {
  uint32_t *tracks, *vertices, n_tracks, n_vertices;
  words lines; /* the line records, object indices already local */
} event_objects;

/* Event e's selected-objects words into out. */
static kst_status build(const reduced_writer_args *a, const kst_alg_desc *const *shapes, uint32_t lines, uint32_t events,
                        uint32_t e, uint64_t report_words, event_objects *eo, words *out) {
  const kst_long_view_source src = KST_LONG_VIEW_SOURCE(a, events);
  const uint32_t max_svs = (uint32_t)(a->dev_svs.count / events);
  eo->n_tracks = eo->n_vertices = 0, eo->lines.n = 0;
  for (uint32_t k = 0; k < lines; ++k) {
    if (!(a->dev_dec_reports.data[(uint64_t)e * report_words + 3u + k] & 1u)) continue;
    const uint32_t shape = shapes[k]->line_shape;
    const kst_line_candidate *c = &a->dev_candidates.data[((uint64_t)k * events + e) * KST_LINE_STORED];
    uint32_t n = 0;
    while (n < KST_LINE_STORED && c[n] != KST_NO_CANDIDATE) ++n;
    push(&eo->lines, (k + 1u) | shape << 16 | n << 24);
    for (uint32_t j = 0; j < n; ++j) {
      if (shape != KST_LINE_SHAPE_TWO_TRACK) {
        push(&eo->lines, index_of(eo->tracks, &eo->n_tracks, c[j]));
        continue;
      }
      if (c[j] < (uint64_t)e * max_svs || c[j] >= (uint64_t)e * max_svs + a->dev_sv_counts.data[e])
        return kst_error(KST_ERR_INVALID, "line %u stores vertex slot %u, not one of event %u's", k + 1, c[j], e);
      index_of(eo->tracks, &eo->n_tracks, a->dev_svs.data[c[j]].a);
      index_of(eo->tracks, &eo->n_tracks, a->dev_svs.data[c[j]].b);
      push(&eo->lines, index_of(eo->vertices, &eo->n_vertices, c[j]));
    }
  }
  out->n = 0;
  push(out, eo->n_tracks), push(out, eo->n_vertices), push(out, 0);
  uint32_t fired = 0;
  for (size_t i = 0; i < eo->lines.n; i += 1u + (eo->lines.w[i] >> 24)) ++fired;
  if (!out->failed) out->w[2] = fired;
  uint32_t ids[KST_LONG_VIEW_MAX_IDS];
  for (uint32_t i = 0; i < eo->n_tracks; ++i) {
    const uint32_t t = eo->tracks[i];
    if (t < src.track_offsets[e] || t >= src.track_offsets[e + 1])
      return kst_error(KST_ERR_INVALID, "a line stores track %u, not one of event %u's", t, e);
    const int is_long = a->dev_long_tracks.data[t].n_hits != 0;
    kst_long_track_view v;
    kst_long_view_of(&src, t, is_long, ids, &v);
    const kst_velo_state *s = is_long ? &a->dev_long_states_beam.data[t] : &a->dev_velo_states_beam.data[t];
    push(out, (is_long ? KST_SO_TRACK_LONG : 0u) | v.n_velo << 8 | v.n_scifi << 16);
    const float state[13] = {s->x, s->y, s->z, s->tx, s->ty, is_long ? a->dev_long_tracks.data[t].qop : 0.0f,
                             s->c00, s->c20, s->c22, s->c11, s->c31, s->c33, s->chi2};
    for (int q = 0; q < 13; ++q) push_float(out, state[q]);
    push(out, s->ndof);
    for (uint32_t h = 0; h < v.n_velo + v.n_scifi; ++h) push(out, ids[h]);
  }
  for (uint32_t i = 0; i < eo->n_vertices; ++i) {
    const kst_sv *x = &a->dev_svs.data[eo->vertices[i]];
    const float f[15] = {x->x, x->y, x->z, x->cov[0], x->cov[1], x->cov[2], x->cov[3], x->cov[4], x->cov[5],
                         x->chi2, x->mass, x->pt, x->fd_chi2, x->dira, x->mcor};
    for (int q = 0; q < 15; ++q) push_float(out, f[q]);
    push(out, index_of(eo->tracks, &eo->n_tracks, x->a)), push(out, index_of(eo->tracks, &eo->n_tracks, x->b));
  }
  for (size_t i = 0; i < eo->lines.n; ++i) push(out, eo->lines.w[i]);
  if (out->failed || eo->lines.failed) return kst_error(KST_ERR_NOMEM, "reduced output: out of memory");
  return kst_ok();
}

/* Event e's reduced record: its ODIN and MC truth banks and the objects in banks of at most KST_MDF_MAX_PAYLOAD bytes,
   source ids 0, 1, ..., then the decision banks. */
static kst_status encode(const kst_mdf_event *ev, const kst_decision_banks *d, uint32_t e, const words *objects,
                         kst_record_buffer *out, uint64_t *mc_bytes) {
  const uint32_t chunk_words = KST_MDF_MAX_PAYLOAD / 4u;
  const uint32_t chunks = (uint32_t)((objects->n + chunk_words - 1) / chunk_words);
  if (chunks > 0xFFFFu) return kst_error(KST_ERR_CAPACITY, "%s record %u: %u banks of selected objects", ev->file, ev->index, chunks);
  kst_mdf_bank_out *banks = malloc(((size_t)ev->n_banks + 2 + chunks) * sizeof *banks);
  if (!banks) return kst_error(KST_ERR_NOMEM, "reduced output: out of memory");
  uint32_t n = 0, pos = 0;
  kst_mdf_bank bank;
  while (kst_mdf_bank_next(ev, &pos, &bank))
    if (bank.type == ODIN_BANK || bank.type == KST_MC_PARTICLE_BANK || bank.type == KST_MC_VERTEX_BANK) {
      banks[n++] = (kst_mdf_bank_out){bank.type, bank.version, bank.source_id, bank.payload, bank.payload_size};
      if (bank.type != ODIN_BANK) *mc_bytes += (bank.length + 3u) & ~3u;
    }
  for (uint32_t c = 0; c < chunks; ++c) {
    const size_t first = (size_t)c * chunk_words, left = objects->n - first;
    banks[n++] = (kst_mdf_bank_out){KST_BANK_SELECTED_OBJECTS, KST_SELECTED_OBJECTS_VERSION, (uint16_t)c,
                                    &objects->w[first], (uint32_t)((left < chunk_words ? left : chunk_words) * 4u)};
  }
  const kst_status s = kst_decision_record(ev, banks, n, d, e, out);
  free(banks);
  return s;
}

static kst_status after_sync(kst_ctx *ctx, const reduced_writer_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t n = b->n_events;
  if (!kst_ctx_output(ctx)) return kst_error(KST_ERR_INVALID, "runs only with --output");
  kst_decision_banks d;
  KST_TRY(kst_decision_banks_of(a->dev_accepted.data, a->dev_accepted.count, a->dev_dec_reports.data,
                                a->dev_dec_reports.count, a->dev_routing_bits.data, a->dev_routing_bits.count, n,
                                a->props.dec_reports_source_id, a->props.routing_bits_source_id, &d));
  if (a->dev_velo_track_offsets.count != (uint64_t)n + 1 || a->dev_sv_counts.count != n || (n && a->dev_svs.count % n))
    return kst_error(KST_ERR_CONFIG, "the tracks and vertices are not of this batch");
  const char *names[MAX_LINES + 1];
  const kst_alg_desc *descs[MAX_LINES + 1];
  const uint32_t lines = n ? kst_ctx_chain(ctx, 3, names, descs, MAX_LINES + 1) - 1u : 0u; /* 3: dev_candidates */
  if (n && (d.report_words != 3u + lines || a->dev_candidates.count != (uint64_t)lines * n * KST_LINE_STORED))
    return kst_error(KST_ERR_CONFIG, "the DecReports (%llu words per event) and the candidates are not of the %u lines "
                     "leading to them", (unsigned long long)d.report_words, lines);
  const uint32_t most = n ? (uint32_t)(lines * KST_LINE_STORED * 2u) : 0u;
  event_objects eo = {.tracks = malloc((most + 1) * sizeof(uint32_t)), .vertices = malloc((most + 1) * sizeof(uint32_t))};
  words objects = {0};
  kst_record_buffer out = {0};
  uint64_t in_bytes = 0, rejected = 0, object_bytes = 0, mc_bytes = 0;
  kst_status s = eo.tracks && eo.vertices ? kst_ok() : kst_error(KST_ERR_NOMEM, "reduced output: out of memory");
  for (uint32_t k = 0; k < a->dev_accepted.data[0] && !s.code; ++k) {
    const uint32_t e = a->dev_accepted.data[1u + k];
    if (kst_ctx_event_rejected(ctx, e)) {
      ++rejected;
      continue;
    }
    s = build(a, descs + 1, lines, n, e, d.report_words, &eo, &objects);
    if (!s.code) s = encode(&b->events[e], &d, e, &objects, &out, &mc_bytes);
    in_bytes += b->events[e].record_size, object_bytes += 4u * objects.n;
  }
  free(objects.w), free(eo.tracks), free(eo.vertices), free(eo.lines.w);
  KST_TRY(kst_writer_finish(ctx, s, &out, in_bytes, mc_bytes, rejected));
  return kst_ctx_count_add(ctx, "selected-object bytes", &object_bytes, 1);
}

static const reduced_writer_hooks reduced_writer_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(reduced_writer, REDUCED_WRITER_PARAMS, REDUCED_WRITER_PROPS, reduced_writer_hook_table,
              .description = "writes the accepted events without raw banks: ODIN, the decision banks, the objects that "
                             "fired the lines and MC truth, with --output FILE --output-mode reduced",
              .flags = KST_ALG_OUTPUT_REDUCED);
