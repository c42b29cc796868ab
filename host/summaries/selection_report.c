/* selection_report: counts each line's decisions and the inclusive one over the run; prints LHCb's rate table with
   binomial errors and writes it, with the line name <-> decision id table, as JSON. */
#include "host/summaries/selection_report.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/json_file.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

#define MAX_LINES 256
#define NAME_MAX 64

typedef struct rates {
  uint32_t n_lines;
  char names[MAX_LINES][NAME_MAX];
  uint64_t events, inclusive, fired[MAX_LINES], looked[MAX_LINES];
  float input_mhz;
} rates;

static void *rates_create(void) { return calloc(1, sizeof(rates)); }
static void rates_destroy(void *r) { free(r); }

static kst_status rates_merge(void *into, const void *from) {
  rates *a = (rates *)into;
  const rates *b = (const rates *)from;
  if (!b->n_lines && !b->events) return kst_ok();
  if (!a->n_lines && !a->events) return memcpy(a, b, sizeof *a), kst_ok();
  if (a->n_lines != b->n_lines) return kst_error(KST_ERR_INVALID, "selection report: workers saw different lines");
  a->events += b->events, a->inclusive += b->inclusive;
  for (uint32_t k = 0; k < a->n_lines; ++k) a->fired[k] += b->fired[k], a->looked[k] += b->looked[k];
  return kst_ok();
}

/* Rate (kHz) and its binomial error for k of n events at an input of mhz. */
static void rate_of(uint64_t k, uint64_t n, double mhz, double *rate, double *err) {
  const double eff = n ? (double)k / (double)n : 0.0;
  *rate = 1000.0 * mhz * eff;
  *err = n ? 1000.0 * mhz * sqrt(eff * (1.0 - eff) / (double)n) : 0.0;
}

static kst_status rates_report(const void *acc, const char *instance, const kst_report_options *opt) {
  const rates *r = (const rates *)acc;
  printf("%s: %u lines on %llu events, rates at a %g MHz input\n", instance, r->n_lines, (unsigned long long)r->events,
         (double)r->input_mhz);
  printf("  %-4s %-32s %10s %10s %22s\n", "id", "line", "looked", "fired", "rate (kHz)");
  double rate, err;
  for (uint32_t k = 0; k < r->n_lines; ++k) {
    rate_of(r->fired[k], r->events, r->input_mhz, &rate, &err);
    printf("  %-4u %-32s %10llu %10llu %12.2f +- %7.2f\n", k + 1, r->names[k], (unsigned long long)r->looked[k],
           (unsigned long long)r->fired[k], rate, err);
  }
  rate_of(r->inclusive, r->events, r->input_mhz, &rate, &err);
  printf("  %-4s %-32s %10s %10llu %12.2f +- %7.2f\n", "", "inclusive", "", (unsigned long long)r->inclusive, rate, err);
  if (!opt || !opt->json_path) return kst_ok();
  cJSON *root = cJSON_CreateObject(), *lines = root ? cJSON_AddArrayToObject(root, "lines") : NULL;
  if (!lines) return cJSON_Delete(root), kst_error(KST_ERR_NOMEM, "selection report JSON: out of memory");
  cJSON_AddStringToObject(root, "report", "selections");
  cJSON_AddNumberToObject(root, "events", (double)r->events);
  cJSON_AddNumberToObject(root, "input_rate_mhz", r->input_mhz);
  for (uint32_t k = 0; k < r->n_lines; ++k) {
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    rate_of(r->fired[k], r->events, r->input_mhz, &rate, &err);
    cJSON_AddStringToObject(o, "name", r->names[k]);
    cJSON_AddNumberToObject(o, "decision_id", k + 1);
    cJSON_AddNumberToObject(o, "looked", (double)r->looked[k]);
    cJSON_AddNumberToObject(o, "fired", (double)r->fired[k]);
    cJSON_AddNumberToObject(o, "rate_khz", rate);
    cJSON_AddNumberToObject(o, "rate_error_khz", err);
    cJSON_AddItemToArray(lines, o);
  }
  rate_of(r->inclusive, r->events, r->input_mhz, &rate, &err);
  cJSON *inc = cJSON_AddObjectToObject(root, "inclusive");
  if (inc) {
    cJSON_AddNumberToObject(inc, "fired", (double)r->inclusive);
    cJSON_AddNumberToObject(inc, "rate_khz", rate);
    cJSON_AddNumberToObject(inc, "rate_error_khz", err);
  }
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".rates.json", path, sizeof path);
  return kst_json_write_file(root, path, "selection report JSON", &files);
}

static kst_status after_sync(kst_ctx *ctx, const selection_report_args *a) {
  const uint64_t events = kst_ctx_batch(ctx)->n_events;
  rates *r = (rates *)kst_ctx_accumulator(ctx);
  const char *names[MAX_LINES];
  const uint32_t lines = events ? (uint32_t)(a->dev_selections.count / events) : 0u;
  const uint32_t chain = kst_ctx_chain(ctx, 0, names, NULL, MAX_LINES);
  /* the chain starts at selections_init, which adds no column */
  if (lines + 1u != chain && events)
    return kst_error(KST_ERR_CONFIG, "the selections hold %u columns but %u lines lead to them", lines, chain - 1u);
  if (!r->n_lines) {
    r->n_lines = lines;
    for (uint32_t k = 0; k < lines; ++k) snprintf(r->names[k], NAME_MAX, "%s", names[k + 1]);
  }
  r->input_mhz = a->props.input_rate_mhz;
  /* an event without a trustworthy ODIN has no trustworthy scalers: it is rejected, and counted as such */
  for (uint32_t e = 0; e < events && e < a->dev_odin_errors.count; ++e) {
    const uint32_t f = a->dev_odin_errors.data[e];
    if (!f) continue;
    char detail[128];
    snprintf(detail, sizeof detail, "ODIN bank %s", f & KST_ODIN_ERR_MISSING ? "missing" : f & KST_ODIN_ERR_REPEATED ? "repeated" :
             f & KST_ODIN_ERR_VERSION ? "of a version other than 6 or 7" : "not ten words long");
    KST_TRY(kst_ctx_reject_event(ctx, e, "odin_bank", detail));
  }
  uint64_t fired[MAX_LINES] = {0}, inclusive = 0;
  for (uint64_t e = 0; e < events; ++e) {
    int any = 0;
    for (uint32_t k = 0; k < lines; ++k) {
      const kst_selection_word s = a->dev_selections.data[(uint64_t)k * events + e];
      r->looked[k] += (s & KST_SEL_PRESCALED) != 0;
      if (s & KST_SEL_DECISION) fired[k]++, any = 1;
    }
    inclusive += any;
  }
  for (uint32_t k = 0; k < lines; ++k) r->fired[k] += fired[k];
  r->events += events, r->inclusive += inclusive;
  const uint64_t totals[2] = {events, inclusive};
  KST_TRY(kst_ctx_count_add(ctx, "events", &totals[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "inclusive", &totals[1], 1));
  return lines ? kst_ctx_count_add(ctx, "fired", fired, lines) : kst_ok();
}

static const kst_accumulator_ops rates_ops = {rates_create, rates_merge, rates_report, rates_destroy};
static const selection_report_hooks selection_report_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(selection_report, SELECTION_REPORT_PARAMS, SELECTION_REPORT_PROPS, selection_report_hook_table,
              .description = "counts each line's decisions and prints the rate table (and FILE.rates.json with --report)",
              .accumulator = &rates_ops);
