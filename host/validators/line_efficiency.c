/* line_efficiency: per line, the share of signal events it fires on (event level) and fires on with a candidate made
   of the signal's tracks (TOS): of all events with a signal decay, and of those whose signal's stable charged
   daughters are all long (isLong, 2 < eta < 5), as LHCb counts trigger efficiencies. */
#include "host/validators/line_efficiency.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/json_file.h"
#include "checker/track_checker.h"
#include "host/validators/long_views.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

#define MAX_LINES 256
#define NAME_MAX 64

/* [d][...]: d = 0 every signal event, 1 the reconstructible ones. */
typedef struct efficiency {
  uint32_t n_lines;
  char names[MAX_LINES][NAME_MAX];
  uint32_t shapes[MAX_LINES];
  uint64_t events[2], inclusive[2], fired[2][MAX_LINES];
  uint64_t inclusive_tos[2], tos[2][MAX_LINES];
  uint64_t undecided[MAX_LINES]; /* fired, none of the stored candidates TOS, more passed than were stored */
} efficiency;

static void *eff_create(void) { return calloc(1, sizeof(efficiency)); }
static void eff_destroy(void *e) { free(e); }

static kst_status eff_merge(void *into, const void *from) {
  efficiency *a = (efficiency *)into;
  const efficiency *b = (const efficiency *)from;
  if (!b->events[0]) return kst_ok();
  if (!a->events[0]) return memcpy(a, b, sizeof *a), kst_ok();
  if (a->n_lines != b->n_lines) return kst_error(KST_ERR_INVALID, "line efficiency: workers saw different lines");
  for (int d = 0; d < 2; ++d) {
    a->events[d] += b->events[d], a->inclusive[d] += b->inclusive[d], a->inclusive_tos[d] += b->inclusive_tos[d];
    for (uint32_t k = 0; k < a->n_lines; ++k) a->fired[d][k] += b->fired[d][k], a->tos[d][k] += b->tos[d][k];
  }
  for (uint32_t k = 0; k < a->n_lines; ++k) a->undecided[k] += b->undecided[k];
  return kst_ok();
}

/* Percent and binomial error of k in n. */
static void pct(uint64_t k, uint64_t n, double *p, double *e) {
  const double f = n ? (double)k / (double)n : 0.0;
  *p = 100.0 * f, *e = n ? 100.0 * sqrt(f * (1.0 - f) / (double)n) : 0.0;
}

static kst_status eff_report(const void *acc, const char *instance, const kst_report_options *opt) {
  const efficiency *r = (const efficiency *)acc;
  if (!r->events[0]) {
    printf("%s: no signal decay in the events (minimum bias): no efficiencies\n", instance);
    return kst_ok();
  }
  printf("%s: efficiency on %llu signal events (%llu with every charged daughter long); TOS: a stored candidate "
         "of the line is made of the signal's tracks\n", instance, (unsigned long long)r->events[0],
         (unsigned long long)r->events[1]);
  printf("  %-28s %19s %19s %19s %19s\n", "line", "events", "events (long)", "TOS", "TOS (long)");
  double p[4], e[4];
  for (uint32_t k = 0; k <= r->n_lines; ++k) {
    const int inc = k == r->n_lines;
    pct(inc ? r->inclusive[0] : r->fired[0][k], r->events[0], &p[0], &e[0]);
    pct(inc ? r->inclusive[1] : r->fired[1][k], r->events[1], &p[1], &e[1]);
    pct(inc ? r->inclusive_tos[0] : r->tos[0][k], r->events[0], &p[2], &e[2]);
    pct(inc ? r->inclusive_tos[1] : r->tos[1][k], r->events[1], &p[3], &e[3]);
    printf("  %-28s", inc ? "inclusive" : r->names[k]);
    for (int c = 0; c < 4; ++c) {
      if (c >= 2 && !inc && r->shapes[k] == KST_LINE_SHAPE_EVENT) printf(" %19s", "-");
      else printf(" %9.2f%% +- %5.2f", p[c], e[c]);
    }
    printf("\n");
  }
  for (uint32_t k = 0; k < r->n_lines; ++k)
    if (r->undecided[k])
      printf("  %s: %llu event%s fired with more candidates than the %u stored and none of those TOS: counted not TOS\n",
             r->names[k], (unsigned long long)r->undecided[k], r->undecided[k] == 1 ? "" : "s", KST_LINE_STORED);
  if (!opt || !opt->json_path) return kst_ok();
  cJSON *root = cJSON_CreateObject(), *lines = root ? cJSON_AddArrayToObject(root, "lines") : NULL;
  if (!lines) return cJSON_Delete(root), kst_error(KST_ERR_NOMEM, "line efficiency JSON: out of memory");
  cJSON_AddStringToObject(root, "report", "line_efficiency");
  cJSON_AddNumberToObject(root, "signal_events", (double)r->events[0]);
  cJSON_AddNumberToObject(root, "reconstructible_events", (double)r->events[1]);
  for (uint32_t k = 0; k <= r->n_lines; ++k) {
    const int inc = k == r->n_lines;
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    const uint64_t f0 = inc ? r->inclusive[0] : r->fired[0][k], f1 = inc ? r->inclusive[1] : r->fired[1][k];
    const uint64_t t0 = inc ? r->inclusive_tos[0] : r->tos[0][k], t1 = inc ? r->inclusive_tos[1] : r->tos[1][k];
    cJSON_AddStringToObject(o, "name", inc ? "inclusive" : r->names[k]);
    cJSON_AddNumberToObject(o, "fired", (double)f0);
    cJSON_AddNumberToObject(o, "fired_reconstructible", (double)f1);
    cJSON_AddNumberToObject(o, "efficiency", r->events[0] ? (double)f0 / (double)r->events[0] : 0.0);
    cJSON_AddNumberToObject(o, "efficiency_reconstructible", r->events[1] ? (double)f1 / (double)r->events[1] : 0.0);
    if (inc || r->shapes[k] != KST_LINE_SHAPE_EVENT) {
      cJSON_AddNumberToObject(o, "tos", (double)t0);
      cJSON_AddNumberToObject(o, "tos_reconstructible", (double)t1);
      cJSON_AddNumberToObject(o, "tos_efficiency", r->events[0] ? (double)t0 / (double)r->events[0] : 0.0);
      cJSON_AddNumberToObject(o, "tos_efficiency_reconstructible", r->events[1] ? (double)t1 / (double)r->events[1] : 0.0);
      if (!inc) cJSON_AddNumberToObject(o, "tos_undecided", (double)r->undecided[k]);
    }
    cJSON_AddItemToArray(lines, o);
  }
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".efficiency.json", path, sizeof path);
  KST_TRY(kst_json_write_file(root, path, "line efficiency JSON", &files));
  return opt->plots_dir ? kst_checker_plot_script("line_efficiency_plots.py", path, opt->plots_dir) : kst_ok();
}

/* What TOS needs of a batch: the tracks' ids, the vertices and the MC event being looked at. */
typedef struct tos_source {
  kst_long_view_source tracks;
  const kst_sv *svs;
  uint32_t max_svs;
  const kst_mc_event *mc;
  uint32_t ids[KST_LONG_VIEW_MAX_IDS];
} tos_source;

/* Whether VELO track t (with its SciFi part when long) matches a particle of the signal decay. */
static int signal_track(tos_source *s, uint32_t t, int long_track) {
  kst_long_track_view v;
  kst_long_view_of(&s->tracks, t, long_track, s->ids, &v);
  const int32_t p = kst_long_track_match(s->mc, &v);
  return p >= 0 && s->mc->particles[p].from_signal;
}

/* Whether candidate c of a line of this shape is made of the signal's tracks (a vertex: both of them). */
static int signal_candidate(tos_source *s, uint32_t shape, kst_line_candidate c) {
  switch (shape) {
  case KST_LINE_SHAPE_VELO: return signal_track(s, c, 0);
  case KST_LINE_SHAPE_ONE_TRACK: return signal_track(s, c, 1);
  case KST_LINE_SHAPE_TWO_TRACK: return signal_track(s, s->svs[c].a, 1) && signal_track(s, s->svs[c].b, 1);
  default: return 0;
  }
}

/* Checks that the candidates' indices lie inside the buffers they index. */
static kst_status check_candidates(const line_efficiency_args *a, const uint32_t *shapes, uint32_t lines, uint64_t events) {
  const uint64_t tracks = events ? a->dev_velo_track_offsets.data[events] : 0;
  for (uint32_t k = 0; k < lines; ++k)
    for (uint64_t i = (uint64_t)k * events * KST_LINE_STORED; i < (uint64_t)(k + 1) * events * KST_LINE_STORED; ++i) {
      const kst_line_candidate c = a->dev_candidates.data[i];
      if (c == KST_NO_CANDIDATE) continue;
      const uint64_t limit = shapes[k] == KST_LINE_SHAPE_TWO_TRACK ? a->dev_svs.count
                             : shapes[k] == KST_LINE_SHAPE_EVENT   ? 0
                                                                   : tracks;
      if (c >= limit) return kst_error(KST_ERR_INVALID, "line %u stores candidate %u, past the %llu it loops over", k + 1,
                                       c, (unsigned long long)limit);
    }
  return kst_ok();
}

static kst_status after_sync(kst_ctx *ctx, const line_efficiency_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint64_t events = b->n_events;
  efficiency *r = (efficiency *)kst_ctx_accumulator(ctx);
  const char *names[MAX_LINES];
  const kst_alg_desc *descs[MAX_LINES];
  const uint32_t lines = events ? (uint32_t)(a->dev_selections.count / events) : 0u;
  const uint32_t chain = kst_ctx_chain(ctx, 0, names, descs, MAX_LINES);
  if (events && lines + 1u != chain)
    return kst_error(KST_ERR_CONFIG, "the selections hold %u columns but %u lines lead to them", lines, chain - 1u);
  if (a->dev_candidates.count != a->dev_selections.count * KST_LINE_STORED)
    return kst_error(KST_ERR_CONFIG, "dev_candidates and dev_selections are not the outputs of the same lines");
  if (a->dev_velo_track_offsets.count != events + 1 || a->dev_sv_counts.count != events ||
      (events && a->dev_svs.count % events))
    return kst_error(KST_ERR_CONFIG, "the tracks and vertices are not of this batch");
  if (!r->n_lines)
    for (uint32_t k = 0; k < lines; ++k) snprintf(r->names[k], NAME_MAX, "%s", names[k + 1]);
  for (uint32_t k = 0; k < lines; ++k) r->shapes[k] = descs[k + 1]->line_shape;
  r->n_lines = lines;
  KST_TRY(check_candidates(a, r->shapes, lines, events));
  tos_source src = {.tracks = KST_LONG_VIEW_SOURCE(a, (uint32_t)events), .svs = a->dev_svs.data,
                    .max_svs = events ? (uint32_t)(a->dev_svs.count / events) : 0u};
  for (uint64_t e = 0; e < events; ++e) {
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) continue;
    const int state = kst_mc_signal_state(&mc);
    src.mc = &mc;
    int any = 0, any_tos = 0;
    for (int d = 0; d <= state; ++d) r->events[d]++;
    for (uint32_t k = 0; k < lines && state >= 0; ++k) {
      const kst_selection_word w = a->dev_selections.data[(uint64_t)k * events + e];
      if (!(w & KST_SEL_DECISION)) continue;
      any = 1;
      const kst_line_candidate *c = &a->dev_candidates.data[((uint64_t)k * events + e) * KST_LINE_STORED];
      int tos = 0;
      for (uint32_t j = 0; j < KST_LINE_STORED && c[j] != KST_NO_CANDIDATE && !tos; ++j)
        tos = signal_candidate(&src, r->shapes[k], c[j]);
      if (!tos && (w & KST_SEL_CANDIDATES) > KST_LINE_STORED) r->undecided[k]++;
      any_tos |= tos;
      for (int d = 0; d <= state; ++d) r->fired[d][k]++, r->tos[d][k] += (uint64_t)tos;
    }
    for (int d = 0; d <= state; ++d) r->inclusive[d] += (uint64_t)any, r->inclusive_tos[d] += (uint64_t)any_tos;
    kst_mc_event_free(&mc);
  }
  return kst_ok();
}

static const kst_accumulator_ops eff_ops = {eff_create, eff_merge, eff_report, eff_destroy};
static const line_efficiency_hooks line_efficiency_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(line_efficiency, LINE_EFFICIENCY_PARAMS, KST_NO_PROPS, line_efficiency_hook_table,
              .description = "each line's efficiency on signal samples, event-level and TOS (all events; events whose "
                             "signal daughters are all long); FILE.efficiency.json and plots with --report",
              .flags = KST_ALG_VALIDATOR, .accumulator = &eff_ops);
