/* Long tracks: the checker's matching on hand-made events, one synthetic track through the forward search, and the
   floors of efficiency, ghosts and momentum resolution on the LHCb sample. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "checker/long_track_checker.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/velo_tracks.h"
#include "host/runtime/harness.h"
#include "velo_run.h"

#define DETECTOR "../shared/data/lhcb/detector/"

Test(long_tracks, the_checker_matches_on_70_percent_of_velo_and_scifi_hits) {
  /* One long particle of 10 GeV with 4 VELO and 10 SciFi ids. */
  uint32_t ids[14];
  for (uint32_t i = 0; i < 4; ++i) ids[i] = (2u << 28) | (100u + i);
  for (uint32_t i = 0; i < 10; ++i) ids[4 + i] = (5u << 28) | (200u + i);
  kst_mc_particle q;
  memset(&q, 0, sizeof q);
  q.pid = 211, q.p = 10000.0f, q.pt = 1200.0f, q.eta = 3.0f, q.charge = 1.0f, q.is_long = 1;
  q.velo_first = 0, q.n_velo = 4, q.scifi_first = 4, q.n_scifi = 10;
  kst_mc_event mc = {&q, 1, ids, 14, NULL, 0};
  /* Its own hits with 8 of 10 SciFi ids (found, p 1% high), the same again (a clone), and a track with 6 of 10 SciFi
     ids from it and 4 foreign (a ghost). */
  uint32_t foreign[10];
  for (uint32_t i = 0; i < 10; ++i) foreign[i] = i < 6 ? ids[4 + i] : (5u << 28) | (900u + i);
  const kst_long_track_view tracks[3] = {{ids, ids + 4, 4, 8, 1.0f / 10100.0f},
                                         {ids, ids + 4, 4, 8, 1.0f / 10100.0f},
                                         {ids, foreign, 4, 10, 1.0f / 10000.0f}};
  kst_long_track_checker *c = kst_long_track_checker_new();
  cr_assert_eq(kst_long_track_checker_add_event(c, &mc, tracks, 3).code, KST_OK);
  kst_long_category_stats s;
  cr_assert_eq(kst_long_track_checker_category(c, KST_LONG_CAT_P5_PT1, &s).code, KST_OK);
  cr_assert(s.found == 1 && s.total == 1 && s.clones == 1, "found %llu of %llu, %llu clones", (unsigned long long)s.found,
            (unsigned long long)s.total, (unsigned long long)s.clones);
  uint64_t n, ghosts;
  kst_long_track_checker_ghosts(c, &n, &ghosts);
  cr_assert(n == 3 && ghosts == 1);
  kst_long_momentum_stats m;
  cr_assert_eq(kst_long_track_checker_momentum(c, 2, &m).code, KST_OK);
  cr_assert(m.tracks == 1 && fabs(m.median - 0.01) < 1e-4 && m.wrong_charge == 0, "dp/p %g", m.median);
  kst_long_track_checker_free(c);
}

/* x at z of a track leaving the VELO line (x0, z0, tx) with slope change dtx under forward_tracking's default model. */
static float model_x(float x0, float z0, float tx, float dtx, float z) {
  const float dz = z - 8520.0f, kick = 5201.34f + 371.2f * dtx * dtx - 443.46f * tx * tx;
  return x0 + tx * (z - z0) + dtx * ((z - kick) + 2.1628e-05f * dz * dz * (1.0f - 0.00028f * dz));
}

Test(long_tracks, a_synthetic_track_through_the_model_is_found_with_its_twelve_hits_and_momentum) {
  if (access(DETECTOR "polarity.bin", R_OK) != 0) cr_skip_test("../shared/data not present: the magnet polarity is needed");
  /* A positive 10 GeV track (slope change +0.1223 for polarity -1) at y = 100 mm, hits on every layer's top half. */
  const float x0 = 10.0f, z0 = 600.0f, tx = 0.02f, ty = 0.012f, dtx = 0.12228f;
  static const float zl[12] = {7826.1f, 7895.9f, 7966.1f, 8035.9f, 8508.1f, 8577.9f,
                               8648.1f, 8717.9f, 9193.1f, 9262.9f, 9333.1f, 9402.9f};
  const float sl[4] = {0.0f, 0.0874892f, -0.0874892f, 0.0f};
  static uint8_t hit_bytes[12 * sizeof(kst_scifi_hit_bytes)];
  const kst_scifi_hits hits = kst_scifi_hits_out_view((kst_scifi_hit_bytes *)hit_bytes, 12);
  uint32_t off[KST_SCIFI_OFFSETS_PER_EVENT];
  for (uint32_t l = 0; l < 12; ++l) {
    /* A stereo fibre's x at y = 0 is where it must be to pass through the track at the track's y. */
    const float y = 100.0f + ty * (zl[l] - z0), x = model_x(x0, z0, tx, dtx, zl[l]);
    hits.x[l] = x - sl[l % 4] * y, hits.z[l] = zl[l], hits.dxdy[l] = sl[l % 4], hits.dzdy[l] = 0.0f;
    hits.y_min[l] = 0.0f, hits.y_max[l] = 2400.0f, hits.weight[l] = 35.0f, hits.id[l] = (5u << 28) | l, hits.zone[l] = (uint8_t)(2 * l + 1);
  }
  /* Layer l's hit is zone 2l + 1 (top half); the bottom zones are empty. */
  for (uint32_t z = 0; z <= KST_SCIFI_ZONES; ++z) off[z] = z / 2u;
  kst_velo_state st;
  memset(&st, 0, sizeof st);
  st.x = x0, st.y = 100.0f, st.z = z0, st.tx = tx, st.ty = ty;
  const kst_event_list_word list[2] = {1, 0};
  const uint32_t toff[2] = {0, 1}, velo_hits = 10;
  const kst_harness_input in[] = {{"dev_event_list", list, 2}, {"dev_velo_track_offsets", toff, 2},
                                  {"dev_velo_states_end", &st, 1}, {"dev_velo_track_n_hits", &velo_hits, 1},
                                  {"dev_scifi_hits", hit_bytes, 12}, {"dev_scifi_hit_offsets", off, KST_SCIFI_OFFSETS_PER_EVENT}};
  const char *cond[] = {"magnet_polarity=" DETECTOR "polarity.bin"};
  kst_harness h;
  cr_assert_eq(kst_harness_init(&h, "forward_tracking", NULL, cond, 1).code, KST_OK);
  kst_status s = kst_harness_run(&h, NULL, 1, in, 6);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  uint64_t n;
  const kst_long_track *l = kst_harness_get(&h, "dev_long_tracks", &n);
  const uint32_t *found = kst_harness_get(&h, "dev_long_scifi_hits", &n);
  cr_assert_eq(l->n_hits, 12, "%u hits", l->n_hits);
  for (uint32_t k = 0; k < 12; ++k) cr_assert_eq(found[k], k, "layer order");
  cr_assert(l->qop > 0.0f && fabsf(1.0f / l->qop - 10000.0f) < 300.0f, "p %g MeV", 1.0 / l->qop);
  kst_harness_free(&h);
}

Test(long_tracks, the_lhcb_sample_meets_the_floors, .timeout = 300) {
  if (access(DETECTOR "scifi_geometry.bin", R_OK) != 0) cr_skip_test("../shared/data not present: the long-track floors are skipped");
  kst_sequence seq;
  velo_load(&seq, "sequences/long.json");
  kst_run_result r;
  velo_run(&seq, REAL_MDF, (kst_run_options){.validate = 1}, &r);
  const int i = kst_sequence_find(&seq, "long_track_check");
  cr_assert(i >= 0 && r.accumulators[i]);
  const kst_long_track_checker *c = (const kst_long_track_checker *)r.accumulators[i];
  kst_long_category_stats p5, p5pt1;
  kst_long_track_checker_category(c, KST_LONG_CAT_P5, &p5);
  kst_long_track_checker_category(c, KST_LONG_CAT_P5_PT1, &p5pt1);
  uint64_t n, ghosts;
  kst_long_track_checker_ghosts(c, &n, &ghosts);
  kst_long_momentum_stats m;
  kst_long_track_checker_momentum(c, KST_LONG_P_BINS, &m);
  cr_assert_eq(p5.total, 416, "the sample's long particles above 5 GeV");
  cr_assert_eq(p5pt1.total, 88);
  /* Floors of what the search reaches today (docs/long.md): the goals are 90%, 95%, 4%. */
  cr_assert_geq(p5.efficiency, 0.77, "long p > 5 GeV: %.1f%%", 100 * p5.efficiency);
  cr_assert_geq(p5pt1.efficiency, 0.88, "long p > 5 GeV, pT > 1 GeV: %.1f%%", 100 * p5pt1.efficiency);
  cr_assert_leq((double)ghosts / (double)n, 0.12, "ghosts %llu of %llu", (unsigned long long)ghosts, (unsigned long long)n);
  cr_assert_leq(p5.clone_rate, 0.01);
  cr_assert_leq(m.half_width_68, 0.010, "dp/p half-width %.2f%%", 100 * m.half_width_68);
  cr_assert_leq((double)m.wrong_charge, 0.005 * (double)m.tracks);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
}
