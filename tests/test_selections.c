/* Selection lines: LHCb's deterministic scalers, the DecReports layout against hand-built words, ODIN versions, and
   hlt1.json on simulated events: decisions that follow the JSON, the same for any batching, with rates reported. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "device/event_model/odin.h"
#include "device/event_model/selections.h"
#include "device/selections/dec_reporter.h"
#include "device/selections/scaler.h"
#include "host/runtime/accounting.h"
#include "host/runtime/harness.h"
#include "input/mdf.h"
#include "input/simulation/generate.h"
#include "sequence_edit.h"
#include "sim_downstream.h"
#include "velo_run.h"


Test(selections, scalers_keep_their_share_the_same_events_and_follow_the_name) {
  /* LHCb's hash of a name: length 11 ("Hlt1NoBias" + "_pre" is 14 characters: a group of two padded in front) */
  const uint32_t a = kst_scaler_seed("Hlt1NoBias_pre"), b = kst_scaler_seed("Hlt1NoBias_post");
  cr_assert_neq(a, b);
  cr_assert_eq(kst_scaler_seed("Hlt1NoBias_pre"), a, "a pure function of the name");
  /* pinned: a change of the hashing would change which events every prescaled line keeps */
  cr_assert_eq(kst_scaler_seed(""), 0u);
  cr_assert_eq(kst_scaler_seed("abcd"), kst_scaler_mix(4u + 0x64636261u));
  cr_assert_eq(kst_scaler_seed("ab"), kst_scaler_mix(2u + (0x2020u | 0x61u << 16 | 0x62u << 24)));
  uint32_t kept = 0;
  const uint32_t n = 200000;
  for (uint32_t ev = 0; ev < n; ++ev) kept += (uint32_t)kst_scaler_keep(a, 0.1f, 7u, 0u, ev, 0u, 0u);
  const double share = (double)kept / n, sigma = sqrt(0.1 * 0.9 / n);
  cr_assert(fabs(share - 0.1) < 4 * sigma, "kept %.4f of events at 0.1", share);
  cr_assert(kst_scaler_keep(a, 1.0f, 1, 2, 3, 4, 5) && !kst_scaler_keep(a, 0.0f, 1, 2, 3, 4, 5));
  /* the same event is kept or not whatever else happens; another run or GPS time decides anew */
  uint32_t same = 0, other = 0;
  for (uint32_t ev = 0; ev < 1000; ++ev) {
    same += kst_scaler_keep(a, 0.5f, 7u, 0u, ev, 0u, 0u) == kst_scaler_keep(a, 0.5f, 7u, 0u, ev, 0u, 0u);
    other += kst_scaler_keep(a, 0.5f, 7u, 0u, ev, 0u, 0u) == kst_scaler_keep(a, 0.5f, 8u, 0u, ev, 0u, 0u);
  }
  cr_assert(same == 1000 && other > 400 && other < 600, "same %u, with another run %u", same, other);
}

Test(selections, odin_versions_6_and_7_give_the_same_fields) {
  const uint32_t v6[10] = {6718861u, 3u, 42u, 0u, 6001u, 0x1234u, 0x56789u, 0u, 0x88c20000u | 77u, 9u};
  const uint32_t v7[10] = {6718861u, 3u | 5u << 16, 0x56789u, 0x1234u, 9u, 0u, 77u | 3u << 12, 42u, 6001u, 0u};
  const kst_odin a = kst_odin_from_words(v6, 6), b = kst_odin_from_words(v7, 7);
  cr_assert(a.run == 6718861u && a.event_lo == 6001u && a.event_hi == 0 && a.gps_hi == 0x1234u && a.gps_lo == 0x56789u);
  cr_assert(a.bunch_id == 77u && a.bx_type == KST_BX_BEAMBEAM && a.orbit == 42u && a.tck == 9u && a.event_type == 3u);
  cr_assert(b.run == a.run && b.event_lo == a.event_lo && b.event_hi == a.event_hi && b.gps_hi == a.gps_hi &&
            b.gps_lo == a.gps_lo && b.bunch_id == a.bunch_id && b.bx_type == a.bx_type && b.orbit == a.orbit &&
            b.tck == a.tck && b.event_type == a.event_type);
}

Test(selections, dec_reports_have_lhcb_layout_word_for_word) {
  /* two events, three lines, column after column: line 0 fired in event 1 with 2 candidates, line 1 passed 20
     candidates in event 0 but its post-scaler dropped it, line 2 fired in both with 1 candidate */
  const kst_selection_word sel[6] = {KST_SEL_PRESCALED,                          /* line 0, event 0 */
                                     KST_SEL_PRESCALED | KST_SEL_DECISION | 2u,  /* line 0, event 1 */
                                     KST_SEL_PRESCALED | 20u,                    /* line 1, event 0 */
                                     0u,                                         /* line 1, event 1 */
                                     KST_SEL_PRESCALED | KST_SEL_DECISION | 1u,  /* line 2, event 0 */
                                     KST_SEL_PRESCALED | KST_SEL_DECISION | 1u}; /* line 2, event 1 */
  const kst_event_list_word list[3] = {2, 0, 1};
  const kst_harness_input in[2] = {{"dev_event_list", list, 3}, {"dev_selections", sel, 6}};
  kst_harness h;
  cr_assert_eq(kst_harness_init(&h, "dec_reporter", "{\"key\": 171, \"tck\": 4660, \"task_id\": 1}", NULL, 0).code, KST_OK);
  kst_status st = kst_harness_run(&h, NULL, 2, in, 2);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  uint64_t n;
  const uint32_t *r = kst_harness_get(&h, "dev_dec_reports", &n);
  /* by hand: decision bit 0, candidates bits 4-7 (15 at most), execution stage 1 in bits 8-15, id = line + 1 from 16 */
  const uint32_t want[12] = {171, 4660, 1, 0x00010100u, 0x000201f0u, 0x00030111u,
                             171, 4660, 1, 0x00010121u, 0x00020100u, 0x00030111u};
  cr_assert_eq(n, 12);
  for (int k = 0; k < 12; ++k) cr_assert_eq(r[k], want[k], "word %d: %08x, want %08x", k, r[k], want[k]);
  const uint32_t *bits = kst_harness_get(&h, "dev_routing_bits", &n);
  cr_assert(bits[0] == 2u && bits[1] == (1u << 2) && bits[4] == 2u && bits[5] == (1u | 1u << 2), "routing bits");
  const kst_event_list_word *acc = kst_harness_get(&h, "dev_accepted", &n);
  cr_assert(acc[0] == 2 && acc[1] == 0 && acc[2] == 1, "both events accepted, in order");
  kst_harness_free(&h);
}



/* The counter `fired` of the rates instance, and its line count. */
static const kst_counter *fired(const kst_run_result *r, const kst_sequence *seq) {
  const kst_counter *c = kst_result_counter(r, seq, "rates", "fired");
  cr_assert_not_null(c);
  return c;
}

Test(selections, decisions_follow_the_json_and_do_not_depend_on_batching, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_sel_XXXXXX";
  close(mkstemp(path));
  generate_downstream(path, 5, 120, "B0->K+pi-");
  kst_sequence seq;
  velo_load(&seq, "sequences/hlt1.json");
  kst_run_result r1, r2;
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR}, &r1);
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR, .threads = 2, .batch_size = 7}, &r2);
  const kst_counter *f1 = fired(&r1, &seq), *f2 = fired(&r2, &seq);
  cr_assert_eq(f1->n, f2->n);
  uint64_t before[64];
  const uint32_t lines = f1->n;
  cr_assert(lines < 64);
  for (uint32_t k = 0; k < lines; ++k) {
    cr_assert_eq(f1->values[k], f2->values[k], "line %u: the same for any batching", k);
    before[k] = f1->values[k];
  }
  const int mva = kst_sequence_find(&seq, "Hlt1TrackMVA") - kst_sequence_find(&seq, "Hlt1NoBias");
  cr_assert(before[mva] > 10, "TrackMVA fires on B0 -> K+ pi- (%llu of 120)", (unsigned long long)before[mva]);
  const uint64_t inclusive = kst_result_counter(&r1, &seq, "rates", "inclusive")->values[0];
  kst_run_result_free(&r1, &seq);
  kst_run_result_free(&r2, &seq);
  kst_sequence_free(&seq);

  /* A threshold raised in the JSON silences the line; the others keep their decisions. */
  char *json = hlt1_with("Hlt1TrackMVA", "{\"min_pt\": 1e7, \"max_pt\": 2e7}");
  velo_load(&seq, json);
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR}, &r1);
  const kst_counter *g = fired(&r1, &seq);
  cr_assert_eq(g->values[mva], 0, "TrackMVA with min_pt 10 TeV");
  for (uint32_t k = 0; k < g->n; ++k)
    if ((int)k != mva) cr_assert_eq(g->values[k], before[k], "line %u unchanged", k);
  cr_assert_leq(kst_result_counter(&r1, &seq, "rates", "inclusive")->values[0], inclusive);
  kst_run_result_free(&r1, &seq);
  kst_sequence_free(&seq);
  free(json);

  /* A line removed: one column fewer, the rest unchanged. */
  json = hlt1_with("Hlt1TrackMVA", NULL);
  velo_load(&seq, json);
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR}, &r1);
  const kst_counter *h = fired(&r1, &seq);
  cr_assert_eq(h->n, lines - 1);
  for (uint32_t k = 0; k + 1 < lines; ++k) cr_assert_eq(h->values[k], before[k < (uint32_t)mva ? k : k + 1]);
  kst_run_result_free(&r1, &seq);
  kst_sequence_free(&seq);
  free(json);

  /* A misspelt property and an unknown input are refused with their JSON paths. */
  json = hlt1_with("Hlt1TrackMVA", "{\"min_ptt\": 1}");
  kst_problems pb;
  cr_assert_eq(kst_sequence_parse(&seq, json, "hlt1.json", &pb).code, KST_ERR_CONFIG);
  cr_assert(pb.n && strstr(pb.lines[0], ".properties.min_ptt") && strstr(pb.lines[0], "did you mean 'min_pt'"), "%s",
            pb.n ? pb.lines[0] : "");
  kst_problems_free(&pb);
  free(json);
  unlink(path);
}

Test(selections, events_without_a_good_odin_bank_are_rejected_and_counted, .timeout = 60) {
  /* four events: a good ODIN (v6), none, version 5, two of them */
  uint32_t odin[10] = {7, 0, 1, 0, 42, 0, 0, 0, 3u << 22, 0};
  const uint32_t other = 0;
  kst_mdf_bank_out good = {16, 6, 0, odin, sizeof odin}, old = {16, 5, 0, odin, sizeof odin};
  kst_mdf_bank_out filler = {73, 3, 0, &other, sizeof other};
  kst_mdf_bank_out twice[2] = {good, good};
  char path[] = "/tmp/kst_odin_XXXXXX";
  close(mkstemp(path));
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 7, 0, 0, &good, 1).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 7, 0, 1, &filler, 1).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 7, 0, 2, &old, 1).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 7, 0, 3, twice, 2).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
  kst_sequence seq;
  velo_load(&seq, "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"odin_banks\", \"properties\": {\"bank_type\": 16}},"
                  "{\"type\": \"event_list_init\", \"name\": \"events\"}, {\"type\": \"odin_decode\", \"name\": \"odin\"},"
                  "{\"type\": \"selections_init\", \"name\": \"selections\"},"
                  "{\"type\": \"passthrough_line\", \"name\": \"Hlt1Passthrough\"},"
                  "{\"type\": \"selection_report\", \"name\": \"rates\"}]}");
  kst_run_result r;
  velo_run(&seq, path, (kst_run_options){.debug_memory = 1}, &r);
  kst_accounting acc;
  cr_assert_eq(kst_run_accounting(&r, &seq, &acc).code, KST_OK);
  cr_assert(acc.read == 4 && acc.accepted == 1 && acc.rejected == 3, "read %llu accepted %llu rejected %llu",
            (unsigned long long)acc.read, (unsigned long long)acc.accepted, (unsigned long long)acc.rejected);
  cr_assert(acc.n_reasons == 1 && !strcmp(acc.reasons[0].reason, "odin_bank"), "%s", acc.reasons[0].reason);
  cr_assert_eq(kst_result_counter(&r, &seq, "rates", "fired")->values[0], 4, "the line itself looked at every event");
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  unlink(path);
}

/* The text of file dir/name, malloc'd (NULL when missing). */
static char *slurp(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char text[1 << 16];
  const size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  return strdup(text);
}

Test(selections, stored_candidates_do_not_depend_on_batching_and_fire_tos_on_signal, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_tos_XXXXXX", d1[] = "/tmp/kst_tos_d1_XXXXXX", d2[] = "/tmp/kst_tos_d2_XXXXXX";
  close(mkstemp(path));
  cr_assert_not_null(mkdtemp(d1));
  cr_assert_not_null(mkdtemp(d2));
  generate_downstream(path, 9, 60, "B0->K+pi-");
  kst_sequence seq;
  /* an event line that fires on every event: it stores no candidates and has no TOS */
  char *json = hlt1_with("Hlt1Passthrough", "{\"pre_scaler\": 1}");
  velo_load(&seq, json);
  free(json);
  kst_run_result r1, r2;
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR, .dump_dir = d1, .validate = 1}, &r1);
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR, .dump_dir = d2, .threads = 2, .batch_size = 7}, &r2);
  uint32_t with_candidates = 0;
  for (uint32_t e = 0; e < 60; ++e) {
    char name[64];
    snprintf(name, sizeof name, "dec_reports_%u.txt", e);
    char *a = slurp(d1, name), *b = slurp(d2, name);
    cr_assert(a && b, "%s in both dumps", name);
    cr_assert_str_eq(a, b, "%s: the same reports and candidates for any batching", name);
    /* a line that fired stored at least one candidate: a "candidates k N" with a number after it */
    with_candidates += strstr(a, "candidates 7 -") == NULL; /* TrackMVA */
    cr_assert(strstr(a, "candidates 2 - - - - - - - -\n"), "%s: the passthrough line stores no candidate", name);
    unsigned bits[2] = {0, 0};
    cr_assert(strstr(a, "routing_bits ") && sscanf(strstr(a, "routing_bits "), "routing_bits %x %x", &bits[0], &bits[1]) == 2);
    cr_assert((bits[0] & 2u) && (bits[1] & 2u), "%s: the passthrough line (bit 33) fired", name);
    free(a), free(b);
  }
  cr_assert(with_candidates > 10, "TrackMVA stored candidates in %u of 60 events", with_candidates);
  char d3[] = "/tmp/kst_tos_r_XXXXXX", report[64];
  cr_assert_not_null(mkdtemp(d3));
  snprintf(report, sizeof report, "%s/run.json", d3);
  kst_report_options ro = {.json_path = report};
  cr_assert_eq(kst_run_report(&r1, &seq, &ro).code, KST_OK);
  char *text = slurp(d3, "run.json.efficiency.json");
  cr_assert_not_null(text, "%s/run.json.efficiency.json written", d3);
  cJSON *root = cJSON_Parse(text), *lines = cJSON_GetObjectItem(root, "lines"), *line;
  int seen = 0;
  double mva_tos = -1;
  cJSON_ArrayForEach(line, lines) {
    const char *name = cJSON_GetObjectItem(line, "name")->valuestring;
    const cJSON *tos = cJSON_GetObjectItem(line, "tos"), *fired_n = cJSON_GetObjectItem(line, "fired");
    if (!strcmp(name, "Hlt1Passthrough")) {
      cr_assert_null(tos, "an event line has no TOS");
      cr_assert_eq(fired_n->valuedouble, 60, "the passthrough line fired on every event");
    }
    if (!tos) continue;
    cr_assert_leq(tos->valuedouble, fired_n->valuedouble, "%s: TOS events are events it fired on", name);
    if (!strcmp(name, "Hlt1TrackMVA")) {
      ++seen;
      mva_tos = tos->valuedouble;
      cr_assert(fired_n->valuedouble > 10 && tos->valuedouble >= 0.8 * fired_n->valuedouble,
                "%s: TOS %g of %g fired: B0 -> K+ pi- fires on its own tracks", name, tos->valuedouble, fired_n->valuedouble);
    }
    if (!strcmp(name, "inclusive")) {
      ++seen;
      cr_assert_geq(tos->valuedouble, mva_tos, "TOS on any line, at least TOS on TrackMVA");
    }
  }
  cr_assert_eq(seen, 2);
  cJSON_Delete(root);
  free(text);
  kst_run_result_free(&r1, &seq);
  kst_run_result_free(&r2, &seq);
  kst_sequence_free(&seq);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf %s %s %s", d1, d2, d3);
  cr_assert_eq(system(cmd), 0);
  unlink(path);
}
