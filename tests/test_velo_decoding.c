/* Tests of VELO decoding: the bit layout, malformed banks flagged per event, and 100% agreement on real data. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "device/common/kst_math.h"
#include "device/decoding/velo_cluster.h"
#include "host/runtime/accounting.h"
#include "host/runtime/runtime.h"
#include "input/mdf.h"
#include "input/simulation/generate.h"
#include "input/velo_banks.h"
#include "velo_run.h"

#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"
#define REAL_GEOMETRY "../shared/data/lhcb/velo_geometry.bin"

static uint32_t word(uint32_t cx, uint32_t xf, uint32_t cy, uint32_t yf) { return cx << 12 | xf << 10 | cy << 2 | yf; }

Test(velo_decoding, bit_layout_of_hand_made_words) {
  kst_velo_geometry g;
  kst_geometry_ideal(&g);
  /* Column 300 = chip 1, column 44 in the chip; row 17; both fractions set. */
  uint32_t w = word(300, 2, 17, 3), id;
  float x, y, z;
  kst_velo_decode_cluster(&g, 77, w, &x, &y, &z, &id);
  cr_assert_eq(id, (2u << 28) | (1u << 27) | (1u << 26) | (77u << 18) | (1u << 16) | (44u << 8) | 17u);
  float lx = g.local_x[300] + 0.5f * g.x_pitch[300], ly = (17.0f + 0.5f + 0.75f) * 0.055f, ref[3];
  kst_geometry_local_to_global(&g, 77, lx, ly, ref);
  cr_assert_float_eq(x, ref[0], 1e-5);
  cr_assert_float_eq(y, ref[1], 1e-5);
  cr_assert_float_eq(z, ref[2], 1e-5);
  /* No fractions: bits 27 and 26 clear; higher bits of the word are ignored. */
  cr_assert_eq(kst_velo_cluster_id(5, word(767, 0, 255, 0) | 0xC0000000u),
               (2u << 28) | (5u << 18) | (2u << 16) | (255u << 8) | 255u);
}

/* Writes events: 0 good, 1 count word too small, 2 sensor 250, 3 column 800, 4 good, 5 two banks for sensor 9. */
static void write_bad_file(const char *path, uint64_t *good_hits) {
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  *good_hits = 0;
  for (uint32_t e = 0; e < 6; ++e) {
    uint32_t a[6] = {5, word(10, 0, 10, 0), word(20, 1, 30, 2), word(400, 0, 100, 1), word(700, 3, 5, 0), word(1, 1, 1, 1)};
    uint32_t b[3] = {2, word(50, 0, 60, 0), word(51, 0, 60, 0)};
    uint16_t sensor_b = (uint16_t)(10 + 4 * e);
    if (e == 1) a[0] = 3;
    if (e == 2) sensor_b = 250;
    if (e == 3) b[2] = word(800, 0, 0, 0);
    if (e == 5) sensor_b = 9;
    kst_mdf_bank_out banks[2] = {{73, 3, 9, a, sizeof a}, {73, 3, sensor_b, b, sizeof b}};
    if (e == 0 || e == 4) *good_hits += 7;
    cr_assert_eq(kst_mdf_write_event(w, 1, e, e, banks, 2).code, KST_OK);
  }
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
}

static const kst_counter *counter(const kst_run_result *r, const kst_sequence *s, const char *name) {
  const kst_counter *c = kst_result_counter(r, s, "velo_hit_check", name);
  cr_assert_not_null(c, "counter %s", name);
  return c;
}

static void run(const char *path, kst_run_options o, kst_sequence *seq, kst_run_result *r) {
  kst_problems pb;
  kst_event_source src;
  cr_assert_eq(kst_sequence_load(seq, "sequences/velo_decoding.json", &pb).code, KST_OK);
  kst_problems_free(&pb);
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  o.validate = 1;
  kst_status s = kst_run(seq, &src, &o, r);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  kst_events_free(&src);
}

Test(velo_decoding, malformed_banks_flag_their_event_and_the_others_go_on) {
  char path[] = "/tmp/kst_velo_XXXXXX";
  close(mkstemp(path));
  uint64_t good;
  write_bad_file(path, &good);
  for (uint32_t batch = 1; batch <= 6; batch += 5) {
    kst_sequence seq;
    kst_run_result r;
    run(path, (kst_run_options){.batch_size = batch, .debug_memory = 1}, &seq, &r);
    cr_assert_eq(counter(&r, &seq, "error:events_with_bad_velo_banks")->values[0], 4);
    cr_assert_eq(counter(&r, &seq, "hits")->values[0], good, "only the two good events keep hits");
    /* The accounting balances, reason by reason, and the first rejections name file, record, byte, bank and why. */
    kst_accounting a;
    kst_status as = kst_run_accounting(&r, &seq, &a);
    cr_assert_eq(as.code, KST_OK, "%s", as.msg);
    cr_assert(a.read == 6 && a.accepted == 2 && a.rejected == 4, "%llu = %llu + %llu", (unsigned long long)a.read,
              (unsigned long long)a.accepted, (unsigned long long)a.rejected);
    const char *reasons[] = {"velo_bank_count_word", "velo_bank_sensor", "velo_bank_column"};
    const uint64_t events[] = {1, 2, 1};
    cr_assert_eq(a.n_reasons, 3);
    for (int k = 0; k < 3; ++k) {
      uint32_t i = 0;
      while (i < a.n_reasons && strcmp(a.reasons[i].reason, reasons[k])) ++i;
      cr_assert(i < a.n_reasons && a.reasons[i].events == events[k], "%s", reasons[k]);
    }
    cr_assert_eq(r.rejected.count, 4);
    cr_assert_eq(r.rejected.n_lines, 4);
    char want[256];
    snprintf(want, sizeof want, "%s record 2 (byte ", path);
    cr_assert(strstr(r.rejected.lines[1], want) && strstr(r.rejected.lines[1], "bank type 73 source 250: sensor 250 out of range"),
              "%s", r.rejected.lines[1]);
    kst_run_result_free(&r, &seq);
    kst_sequence_free(&seq);
  }
  unlink(path);
}

Test(velo_decoding, real_sample_ids_agree_with_mc_both_ways_for_any_threads_and_batches) {
  if (access(REAL_MDF, R_OK) != 0 || access(REAL_GEOMETRY, R_OK) != 0)
    cr_skip("../shared/data not present: the 100%% decoding check on real LHCb data is skipped");
  const kst_run_options variants[] = {{.threads = 1, .geometry = REAL_GEOMETRY},
                                      {.threads = 2, .batch_size = 3, .geometry = REAL_GEOMETRY},
                                      {.threads = 2, .batch_size = 1, .geometry = REAL_GEOMETRY}};
  uint64_t hash = 0;
  for (int v = 0; v < 3; ++v) {
    kst_sequence seq;
    kst_run_result r;
    run(REAL_MDF, variants[v], &seq, &r);
    cr_assert_eq(counter(&r, &seq, "hits")->values[0], 20652);
    cr_assert_eq(counter(&r, &seq, "hits_from_mc")->values[0], 20652, "every decoded id is an MC VELO id");
    cr_assert_eq(counter(&r, &seq, "mc_velo_ids")->values[0], 20652);
    cr_assert_eq(counter(&r, &seq, "mc_velo_ids_decoded")->values[0], 20652, "every MC VELO id is decoded");
    cr_assert_lt(counter(&r, &seq, "distance_to_plane_nm")->values[0], 20652 * 1000ull, "mean distance under 1 micron");
    uint64_t h = counter(&r, &seq, "container_hash")->values[0];
    if (v == 0) hash = h;
    cr_assert_eq(h, hash, "identical hit containers for any -t and batch size");
    kst_run_result_free(&r, &seq);
    kst_sequence_free(&seq);
  }
}

/* Runs velo_decoding over path with o and returns a counter of the hit checker. */
static uint64_t hit_counter(const char *path, kst_run_options o, const char *name) {
  kst_sequence seq;
  kst_run_result r;
  run(path, o, &seq, &r);
  uint64_t v = counter(&r, &seq, name)->values[0];
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  return v;
}

Test(velo_decoding, repeated_cluster_words_keep_distinct_slots) {
  char path[] = "/tmp/kst_velo_XXXXXX";
  close(mkstemp(path));
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  for (uint32_t e = 0; e < 4; ++e) {
    /* The same word twice in one bank: equal phi and LHCbID. */
    uint32_t a[5] = {4, word(30, 1, 40, 2), word(30, 1, 40, 2), word(31, 0, 41, 0), word(500, 2, 200, 1)};
    kst_mdf_bank_out bank = {73, 3, (uint16_t)(20 + e), a, sizeof a};
    cr_assert_eq(kst_mdf_write_event(w, 1, e, e, &bank, 1).code, KST_OK);
  }
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
  const uint64_t h1 = hit_counter(path, (kst_run_options){.batch_size = 1}, "container_hash");
  const uint64_t h4 = hit_counter(path, (kst_run_options){.batch_size = 4, .threads = 2}, "container_hash");
  cr_assert_eq(h1, h4, "every slot written: the container does not depend on the batch");
  cr_assert_eq(hit_counter(path, (kst_run_options){.batch_size = 4}, "hits"), 16);
  unlink(path);
}

/* velo_pv counters of one run: hits, tracks, vertices. */
static void velo_pv_counts(kst_run_options o, uint64_t out[3]) {
  kst_sequence seq;
  kst_problems pb;
  kst_event_source src;
  kst_run_result r;
  const char *paths[] = {REAL_MDF};
  cr_assert_eq(kst_sequence_load(&seq, "sequences/velo_pv.json", &pb).code, KST_OK);
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  o.geometry = REAL_GEOMETRY;
  cr_assert_eq(kst_run(&seq, &src, &o, &r).code, KST_OK);
  out[0] = kst_result_counter(&r, &seq, "velo_summary", "velo_hits")->values[0];
  out[1] = kst_result_counter(&r, &seq, "velo_summary", "velo_tracks")->values[0];
  out[2] = kst_result_counter(&r, &seq, "pv_summary", "primary_vertices")->values[0];
  kst_run_result_free(&r, &seq);
  kst_events_free(&src);
  kst_sequence_free(&seq);
  kst_problems_free(&pb);
}

Test(velo_decoding, compute_only_repetitions_read_the_batch_copied_once) {
  if (access(REAL_MDF, R_OK) != 0 || access(REAL_GEOMETRY, R_OK) != 0)
    cr_skip("../shared/data not present: repetition check skipped");
  uint64_t once[3], again[3];
  velo_pv_counts((kst_run_options){.batch_size = 4}, once);
  /* The last repetition is the one summarised; its input was copied by the first. */
  velo_pv_counts((kst_run_options){.batch_size = 4, .repetitions = 3, .no_transfer = 1, .preload = 1}, again);
  for (int i = 0; i < 3; ++i) cr_assert_eq(again[i], once[i], "counter %d: %llu vs %llu", i, (unsigned long long)again[i], (unsigned long long)once[i]);
  cr_assert_gt(once[1], 2000);
}

Test(velo_decoding, corrupt_mc_truth_is_counted_and_the_run_goes_on) {
  char path[] = "/tmp/kst_velo_XXXXXX";
  close(mkstemp(path));
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  uint32_t a[2] = {1, word(30, 1, 40, 2)};
  uint32_t mc[3] = {5, 1, 2}; /* claims 5 particles, holds none */
  kst_mdf_bank_out banks[2] = {{73, 3, 8, a, sizeof a}, {32, 2, 0, mc, sizeof mc}};
  cr_assert_eq(kst_mdf_write_event(w, 1, 0, 0, banks, 2).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 1, 1, 1, banks, 1).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
  cr_assert_eq(hit_counter(path, (kst_run_options){0}, "error:events_with_bad_mc_truth"), 1);
  cr_assert_eq(hit_counter(path, (kst_run_options){0}, "hits"), 1, "the good event is checked");
  unlink(path);
}

/* Runs the sequence json on the hand-made bad file with options o; returns kst_run's status. */
static kst_status run_json_on_bad_file(const char *json, kst_run_options o) {
  char path[] = "/tmp/kst_velo_XXXXXX";
  close(mkstemp(path));
  uint64_t good;
  write_bad_file(path, &good);
  kst_sequence seq;
  kst_problems pb;
  kst_event_source src;
  kst_run_result r;
  cr_assert_eq(kst_sequence_parse(&seq, json, "t.json", &pb).code, KST_OK);
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  const kst_status s = kst_run(&seq, &src, &o, &r);
  kst_run_result_free(&r, &seq);
  kst_events_free(&src);
  kst_sequence_free(&seq);
  kst_problems_free(&pb);
  unlink(path);
  return s;
}

Test(velo_decoding, a_sequence_without_retina_banks_is_a_clear_error) {
  const char *json = "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"banks\", \"properties\": {\"bank_type\": 74}},"
                     "{\"type\": \"bank_item_offsets\", \"name\": \"offsets\"}, {\"type\": \"event_list_init\", \"name\": \"ev\"},"
                     "{\"type\": \"velo_count_hits\", \"name\": \"count\"}, {\"type\": \"velo_decode\", \"name\": \"hits\"}]}";
  const kst_status s = run_json_on_bad_file(json, (kst_run_options){0});
  cr_assert_eq(s.code, KST_ERR_CONFIG);
  cr_assert(strstr(s.msg, "offsets (bank_item_offsets)") && strstr(s.msg, "no banks of type 73"), "%s", s.msg);
}

Test(velo_decoding, an_input_bound_to_the_wrong_buffer_is_a_clear_error) {
  /* dev_module_offsets bound to the per-event cluster offsets: the element type matches, the count cannot. */
  const char *json = "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"banks\"},"
                     "{\"type\": \"bank_item_offsets\", \"name\": \"offsets\"}, {\"type\": \"event_list_init\", \"name\": \"ev\"},"
                     "{\"type\": \"velo_count_hits\", \"name\": \"count\"}, {\"type\": \"velo_decode\", \"name\": \"hits\","
                     "\"inputs\": {\"dev_module_offsets\": \"offsets.dev_item_offsets\"}}]}";
  const kst_status s = run_json_on_bad_file(json, (kst_run_options){.batch_size = 6});
  cr_assert_eq(s.code, KST_ERR_CONFIG);
  cr_assert(strstr(s.msg, "hits (velo_decode)") && strstr(s.msg, "dev_module_offsets has 7 elements where 318 are needed"),
            "%s", s.msg);
}

Test(velo_decoding, portable_atan2_matches_libm_in_every_octant_and_at_the_origin) {
  double worst = 0.0;
  for (float a = -3.14f; a < 3.14f; a += 0.0013f)
    for (float r = 0.5f; r < 100.0f; r *= 3.7f) {
      const float x = r * cosf(a), y = r * sinf(a);
      const double d = fabs((double)kst_atan2f(y, x) - atan2((double)y, (double)x));
      if (d > worst) worst = d;
    }
  cr_assert_lt(worst, 3e-7, "largest error %g rad (float rounding near pi is 1.2e-7 a step)", worst);
  cr_assert_eq(kst_atan2f(0.0f, 0.0f), 0.0f, "the origin gives 0");
  cr_assert_eq(kst_atan2f(0.0f, -2.0f), 3.14159265359f, "the negative x axis gives pi, not -pi");
  cr_assert_float_eq(kst_atan2f(2.0f, 0.0f), 1.57079632679f, 1e-7);
  cr_assert_float_eq(kst_atan2f(-2.0f, 0.0f), -1.57079632679f, 1e-7);
}

/* One event holding the given banks, read back as an MDF event (the file stays open in *f). */
static kst_mdf_event one_event(const char *path, const kst_mdf_bank_out *banks, uint32_t n, kst_mdf_file *f) {
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 1, 0, 0, banks, n).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
  kst_mdf_event ev;
  int done = 0;
  cr_assert_eq(kst_mdf_open(f, path).code, KST_OK);
  cr_assert_eq(kst_mdf_next(f, &ev, &done).code, KST_OK);
  return ev;
}

Test(velo_decoding, a_rejected_event_is_explained_by_bank_and_reason) {
  char path[] = "/tmp/kst_velo_XXXXXX";
  close(mkstemp(path));
  uint32_t good[2] = {1, word(30, 1, 40, 2)}, wrong_count[2] = {3, word(30, 1, 40, 2)}, column[2] = {1, word(800, 0, 4, 0)};
  const struct {
    kst_mdf_bank_out banks[2];
    uint32_t n;
    const char *why;
  } cases[] = {
      {{{73, 3, 250, good, sizeof good}}, 1, "bank type 73 source 250: sensor 250 out of range (0..207)"},
      {{{73, 3, 9, good, sizeof good}, {73, 3, 9, good, sizeof good}}, 2, "bank type 73 source 9: a second bank for sensor 9"},
      {{{73, 2, 9, good, sizeof good}}, 1, "bank type 73 source 9: version 2, not 3"},
      {{{73, 3, 9, wrong_count, sizeof wrong_count}}, 1, "count word 3 for a payload of 8 bytes"},
      {{{73, 3, 9, column, sizeof column}}, 1, "cluster 0 at column 800, past the sensor's 768"},
  };
  for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    kst_mdf_file f;
    const kst_mdf_event ev = one_event(path, cases[c].banks, cases[c].n, &f);
    char why[256];
    cr_assert_eq(kst_velo_bank_problem(&ev, 73, why, sizeof why), 1, "case %u", c);
    cr_assert(strstr(why, cases[c].why), "case %u: %s", c, why);
    cr_assert_str_eq(ev.file, path);
    kst_mdf_close(&f);
  }
  kst_mdf_file f;
  const kst_mdf_bank_out fine = {73, 3, 9, good, sizeof good};
  const kst_mdf_event ev = one_event(path, &fine, 1, &f);
  char why[256];
  cr_assert_eq(kst_velo_bank_problem(&ev, 73, why, sizeof why), 0, "a good bank has no problem");
  kst_mdf_close(&f);
  unlink(path);
}

Test(velo_decoding, a_rejected_event_stays_out_of_the_checkers_denominators, .timeout = 120, .init = cr_redirect_stderr) {
  /* Five simulated events, then the same five with event 2's first VELO bank moved to sensor 250. */
  char clean[] = "/tmp/kst_velo_XXXXXX", broken[] = "/tmp/kst_velo_XXXXXX", four[] = "/tmp/kst_velo_XXXXXX";
  close(mkstemp(clean)), close(mkstemp(broken)), close(mkstemp(four));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 5, clean, NULL).code, KST_OK);
  kst_mdf_file f;
  kst_mdf_writer *wb, *w4;
  cr_assert_eq(kst_mdf_open(&f, clean).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_open(&wb, broken).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_open(&w4, four).code, KST_OK);
  static kst_mdf_bank_out banks[4096];
  for (uint32_t e = 0; e < 5; ++e) {
    kst_mdf_event ev;
    int done = 0;
    cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
    uint32_t pos = 0, n = 0;
    int moved = 0;
    kst_mdf_bank b;
    while (kst_mdf_bank_next(&ev, &pos, &b) && n < 4096) {
      banks[n] = (kst_mdf_bank_out){b.type, b.version, b.source_id, b.payload, b.payload_size};
      if (e == 2 && b.type == 73 && !moved) banks[n].source_id = 250, moved = 1;
      ++n;
    }
    cr_assert_eq(kst_mdf_write_event(wb, ev.run, ev.orbit, ev.bunch, banks, n).code, KST_OK);
    if (e != 2) cr_assert_eq(kst_mdf_write_event(w4, ev.run, ev.orbit, ev.bunch, banks, n).code, KST_OK);
  }
  kst_mdf_close(&f);
  cr_assert_eq(kst_mdf_writer_close(wb).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_close(w4).code, KST_OK);
  kst_sequence seq;
  kst_run_result rb, r4;
  velo_load(&seq, "sequences/velo_pv.json");
  velo_run(&seq, broken, (kst_run_options){.validate = 1}, &rb);
  velo_run(&seq, four, (kst_run_options){.validate = 1}, &r4);
  cr_assert_eq(kst_result_counter(&rb, &seq, "velo_summary", "error:events_with_bad_velo_banks")->values[0], 1);
  kst_track_category_stats sb, s4;
  cr_assert_eq(kst_track_checker_category(velo_checker(&rb, &seq, "velo_track_check"), 0, &sb).code, KST_OK);
  cr_assert_eq(kst_track_checker_category(velo_checker(&r4, &seq, "velo_track_check"), 0, &s4).code, KST_OK);
  cr_assert(sb.total == s4.total && sb.found == s4.found,
            "the rejected event's particles are not counted: %llu/%llu against %llu/%llu", (unsigned long long)sb.found, (unsigned long long)sb.total,
            (unsigned long long)s4.found, (unsigned long long)s4.total);
  fflush(stderr);
  kst_run_result_free(&rb, &seq);
  kst_run_result_free(&r4, &seq);
  kst_sequence_free(&seq);
  unlink(clean), unlink(broken), unlink(four);
}
