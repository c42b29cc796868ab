/* selected_objects_check: per listed event of a reduced file, the DecReports and the selected objects are decoded and
   checked against each other; each fired line's objects are matched to the MC truth by their LHCbIDs. */
#include "host/validators/selected_objects_check.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/json_file.h"
#include "checker/long_track_checker.h"
#include "device/event_model/selections.h"
#include "host/output/mdf_writer.h"
#include "host/output/selected_objects.h"
#include "host/runtime/report_files.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"

#define MAX_IDS 65536 /* decision ids are 16 bits */

/* Per decision id, [d]: d = 0 every event, 1 events whose signal daughters are all long. */
typedef struct tally {
  uint64_t events, objects_bytes, tracks, vertices;
  uint64_t fired[MAX_IDS], tos[2][MAX_IDS], inclusive_tos[2];
  uint32_t max_id;
} tally;

static void *tally_create(void) { return calloc(1, sizeof(tally)); }
static void tally_destroy(void *t) { free(t); }

static kst_status tally_merge(void *into, const void *from) {
  tally *a = (tally *)into;
  const tally *b = (const tally *)from;
  a->events += b->events, a->objects_bytes += b->objects_bytes, a->tracks += b->tracks, a->vertices += b->vertices;
  for (int d = 0; d < 2; ++d) a->inclusive_tos[d] += b->inclusive_tos[d];
  for (uint32_t k = 0; k <= b->max_id; ++k) a->fired[k] += b->fired[k], a->tos[0][k] += b->tos[0][k], a->tos[1][k] += b->tos[1][k];
  if (b->max_id > a->max_id) a->max_id = b->max_id;
  return kst_ok();
}

static kst_status tally_report(const void *acc, const char *instance, const kst_report_options *opt) {
  const tally *t = (const tally *)acc;
  printf("%s: %llu events read back, %.1f tracks, %.1f vertices and %.0f bytes of selected objects per event\n", instance,
         (unsigned long long)t->events, t->events ? (double)t->tracks / (double)t->events : 0.0,
         t->events ? (double)t->vertices / (double)t->events : 0.0,
         t->events ? (double)t->objects_bytes / (double)t->events : 0.0);
  printf("  %-12s %10s %10s %16s\n", "decision id", "fired", "TOS", "TOS (long)");
  for (uint32_t k = 1; k <= t->max_id; ++k)
    if (t->fired[k]) printf("  %-12u %10llu %10llu %16llu\n", k, (unsigned long long)t->fired[k],
                            (unsigned long long)t->tos[0][k], (unsigned long long)t->tos[1][k]);
  printf("  %-12s %10llu %10llu %16llu\n", "inclusive", (unsigned long long)t->events,
         (unsigned long long)t->inclusive_tos[0], (unsigned long long)t->inclusive_tos[1]);
  if (!opt || !opt->json_path) return kst_ok();
  cJSON *root = cJSON_CreateObject(), *lines = root ? cJSON_AddArrayToObject(root, "lines") : NULL;
  if (!lines) return cJSON_Delete(root), kst_error(KST_ERR_NOMEM, "selected objects JSON: out of memory");
  cJSON_AddStringToObject(root, "report", "selected_objects");
  cJSON_AddNumberToObject(root, "events", (double)t->events);
  cJSON_AddNumberToObject(root, "objects_bytes", (double)t->objects_bytes);
  cJSON_AddNumberToObject(root, "inclusive_tos", (double)t->inclusive_tos[0]);
  cJSON_AddNumberToObject(root, "inclusive_tos_reconstructible", (double)t->inclusive_tos[1]);
  for (uint32_t k = 1; k <= t->max_id; ++k) {
    if (!t->fired[k]) continue;
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    cJSON_AddNumberToObject(o, "decision_id", k);
    cJSON_AddNumberToObject(o, "fired", (double)t->fired[k]);
    cJSON_AddNumberToObject(o, "tos", (double)t->tos[0][k]);
    cJSON_AddNumberToObject(o, "tos_reconstructible", (double)t->tos[1][k]);
    cJSON_AddItemToArray(lines, o);
  }
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".selected.json", path, sizeof path);
  return kst_json_write_file(root, path, "selected objects JSON", &files);
}

/* Whether track t of the objects matches a particle of the signal decay. */
static int signal_track(const kst_mc_event *mc, const kst_so_track *t) {
  const kst_long_track_view v = {t->ids, t->ids + t->n_velo, t->n_velo, t->n_scifi, t->state[5]};
  const int32_t p = kst_long_track_match(mc, &v);
  return p >= 0 && mc->particles[p].from_signal;
}

/* One event: its DecReports' fired ids must be the objects' lines; each line's TOS is tallied. */
static kst_status check_event(kst_ctx *ctx, tally *t, const kst_mdf_event *ev, uint32_t e) {
  uint8_t *dec = NULL, *obj = NULL;
  size_t dec_size = 0, obj_size = 0;
  int version = 0;
  char detail[320];
  kst_status s = kst_banks_concat(ev, KST_BANK_DEC_REPORTS, &dec, &dec_size, &version);
  if (!s.code && (!dec || dec_size < 12 || dec_size % 4 || version != 3))
    s = kst_error(KST_ERR_FORMAT, "no DecReports bank of version 3 and whole words");
  if (!s.code) s = kst_banks_concat(ev, KST_BANK_SELECTED_OBJECTS, &obj, &obj_size, &version);
  if (!s.code && (!obj || obj_size % 4 || version != (int)KST_SELECTED_OBJECTS_VERSION))
    s = kst_error(KST_ERR_FORMAT, "no selected-objects bank of version %u and whole words", KST_SELECTED_OBJECTS_VERSION);
  kst_selected_objects so = {0};
  if (!s.code) s = kst_selected_objects_parse((const uint32_t *)obj, obj_size / 4, &so);
  /* every line the DecReports say fired has its entry among the objects, and only those */
  const uint32_t *w = (const uint32_t *)dec;
  uint32_t fired = 0;
  for (size_t k = 3; !s.code && k < dec_size / 4; ++k) {
    if (!(w[k] & 1u)) continue;
    ++fired;
    uint32_t l = 0;
    while (l < so.n_lines && so.lines[l].id != w[k] >> 16) ++l;
    if (l == so.n_lines) s = kst_error(KST_ERR_FORMAT, "decision id %u fired but has no selected objects", w[k] >> 16);
  }
  if (!s.code && fired != so.n_lines)
    s = kst_error(KST_ERR_FORMAT, "%u lines fired but the objects hold %u", fired, so.n_lines);
  if (s.code) {
    free(dec), free(obj), kst_selected_objects_free(&so);
    snprintf(detail, sizeof detail, "%s", s.msg);
    return kst_ctx_reject_event(ctx, e, "selected_objects", detail);
  }
  kst_mc_event mc;
  s = kst_mc_event_from_mdf(ev, &mc);
  const int state = s.code ? -1 : kst_mc_signal_state(&mc);
  int any_tos = 0;
  t->events++, t->objects_bytes += obj_size, t->tracks += so.n_tracks, t->vertices += so.n_vertices;
  for (uint32_t l = 0; l < so.n_lines; ++l) {
    const kst_so_line *x = &so.lines[l];
    t->fired[x->id]++;
    if (x->id > t->max_id) t->max_id = x->id;
    int tos = 0;
    for (uint32_t j = 0; j < x->n && !tos && state >= 0; ++j) {
      if (x->shape != KST_LINE_SHAPE_TWO_TRACK) tos = signal_track(&mc, &so.tracks[x->objects[j]]);
      else {
        const kst_so_vertex *v = &so.vertices[x->objects[j]];
        tos = signal_track(&mc, &so.tracks[v->a]) && signal_track(&mc, &so.tracks[v->b]);
      }
    }
    for (int d = 0; d <= state; ++d) t->tos[d][x->id] += (uint64_t)tos;
    any_tos |= tos;
  }
  for (int d = 0; d <= state; ++d) t->inclusive_tos[d] += (uint64_t)any_tos;
  if (!s.code) kst_mc_event_free(&mc);
  free(dec), free(obj), kst_selected_objects_free(&so);
  return kst_ok();
}

static kst_status after_sync(kst_ctx *ctx, const selected_objects_check_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, b->n_events))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  tally *t = (tally *)kst_ctx_accumulator(ctx);
  for (uint32_t k = 0; k < a->dev_event_list.data[0]; ++k) {
    const uint32_t e = a->dev_event_list.data[1u + k];
    KST_TRY(check_event(ctx, t, &b->events[e], e));
  }
  return kst_ok();
}

static const kst_accumulator_ops tally_ops = {tally_create, tally_merge, tally_report, tally_destroy};
static const selected_objects_check_hooks selected_objects_check_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(selected_objects_check, SELECTED_OBJECTS_CHECK_PARAMS, KST_NO_PROPS, selected_objects_check_hook_table,
              .description = "reads a reduced output file back: the decisions and the objects that fired each line, "
                             "checked against each other and matched to MC truth (TOS); FILE.selected.json with --report",
              .flags = KST_ALG_VALIDATOR, .accumulator = &tally_ops);
