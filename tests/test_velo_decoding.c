/* Tests of VELO decoding: the bit layout, malformed banks flagged per event, and 100% agreement on real data. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "device/decoding/velo_cluster.h"
#include "host/runtime/runtime.h"
#include "input/mdf.h"

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
