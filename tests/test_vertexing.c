/* Track fit, PV association and two-track vertices: a hand-made vertex through the kernel, capacities, and the
   figures on simulated B0 -> K+ pi- and minimum bias and on the LHCb sample against floors. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "checker/vertex_checker.h"
#include "configuration/geometry.h"
#include "device/common/kst_math.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_tracks.h"
#include "host/runtime/harness.h"
#include "input/simulation/generate.h"
#include "sim_downstream.h"
#include "velo_run.h"

#define PION 139.57039

Test(vertexing, kestrel_log_is_within_1e7_of_libm) {
  for (double x = 1e-6; x < 1e6; x *= 1.37) {
    const double r = kst_logf((float)x), want = log((double)(float)x);
    cr_assert(fabs(r - want) <= 1e-7 * fmax(1.0, fabs(want)) + 2e-7, "log(%g) = %.9g, libm %.9g", x, r, want);
  }
  cr_assert_eq(kst_logf(1.0f), 0.0f);
}

/* A straight track through point v with slopes (tx, ty) and momentum p (MeV, signed by charge), stated at z. */
static kst_velo_state through(const double v[3], float tx, float ty, float z) {
  kst_velo_state s;
  memset(&s, 0, sizeof s);
  s.x = (float)(v[0] + tx * (z - v[2])), s.y = (float)(v[1] + ty * (z - v[2])), s.z = z, s.tx = tx, s.ty = ty;
  s.c00 = s.c11 = 0.015f * 0.015f, s.c22 = s.c33 = 1e-8f;
  s.chi2 = 10.0f, s.ndof = 20;
  return s;
}

Test(vertexing, two_tracks_from_a_known_point_give_it_back_with_the_composite_and_capacities_hold, .timeout = 60) {
  const double v[3] = {0.8, -0.4, 30.0};
  const float slopes[4][2] = {{0.05f, 0.02f}, {-0.03f, 0.04f}, {0.01f, -0.06f}, {0.02f, 0.01f}};
  /* pT 1.6, 0.25, 1.2 GeV and 8 MeV: the last fails the prefilter, and every pair has a daughter above 1 GeV */
  const float qop[4] = {1.0f / 30000.0f, -1.0f / 5000.0f, 1.0f / 20000.0f, 1.0f / 150.0f};
  kst_velo_state states[4];
  kst_long_track longs[4];
  kst_track_pv assoc[4];
  memset(longs, 0, sizeof longs);
  for (int i = 0; i < 4; ++i) {
    states[i] = through(v, slopes[i][0], slopes[i][1], 10.0f + 5.0f * i);
    longs[i].qop = qop[i], longs[i].n_hits = 12;
    assoc[i] = (kst_track_pv){0, 0.5f, 100.0f};
  }
  const kst_pv pv = {0.0f, 0.0f, 0.0f, {1e-4f, 0.0f, 1e-4f, 0.0f, 0.0f, 4e-3f}, 1.0f, 10, 20};
  const uint32_t list[2] = {1, 0}, offsets[2] = {0, 4}, pv_count = 1;
  const kst_harness_input in[7] = {{"dev_event_list", list, 2},       {"dev_velo_track_offsets", offsets, 2},
                                   {"dev_long_tracks", longs, 4},     {"dev_long_states_beam", states, 4},
                                   {"dev_track_pv", assoc, 4},        {"dev_pvs", &pv, 1},
                                   {"dev_pv_counts", &pv_count, 1}};
  kst_harness h;
  cr_assert_eq(kst_harness_init(&h, "two_track_vertices", NULL, NULL, 0).code, KST_OK);
  kst_status st = kst_harness_run(&h, NULL, 1, in, 7);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  uint64_t n;
  const uint32_t *count = kst_harness_get(&h, "dev_sv_counts", &n);
  const uint32_t *flags = kst_harness_get(&h, "dev_sv_flags", &n);
  const kst_sv *sv = kst_harness_get(&h, "dev_svs", &n);
  cr_assert(count[0] == 3 && flags[0] == 0, "three pairs of the three good tracks: %u, flags %u", count[0], flags[0]);
  cr_assert(sv[0].a == 0 && sv[0].b == 1 && sv[1].a == 0 && sv[1].b == 2 && sv[2].a == 1 && sv[2].b == 2, "pair order");
  const kst_sv *s = &sv[0];
  cr_assert(fabs(s->x - v[0]) < 1e-4 && fabs(s->y - v[1]) < 1e-4 && fabs(s->z - v[2]) < 2e-3, "vertex at %g %g %g", s->x,
            s->y, s->z);
  cr_assert(s->chi2 < 1e-3 && s->doca < 1e-4, "chi2 %g doca %g", s->chi2, s->doca);
  /* the composite, recomputed here in double */
  double pa[3], pb[3], P[3];
  for (int i = 0; i < 2; ++i) {
    const double tx = slopes[i][0], ty = slopes[i][1], p = 1.0 / fabs(qop[i]), nn = sqrt(1 + tx * tx + ty * ty);
    double *d = i ? pb : pa;
    d[0] = p * tx / nn, d[1] = p * ty / nn, d[2] = p / nn;
  }
  for (int k = 0; k < 3; ++k) P[k] = pa[k] + pb[k];
  const double ea = sqrt(9e8 + PION * PION), eb = sqrt(25e6 + PION * PION);
  const double m = sqrt((ea + eb) * (ea + eb) - (P[0] * P[0] + P[1] * P[1] + P[2] * P[2]));
  const double pt = hypot(P[0], P[1]), fd = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  const double dira = (v[0] * P[0] + v[1] * P[1] + v[2] * P[2]) / (fd * sqrt(pt * pt + P[2] * P[2]));
  cr_assert(fabs(s->mass - m) < 1e-3 * m, "mass %g, expected %g", s->mass, m);
  cr_assert(fabs(s->pt - pt) < 1e-4 * pt && fabs(s->fd - fd) < 1e-3 && fabs(s->dira - dira) < 1e-5, "pt %g fd %g dira %g",
            s->pt, s->fd, s->dira);
  cr_assert(s->mcor >= s->mass && s->pv == 0 && s->charge == 0 && s->fd_chi2 > 100.0f);
  kst_harness_free(&h);

  /* Capacity 1: the first pair stays, and the event says it lost some. */
  cr_assert_eq(kst_harness_init(&h, "two_track_vertices", "{\"max_svs\": 1}", NULL, 0).code, KST_OK);
  cr_assert_eq(kst_harness_run(&h, NULL, 1, in, 7).code, KST_OK);
  count = kst_harness_get(&h, "dev_sv_counts", &n);
  flags = kst_harness_get(&h, "dev_sv_flags", &n);
  sv = kst_harness_get(&h, "dev_svs", &n);
  cr_assert(count[0] == 1 && (flags[0] & KST_SV_OVERFLOW) && sv[0].a == 0 && sv[0].b == 1);
  kst_harness_free(&h);
}



static const kst_vertex_checker *vertex_checker(const kst_run_result *r, const kst_sequence *seq) {
  const int i = kst_sequence_find(seq, "vertex_check");
  cr_assert(i >= 0 && r->accumulators[i]);
  return (const kst_vertex_checker *)r->accumulators[i];
}

Test(vertexing, simulated_b0_to_kpi_vertices_and_impact_parameters_meet_the_floors, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_vtx_XXXXXX";
  close(mkstemp(path));
  generate_downstream(path, 21, 400, "B0->K+pi-");
  kst_sequence seq;
  velo_load(&seq, "sequences/hlt1_reco.json");
  kst_run_result r, r2;
  velo_run(&seq, path, (kst_run_options){.validate = 1, .detector_dir = DETECTOR}, &r);
  const kst_vertex_checker *c = vertex_checker(&r, &seq);
  kst_sv_stats v;
  kst_vertex_checker_sv(c, &v);
  double a, b, px, py;
  kst_vertex_checker_ip_fit(c, 1, 0, &a, &b);
  kst_vertex_checker_ip_pulls(c, &px, &py);
  const double eff = (double)v.vertex_found / (double)v.both_found;
  cr_log_info("B0 -> K+ pi-: %llu pairs, %llu with both tracks, %llu vertices (%.1f%%); z resolution %.0f um, pulls %.2f "
              "%.2f %.2f; IP x %.1f + %.1f/pT um, pulls %.2f %.2f", (unsigned long long)v.pairs,
              (unsigned long long)v.both_found, (unsigned long long)v.vertex_found, 100 * eff, v.resolution[2],
              v.pull_width[0], v.pull_width[1], v.pull_width[2], a, b, px, py);
  cr_assert(v.both_found > 150);
  cr_assert_geq(eff, 0.85, "vertex efficiency for pairs with both tracks %.1f%%", 100 * eff);
  for (int k = 0; k < 3; ++k) cr_assert(v.pull_width[k] > 0.8 && v.pull_width[k] < 1.2, "pull %d: %.2f", k, v.pull_width[k]);
  cr_assert(v.resolution[2] < 250.0 && v.resolution[0] < 20.0, "resolution x %.1f z %.1f um", v.resolution[0], v.resolution[2]);
  cr_assert(a > 5.0 && a < 15.0 && b > 0.0 && b < 30.0, "IP resolution %.1f + %.1f/pT", a, b);
  cr_assert(px > 0.75 && px < 1.2 && py > 0.75 && py < 1.2, "IP pulls %.2f %.2f", px, py);
  /* the same vertices for any thread count and batch size */
  const uint64_t svs = kst_result_counter(&r, &seq, "sv_summary", "secondary_vertices")->values[0];
  velo_run(&seq, path, (kst_run_options){.validate = 1, .detector_dir = DETECTOR, .threads = 2, .batch_size = 13}, &r2);
  kst_sv_stats v2;
  kst_vertex_checker_sv(vertex_checker(&r2, &seq), &v2);
  cr_assert_eq(kst_result_counter(&r2, &seq, "sv_summary", "secondary_vertices")->values[0], svs);
  cr_assert(v2.vertex_found == v.vertex_found && v2.resolution[2] == v.resolution[2]);
  cr_assert_eq(kst_result_counter(&r, &seq, "sv_summary", "error:events_over_sv_capacity")->values[0], 0);
  kst_run_result_free(&r, &seq);
  kst_run_result_free(&r2, &seq);
  kst_sequence_free(&seq);
  unlink(path);
}

Test(vertexing, the_lhcb_sample_has_vertices_and_calibrated_impact_parameters, .timeout = 120) {
  need_detector();
  kst_sequence seq;
  velo_load(&seq, "sequences/hlt1_reco.json");
  kst_run_result r;
  velo_run(&seq, REAL_MDF, (kst_run_options){.validate = 1}, &r);
  const uint64_t svs = kst_result_counter(&r, &seq, "sv_summary", "secondary_vertices")->values[0];
  double px, py;
  kst_vertex_checker_ip_pulls(vertex_checker(&r, &seq), &px, &py);
  cr_log_info("LHCb sample: %llu vertices in 10 events, IP pulls %.2f %.2f", (unsigned long long)svs, px, py);
  cr_assert(svs > 50 && svs < 2000, "%llu vertices", (unsigned long long)svs);
  cr_assert_eq(kst_result_counter(&r, &seq, "sv_summary", "error:events_over_sv_capacity")->values[0], 0);
  cr_assert_eq(kst_result_counter(&r, &seq, "sv_summary", "error:events_over_sv_track_capacity")->values[0], 0);
  cr_assert(px > 0.85 && px < 1.25 && py > 0.85 && py < 1.25, "IP pulls %.2f %.2f", px, py);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
}
