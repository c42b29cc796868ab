/* line_efficiency: per line, the share of signal events it fires on: of all events with a signal decay, and of those
   whose signal's stable charged daughters are all long (isLong, 2 < eta < 5), as LHCb counts trigger efficiencies. */
#include "host/validators/line_efficiency.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/json_file.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

#define MAX_LINES 256
#define NAME_MAX 64

typedef struct efficiency {
  uint32_t n_lines;
  char names[MAX_LINES][NAME_MAX];
  uint64_t events[2], inclusive[2], fired[2][MAX_LINES]; /* [0] every signal event, [1] reconstructible ones */
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
    a->events[d] += b->events[d], a->inclusive[d] += b->inclusive[d];
    for (uint32_t k = 0; k < a->n_lines; ++k) a->fired[d][k] += b->fired[d][k];
  }
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
  printf("%s: event-level efficiency on %llu signal events (%llu with every charged daughter long)\n", instance,
         (unsigned long long)r->events[0], (unsigned long long)r->events[1]);
  printf("  %-32s %20s %24s\n", "line", "all signal events", "daughters all long");
  double p0, e0, p1, e1;
  for (uint32_t k = 0; k <= r->n_lines; ++k) {
    const int inc = k == r->n_lines;
    pct(inc ? r->inclusive[0] : r->fired[0][k], r->events[0], &p0, &e0);
    pct(inc ? r->inclusive[1] : r->fired[1][k], r->events[1], &p1, &e1);
    printf("  %-32s %10.2f%% +- %5.2f %14.2f%% +- %5.2f\n", inc ? "inclusive" : r->names[k], p0, e0, p1, e1);
  }
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
    cJSON_AddStringToObject(o, "name", inc ? "inclusive" : r->names[k]);
    cJSON_AddNumberToObject(o, "fired", (double)(inc ? r->inclusive[0] : r->fired[0][k]));
    cJSON_AddNumberToObject(o, "fired_reconstructible", (double)(inc ? r->inclusive[1] : r->fired[1][k]));
    pct(inc ? r->inclusive[0] : r->fired[0][k], r->events[0], &p0, &e0);
    pct(inc ? r->inclusive[1] : r->fired[1][k], r->events[1], &p1, &e1);
    cJSON_AddNumberToObject(o, "efficiency", p0 / 100.0);
    cJSON_AddNumberToObject(o, "efficiency_reconstructible", p1 / 100.0);
    cJSON_AddItemToArray(lines, o);
  }
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".efficiency.json", path, sizeof path);
  return kst_json_write_file(root, path, "line efficiency JSON", &files);
}

/* Whether the event has a signal decay (-1: no) and whether its stable charged daughters are all long (1). */
static int signal_state(const kst_mc_event *mc) {
  int any = 0, all_long = 1;
  for (uint32_t p = 0; p < mc->n_particles; ++p) {
    const kst_mc_particle *q = &mc->particles[p];
    if (!q->from_signal) continue;
    any = 1;
    const int tracked = q->charge != 0.0f && (abs(q->pid) == 11 || abs(q->pid) == 13 || abs(q->pid) == 211 ||
                                              abs(q->pid) == 321 || abs(q->pid) == 2212);
    if (tracked && !(q->is_long && q->eta > 2.0f && q->eta < 5.0f)) all_long = 0;
  }
  return any ? all_long : -1;
}

static kst_status after_sync(kst_ctx *ctx, const line_efficiency_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint64_t events = b->n_events;
  efficiency *r = (efficiency *)kst_ctx_accumulator(ctx);
  const char *names[MAX_LINES];
  const uint32_t lines = events ? (uint32_t)(a->dev_selections.count / events) : 0u;
  const uint32_t chain = kst_ctx_chain_names(ctx, 0, names, MAX_LINES);
  if (events && lines + 1u != chain)
    return kst_error(KST_ERR_CONFIG, "the selections hold %u columns but %u lines lead to them", lines, chain - 1u);
  if (!r->n_lines)
    for (uint32_t k = 0; k < lines; ++k) snprintf(r->names[k], NAME_MAX, "%s", names[k + 1]);
  r->n_lines = lines;
  for (uint64_t e = 0; e < events; ++e) {
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) continue;
    const int state = signal_state(&mc);
    kst_mc_event_free(&mc);
    if (state < 0) continue;
    int any = 0;
    for (int d = 0; d <= state; ++d) r->events[d]++;
    for (uint32_t k = 0; k < lines; ++k)
      if (a->dev_selections.data[(uint64_t)k * events + e] & KST_SEL_DECISION) {
        any = 1;
        for (int d = 0; d <= state; ++d) r->fired[d][k]++;
      }
    for (int d = 0; d <= state && any; ++d) r->inclusive[d]++;
  }
  return kst_ok();
}

static const kst_accumulator_ops eff_ops = {eff_create, eff_merge, eff_report, eff_destroy};
static const line_efficiency_hooks line_efficiency_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(line_efficiency, LINE_EFFICIENCY_PARAMS, KST_NO_PROPS, line_efficiency_hook_table,
              .description = "each line's event-level efficiency on signal samples (all events; events whose signal "
                             "daughters are all long)",
              .flags = KST_ALG_VALIDATOR, .accumulator = &eff_ops);
