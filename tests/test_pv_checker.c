/* Tests for the primary-vertex checker: matching on hand-made vertices, definitions, merging, sums, JSON, plots. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "configuration/file.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checker/pv_checker.h"

#define EPS 1e-9
#define MAX_VTX 64

/* A hand-made event: MC vertices and reconstructed PVs side by side. */
typedef struct event {
  kst_mc_vertex mc[MAX_VTX];
  kst_mc_event ev;
  kst_pv_view pv[MAX_VTX];
  uint32_t n_pv;
} event;

static void ev_init(event *e) {
  memset(e, 0, sizeof *e);
  e->ev.vertices = e->mc;
}

static void mc_add(event *e, int32_t n_tracks, double x, double y, double z) {
  cr_assert_lt(e->ev.n_vertices, MAX_VTX);
  e->mc[e->ev.n_vertices++] = (kst_mc_vertex){n_tracks, x, y, z};
}

/* Appends a PV at (0, 0, z) with 10 um transverse errors and the given sigma_z; returns it for tweaks. */
static kst_pv_view *pv_add(event *e, float z, float cov_zz) {
  cr_assert_lt(e->n_pv, MAX_VTX);
  kst_pv_view *p = &e->pv[e->n_pv++];
  *p = (kst_pv_view){0.f, 0.f, z, 1e-4f, 1e-4f, cov_zz, 20, 30.f, 37};
  return p;
}

static void add(kst_pv_checker *c, const event *e) {
  kst_status st = kst_pv_checker_add_event(c, &e->ev, e->pv, e->n_pv);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
}

static kst_pv_stats stats_of(const event *e, uint32_t min_tracks) {
  kst_pv_checker *c = kst_pv_checker_new();
  cr_assert_not_null(c);
  cr_assert_eq(kst_pv_checker_set_min_tracks(c, min_tracks).code, KST_OK);
  add(c, e);
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  kst_pv_checker_free(c);
  return s;
}

/* Five MC PVs (one with 3 tracks) and five reconstructed: a found PV, its clone, a found close PV, a
 * false PV on the 3-track vertex and a real false one. */
static void sample(event *e) {
  ev_init(e);
  mc_add(e, 10, 0.0, 0.0, -100.0); /* A: isolated, found twice */
  mc_add(e, 10, 0.0, 0.0, -40.0);  /* B: close to C, found */
  mc_add(e, 10, 0.0, 0.0, -35.0);  /* C: close to B, lost */
  mc_add(e, 3, 0.0, 0.0, 0.0);     /* D: visible, not reconstructible */
  mc_add(e, 10, 0.0, 0.0, 60.0);   /* E: isolated, lost */
  pv_add(e, -100.02f, 0.0025f);
  pv_add(e, -99.9f, 0.0025f);
  pv_add(e, -40.05f, 0.0025f);
  pv_add(e, 0.01f, 0.0025f);
  pv_add(e, 30.f, 0.01f);
}

Test(pv_checker, matching_counts) {
  event e;
  sample(&e);
  kst_pv_stats s = stats_of(&e, KST_PV_MIN_TRACKS_DEFAULT);
  cr_assert_eq(s.min_tracks, 4);
  cr_assert_eq(s.events, 1);
  cr_assert_eq(s.mc_vertices, 5);
  cr_assert_eq(s.reco_vertices, 5);
  cr_assert_eq(s.reconstructible, 4);
  cr_assert_eq(s.found, 2);
  cr_assert_eq(s.isolated, 2);
  cr_assert_eq(s.found_isolated, 1);
  cr_assert_eq(s.close, 2);
  cr_assert_eq(s.found_close, 1);
  cr_assert_eq(s.false_pvs, 2);
  cr_assert_eq(s.false_real, 1, "the PV on the 3-track vertex is explained");
  cr_assert_eq(s.clones, 1);
  cr_assert_eq(s.unusable, 0);
  cr_assert_float_eq(s.efficiency, 0.5, EPS);
  cr_assert_float_eq(s.efficiency_isolated, 0.5, EPS);
  cr_assert_float_eq(s.efficiency_close, 0.5, EPS);
  cr_assert_float_eq(s.false_rate, 0.4, EPS);
  cr_assert_float_eq(s.false_real_rate, 0.2, EPS);
  cr_assert_float_eq(s.clone_rate, 0.5, EPS);
  /* Resolution from the first PV on A (-0.02 mm), not its clone (+0.1 mm). */
  cr_assert_eq(s.resolution.n, 2);
  cr_assert_float_eq(s.resolution.mean_um[KST_PV_Z], (-20.0 - 50.0) / 2, 0.01); /* float z: ~2 nm off */
}

Test(pv_checker, five_sigma_boundary) {
  /* sigma_z = 0.25 and 5 sigma = 1.25 are exact in binary: |dz| == 5 sigma is outside. */
  const float below = nextafterf(11.25f, 0.f);
  const float zs[] = {11.25f, 8.75f, below, 8.75f + (11.25f - below)};
  const uint64_t want[] = {0, 0, 1, 1};
  for (int k = 0; k < 4; k++) {
    event e;
    ev_init(&e);
    mc_add(&e, 10, 0.0, 0.0, 10.0);
    pv_add(&e, zs[k], 0.0625f);
    kst_pv_stats s = stats_of(&e, 4);
    cr_assert_eq(s.found, want[k], "z %.9g", zs[k]);
    cr_assert_eq(s.false_pvs, 1 - want[k], "z %.9g", zs[k]);
  }
  /* A negative or NaN z error, or a NaN z, matches nothing. */
  const float bad[][2] = {{10.f, -1.f}, {10.f, NAN}, {NAN, 1.f}};
  for (int k = 0; k < 3; k++) {
    event e;
    ev_init(&e);
    mc_add(&e, 10, 0.0, 0.0, 10.0);
    pv_add(&e, bad[k][0], bad[k][1]);
    kst_pv_stats s = stats_of(&e, 4);
    cr_assert_eq(s.found, 0, "case %d", k);
    cr_assert_eq(s.false_pvs, 1, "case %d", k);
  }
}

Test(pv_checker, closest_wins_and_ties_take_lowest_index) {
  event e;
  ev_init(&e);
  mc_add(&e, 10, 0.0, 0.0, 0.0);
  mc_add(&e, 10, 0.0, 0.0, 0.5);
  pv_add(&e, 0.375f, 1.f); /* both inside 5 sigma; the second is closer */
  kst_pv_stats s = stats_of(&e, 4);
  cr_assert_eq(s.found, 1);
  cr_assert_float_eq(s.resolution.mean_um[KST_PV_Z], -125.0, 1e-6);

  ev_init(&e);
  mc_add(&e, 10, 0.0, 0.0, -1.0);
  mc_add(&e, 10, 0.0, 0.0, 1.0);
  pv_add(&e, 0.f, 1.f);
  s = stats_of(&e, 4);
  cr_assert_eq(s.found, 1);
  cr_assert_float_eq(s.resolution.mean_um[KST_PV_Z], 1000.0, 1e-6, "tie goes to MC PV 0 at z = -1");
}

Test(pv_checker, isolated_and_close_at_10mm) {
  const double second[] = {10.0, 10.5, 9.5};
  const uint64_t isolated[] = {0, 2, 0};
  for (int k = 0; k < 3; k++) {
    event e;
    ev_init(&e);
    mc_add(&e, 10, 0.0, 0.0, 0.0);
    mc_add(&e, 10, 0.0, 0.0, second[k]);
    kst_pv_stats s = stats_of(&e, 4);
    cr_assert_eq(s.isolated, isolated[k], "second PV at %g mm", second[k]);
    cr_assert_eq(s.close, 2 - isolated[k], "second PV at %g mm", second[k]);
  }
  /* An unreconstructible neighbour does not make a PV close, unless the threshold lets it count. */
  event e;
  ev_init(&e);
  mc_add(&e, 10, 0.0, 0.0, 0.0);
  mc_add(&e, 3, 0.0, 0.0, 5.0);
  kst_pv_stats s = stats_of(&e, 4);
  cr_assert_eq(s.isolated, 1);
  cr_assert_eq(s.close, 0);
  s = stats_of(&e, 3);
  cr_assert_eq(s.isolated, 0);
  cr_assert_eq(s.close, 2);
}

Test(pv_checker, min_tracks_threshold) {
  event e;
  ev_init(&e);
  mc_add(&e, 3, 0.0, 0.0, -50.0);
  mc_add(&e, 4, 0.0, 0.0, 0.0);
  mc_add(&e, 5, 0.0, 0.0, 50.0);
  mc_add(&e, 1, 0.0, 0.0, 100.0);  /* too few tracks even to be visible */
  mc_add(&e, -2, 0.0, 0.0, 150.0); /* nonsense count: never reconstructible */
  const float zs[] = {-50.f, 0.f, 50.f, 100.f, 150.f};
  for (int k = 0; k < 5; k++) pv_add(&e, zs[k], 0.01f);

  kst_pv_stats s = stats_of(&e, 4);
  cr_assert_eq(s.reconstructible, 2);
  cr_assert_eq(s.found, 2);
  cr_assert_eq(s.false_pvs, 3);
  cr_assert_eq(s.false_real, 2, "the 3-track PV explains one false PV, the 1- and -2-track ones do not");
  s = stats_of(&e, 5);
  cr_assert_eq(s.reconstructible, 1);
  cr_assert_eq(s.false_pvs, 4);
  cr_assert_eq(s.false_real, 2);
  s = stats_of(&e, 3);
  cr_assert_eq(s.reconstructible, 3);
  cr_assert_eq(s.found, 3);
  cr_assert_eq(s.false_real, 2);
  s = stats_of(&e, 0);
  cr_assert_eq(s.reconstructible, 4, "negative counts stay out even at 0");

  kst_pv_checker *c = kst_pv_checker_new();
  cr_assert_eq(kst_pv_checker_min_tracks(c), KST_PV_MIN_TRACKS_DEFAULT);
  add(c, &e);
  cr_assert_eq(kst_pv_checker_set_min_tracks(c, 5).code, KST_ERR_INVALID, "threshold fixed once counting");
  cr_assert_eq(kst_pv_checker_min_tracks(c), 4);
  kst_pv_checker_free(c);
}

Test(pv_checker, empty_events) {
  event e;
  ev_init(&e);
  mc_add(&e, 10, 0.0, 0.0, -20.0);
  mc_add(&e, 10, 0.0, 0.0, 20.0);
  kst_pv_checker *c = kst_pv_checker_new();
  cr_assert_eq(kst_pv_checker_add_event(c, &e.ev, NULL, 0).code, KST_OK);
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  cr_assert_eq(s.reconstructible, 2);
  cr_assert_eq(s.found, 0);
  cr_assert_eq(s.reco_vertices, 0);
  cr_assert_float_eq(s.efficiency, 0.0, EPS);
  cr_assert_float_eq(s.false_rate, 0.0, EPS, "no reconstructed PVs: 0, not NaN");
  cr_assert_float_eq(s.resolution.sigma_um[KST_PV_Z], 0.0, EPS);
  kst_pv_checker_free(c);

  kst_mc_event none = {0};
  event r;
  ev_init(&r);
  pv_add(&r, -5.f, 0.01f), pv_add(&r, 0.f, 0.01f), pv_add(&r, 5.f, 0.01f);
  c = kst_pv_checker_new();
  cr_assert_eq(kst_pv_checker_add_event(c, &none, r.pv, r.n_pv).code, KST_OK);
  cr_assert_eq(kst_pv_checker_add_event(c, &none, NULL, 0).code, KST_OK);
  kst_pv_checker_stats(c, &s);
  cr_assert_eq(s.events, 2);
  cr_assert_eq(s.reconstructible, 0);
  cr_assert_eq(s.false_pvs, 3);
  cr_assert_eq(s.false_real, 3);
  cr_assert_float_eq(s.false_rate, 1.0, EPS);
  cr_assert_float_eq(s.efficiency, 0.0, EPS);
  cr_assert_float_eq(s.clone_rate, 0.0, EPS);
  kst_pv_checker_free(c);
}

Test(pv_checker, invalid_arguments) {
  event e;
  sample(&e);
  kst_pv_checker *c = kst_pv_checker_new();
  cr_assert_eq(kst_pv_checker_add_event(NULL, &e.ev, e.pv, e.n_pv).code, KST_ERR_INVALID);
  cr_assert_eq(kst_pv_checker_add_event(c, NULL, e.pv, e.n_pv).code, KST_ERR_INVALID);
  cr_assert_eq(kst_pv_checker_add_event(c, &e.ev, NULL, 2).code, KST_ERR_INVALID);
  e.ev.vertices = NULL;
  cr_assert_eq(kst_pv_checker_add_event(c, &e.ev, e.pv, e.n_pv).code, KST_ERR_INVALID);
  cr_assert_eq(kst_pv_checker_merge(c, NULL).code, KST_ERR_INVALID);
  cr_assert_eq(kst_pv_checker_set_min_tracks(NULL, 3).code, KST_ERR_INVALID);
  cr_assert_eq(kst_pv_checker_write_json(c, NULL, NULL).code, KST_ERR_INVALID);
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  cr_assert_eq(s.events, 0, "failed calls count nothing");
  kst_pv_checker_free(c);
  kst_pv_checker_free(NULL);
}

/* Two PVs with known residuals: x 10 and 30 um, y -5 and -5 um, z 0 and 125 um; errors 10, 5, 125 um. */
static void resolution_sample(event *e) {
  ev_init(e);
  mc_add(e, 20, 0.0, 0.0, -48.0);
  mc_add(e, 20, 0.0, 0.0, 48.0);
  kst_pv_view *a = pv_add(e, -48.f, 0.015625f), *b = pv_add(e, 48.125f, 0.015625f);
  a->x = 0.010f, b->x = 0.030f;
  a->y = b->y = -0.005f;
  a->cov_yy = b->cov_yy = 0.000025f;
  a->n_tracks = 8, b->n_tracks = 12;
}

Test(pv_checker, resolution_and_pulls) {
  event e;
  resolution_sample(&e);
  kst_pv_stats s = stats_of(&e, 4);
  cr_assert_eq(s.found, 2);
  cr_assert_eq(s.resolution.n, 2);
  const double mean[3] = {20.0, -5.0, 62.5}, sigma[3] = {10.0, 0.0, 62.5};
  for (int a = 0; a < KST_PV_AXES; a++) {
    /* Residuals are whole nanometres here, so the exact sums give these to rounding of a double. */
    cr_assert_float_eq(s.resolution.mean_um[a], mean[a], 1e-9, "axis %d", a);
    cr_assert_float_eq(s.resolution.sigma_um[a], sigma[a], 1e-9, "axis %d", a);
  }
  cr_assert_eq(s.resolution_many.n, 1, "only the 12-track PV");
  const double many[3] = {30.0, -5.0, 125.0};
  for (int a = 0; a < KST_PV_AXES; a++) {
    cr_assert_float_eq(s.resolution_many.mean_um[a], many[a], 1e-9, "axis %d", a);
    cr_assert_float_eq(s.resolution_many.sigma_um[a], 0.0, 1e-9, "axis %d", a);
  }
  const double pmean[3] = {2.0, -1.0, 0.5}, pwidth[3] = {1.0, 0.0, 0.5};
  for (int a = 0; a < KST_PV_AXES; a++) {
    cr_assert_eq(s.pulls.n[a], 2);
    /* Pulls are rounded to 2^-20; the float errors 1e-4 and 2.5e-5 are off by < 1e-7 relative. */
    cr_assert_float_eq(s.pulls.mean[a], pmean[a], 2e-6, "axis %d: %.9f", a, s.pulls.mean[a]);
    cr_assert_float_eq(s.pulls.width[a], pwidth[a], 2e-6, "axis %d: %.9f", a, s.pulls.width[a]);
  }
}

Test(pv_checker, unusable_residuals_and_missing_errors) {
  event e;
  ev_init(&e);
  mc_add(&e, 20, 0.0, 0.0, -30.0);
  mc_add(&e, 20, 0.0, 0.0, 30.0);
  pv_add(&e, -30.f, 0.01f)->x = NAN; /* found, but no residual to sum */
  pv_add(&e, 30.f, 0.01f)->cov_xx = 0.f;  /* residual counts, x pull cannot */
  kst_pv_stats s = stats_of(&e, 4);
  cr_assert_eq(s.found, 2);
  cr_assert_eq(s.unusable, 1);
  cr_assert_eq(s.resolution.n, 1);
  cr_assert_eq(s.pulls.n[KST_PV_X], 0);
  cr_assert_eq(s.pulls.n[KST_PV_Y], 1);
  cr_assert_eq(s.pulls.n[KST_PV_Z], 1);
}

/* A small deterministic generator, so that the merge test covers varied events reproducibly. */
static uint64_t lcg(uint64_t *state) {
  *state = *state * 6364136223846793005ull + 1442695040888963407ull;
  return *state >> 33;
}

static double uniform(uint64_t *state, double lo, double hi) {
  return lo + (hi - lo) * (double)lcg(state) / 2147483648.0;
}

/* Event k of a fixed random sample: found, lost, cloned and fake PVs with varied errors and residuals. */
static void random_event(event *e, uint64_t k) {
  uint64_t st = 0x9e3779b97f4a7c15ull ^ (k * 1000003u);
  ev_init(e);
  const uint32_t n_mc = 2 + lcg(&st) % 9;
  for (uint32_t i = 0; i < n_mc; i++)
    mc_add(e, (int32_t)(lcg(&st) % 60), uniform(&st, -0.1, 0.1), uniform(&st, -0.1, 0.1),
           uniform(&st, -150.0, 150.0));
  for (uint32_t i = 0; i < n_mc; i++) {
    const uint32_t copies = lcg(&st) % 4 == 0 ? 0 : 1 + (lcg(&st) % 5 == 0);
    for (uint32_t r = 0; r < copies && e->n_pv < MAX_VTX; r++) {
      const float sz = (float)uniform(&st, 0.02, 0.3);
      kst_pv_view *p = pv_add(e, (float)(e->mc[i].z + uniform(&st, -3.0, 3.0) * sz), sz * sz);
      p->x = (float)(e->mc[i].x + uniform(&st, -0.03, 0.03));
      p->y = (float)(e->mc[i].y + uniform(&st, -0.03, 0.03));
      p->n_tracks = (uint32_t)(lcg(&st) % 80);
    }
  }
  const uint32_t fakes = lcg(&st) % 3;
  for (uint32_t f = 0; f < fakes && e->n_pv < MAX_VTX; f++) pv_add(e, (float)uniform(&st, -150.0, 150.0), 0.01f);
}

static void feed(kst_pv_checker *c, uint64_t from, uint64_t to) {
  for (uint64_t k = from; k < to; k++) {
    event e;
    random_event(&e, k);
    add(c, &e);
  }
}

/* The whole file as a string (kst_read_file NUL-terminates it). */
static char *slurp(const char *path) {
  uint8_t *d;
  size_t n;
  kst_status st = kst_read_file(path, &d, &n);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  return (char *)d;
}

static char *json_text(const kst_pv_checker *c) {
  char path[] = "/tmp/kst_pvchk_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  kst_status st = kst_pv_checker_write_json(c, path, NULL);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  char *s = slurp(path);
  unlink(path);
  return s;
}

Test(pv_checker, merge_equals_single_accumulation) {
  const uint64_t n = 90;
  kst_pv_checker *all = kst_pv_checker_new(), *part[3], *order1 = kst_pv_checker_new(), *order2 = kst_pv_checker_new();
  feed(all, 0, n);
  for (int p = 0; p < 3; p++) part[p] = kst_pv_checker_new(), feed(part[p], p * n / 3, (p + 1) * n / 3);
  for (int p = 0; p < 3; p++) cr_assert_eq(kst_pv_checker_merge(order1, part[p]).code, KST_OK);
  for (int p = 2; p >= 0; p--) cr_assert_eq(kst_pv_checker_merge(order2, part[p]).code, KST_OK);
  kst_pv_stats sa, s1, s2;
  kst_pv_checker_stats(all, &sa), kst_pv_checker_stats(order1, &s1), kst_pv_checker_stats(order2, &s2);
  cr_assert_gt(sa.found, 100, "the sample must exercise the checker");
  cr_assert_gt(sa.clones, 10);
  cr_assert_gt(sa.false_pvs, 10);
  cr_assert_eq(memcmp(&sa, &s1, sizeof sa), 0, "merged stats differ from one-pass stats");
  cr_assert_eq(memcmp(&sa, &s2, sizeof sa), 0, "merge order changed the stats");
  char *ja = json_text(all), *j1 = json_text(order1), *j2 = json_text(order2);
  cr_assert_str_eq(ja, j1, "merged JSON differs from one-pass JSON");
  cr_assert_str_eq(ja, j2, "merge order changed the JSON");
  free(ja), free(j1), free(j2);

  kst_pv_checker *other = kst_pv_checker_new();
  cr_assert_eq(kst_pv_checker_set_min_tracks(other, 5).code, KST_OK);
  cr_assert_eq(kst_pv_checker_merge(all, other).code, KST_ERR_INVALID, "different thresholds do not mix");
  kst_pv_checker_free(other);
  for (int p = 0; p < 3; p++) kst_pv_checker_free(part[p]);
  kst_pv_checker_free(all), kst_pv_checker_free(order1), kst_pv_checker_free(order2);
}

/* 100 vertices with z residuals spread evenly over +-50 microns and 10 merged ones 2 mm off: the core resolution
   follows the 100, the standard deviation the tails. */
Test(pv_checker, core_resolution_ignores_tails) {
  kst_pv_checker *c = kst_pv_checker_new();
  for (int i = 0; i < 110; i++) {
    event e;
    ev_init(&e);
    mc_add(&e, 20, 0.0, 0.0, 10.0);
    const float dz = i < 100 ? (float)(i - 50) * 0.001f : 2.0f;
    pv_add(&e, 10.0f + dz, 1.0f); /* sigma_z 1 mm: every one matches */
    add(c, &e);
  }
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  cr_assert_eq(s.found, 110);
  /* 68.27% of 110 is 75.1: the 76 residuals nearest the median span about +-38 microns. */
  cr_assert(s.resolution.core_um[2] > 35.0 && s.resolution.core_um[2] < 42.0, "core %.1f", s.resolution.core_um[2]);
  cr_assert_gt(s.resolution.sigma_um[2], 500.0, "the standard deviation sees the tails");
  cr_assert(s.resolution.median_um[2] >= 4.0 && s.resolution.median_um[2] <= 6.0, "median %.1f: the 55th of 110",
            s.resolution.median_um[2]);
  kst_pv_checker_free(c);
}

static char *printed(const kst_pv_checker *c) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  kst_pv_checker_print(c, f);
  fclose(f);
  return buf;
}

Test(pv_checker, printed_summary) {
  event e;
  sample(&e);
  kst_pv_checker *c = kst_pv_checker_new();
  add(c, &e);
  resolution_sample(&e);
  add(c, &e);
  char *buf = printed(c);
  const char *want =
      "PV checker: 4/6 reconstructible MC PVs found\n"
      "  (reconstructible: >= 4 MC tracks; match: closest in z within 5 sigma_z; isolated: no other within 10 mm)\n"
      "  all      :    4/   6  66.67%\n"
      "  isolated :    3/   4  75.00%\n"
      "  close    :    1/   2  50.00%\n"
      "  false    :    2/   7  28.57%   (real false 1, 14.29%)\n"
      "  clones   :    1   (25.00% of found)\n"
      "  core resolution (um, 68% half-width): x 10.5  y 5.5  z 30.5   (ntracks >= 10: x 30.5  y 5.5  z 145.5)\n"
      "  resolution (um, standard deviation): x 12.2  y 2.5  z 66.6   (ntracks >= 10: x 14.1  y 2.4  z 76.4)\n"
      "  median (um): x 0.0  y -5.0  z -20.0\n"
      "  mean (um): x 10.0  y -2.5  z 13.8   (ntracks >= 10: x 10.0  y -1.7  z 18.3)\n"
      "  pulls (width): x 1.22  y 0.50  z 0.73\n"
      "  pulls (mean): x 1.00  y -0.50  z -0.10\n";
  cr_assert_str_eq(buf, want, "got:\n%s", buf);
  free(buf);
  kst_pv_checker_free(c);
}

static double num_at(const cJSON *o, const char *key) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
  cr_assert(cJSON_IsNumber(x), "no number %s", key);
  return x->valuedouble;
}

static double array_sum(const cJSON *o, const char *key) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *x;
  cr_assert(cJSON_IsArray(a), "no array %s", key);
  double s = 0;
  cJSON_ArrayForEach(x, a) s += x->valuedouble;
  return s;
}

static double item(const cJSON *o, const char *key, int i) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
  cr_assert(cJSON_IsArray(a), "no array %s", key);
  return cJSON_GetArrayItem(a, i)->valuedouble;
}

Test(pv_checker, json_report) {
  event e;
  sample(&e);
  kst_pv_checker *c = kst_pv_checker_new();
  add(c, &e);
  resolution_sample(&e);
  add(c, &e);
  char *text = json_text(c);
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root, "invalid JSON:\n%s", text);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(root, "checker")->valuestring, "pv");
  const cJSON *def = cJSON_GetObjectItemCaseSensitive(root, "definitions");
  cr_assert_float_eq(num_at(def, "min_tracks"), 4, EPS);
  cr_assert_float_eq(num_at(def, "match_sigmas"), 5, EPS);
  cr_assert_float_eq(num_at(def, "isolation_mm"), 10, EPS);
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  const char *keys[] = {"events", "mc_vertices", "reco_vertices", "reconstructible", "found", "isolated",
                        "found_isolated", "close", "found_close", "false_pvs", "false_real", "clones", "unusable"};
  const uint64_t counts[] = {2, 7, 7, 6, 4, 4, 3, 2, 1, 2, 1, 1, 0};
  for (int k = 0; k < 13; k++) cr_assert_float_eq(num_at(root, keys[k]), (double)counts[k], EPS, "%s", keys[k]);
  cr_assert_float_eq(num_at(root, "efficiency"), s.efficiency, EPS);
  cr_assert_float_eq(num_at(root, "false_rate"), 2.0 / 7.0, EPS);
  cr_assert_float_eq(num_at(root, "clone_rate"), 0.25, EPS);
  const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "resolution");
  cr_assert_float_eq(num_at(res, "n"), 4, EPS);
  cr_assert_float_eq(num_at(cJSON_GetObjectItemCaseSensitive(res, "sigma_um"), "z"), s.resolution.sigma_um[2], EPS);
  const cJSON *pulls = cJSON_GetObjectItemCaseSensitive(root, "pulls");
  cr_assert_float_eq(num_at(cJSON_GetObjectItemCaseSensitive(pulls, "width"), "x"), s.pulls.width[0], EPS);
  cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(root, "resolution_many_tracks"));

  const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, "histograms");
  const char *effs[] = {"efficiency_vs_z", "efficiency_vs_ntracks"};
  for (int k = 0; k < 2; k++) {
    const cJSON *eff = cJSON_GetObjectItemCaseSensitive(h, effs[k]);
    cr_assert_not_null(eff, "no %s", effs[k]);
    cr_assert_float_eq(array_sum(eff, "denominator") + item(eff, "underflow", 1) + item(eff, "overflow", 1), 6,
                       EPS, "%s: every reconstructible PV once", effs[k]);
    cr_assert_float_eq(array_sum(eff, "numerator"), 4, EPS, "%s", effs[k]);
  }
  const cJSON *rn = cJSON_GetObjectItemCaseSensitive(h, "resolution_vs_ntracks");
  cr_assert_float_eq(num_at(rn, "bins"), 20, EPS);
  /* Matched PVs with 20, 20, 8 and 12 tracks: bins [20, 25), [5, 10) and [10, 15). */
  cr_assert_float_eq(array_sum(rn, "entries"), 4, EPS);
  cr_assert_float_eq(item(rn, "entries", 4), 2, EPS);
  cr_assert_float_eq(item(rn, "entries", 1), 1, EPS);
  cr_assert_float_eq(item(cJSON_GetObjectItemCaseSensitive(rn, "mean_um"), "x", 1), 10.0, 1e-9);
  cr_assert_float_eq(item(cJSON_GetObjectItemCaseSensitive(rn, "mean_um"), "x", 2), 30.0, 1e-9);
  cr_assert_float_eq(num_at(cJSON_GetObjectItemCaseSensitive(rn, "overflow"), "entries"), 0, EPS);
  free(text);
  cJSON_Delete(root);
  cr_assert_eq(kst_pv_checker_write_json(c, "/nonexistent-dir/x.json", NULL).code, KST_ERR_IO);
  kst_pv_checker_free(c);
}

Test(pv_checker, plots) {
  if (system("/usr/bin/python3 -c 'import matplotlib, numpy' >/dev/null 2>&1") != 0)
    cr_skip_test("/usr/bin/python3 cannot import matplotlib and numpy: plots not checked");
  char dir[] = "/tmp/kst_pvplot_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char json[sizeof dir + 16], out[sizeof dir + 16], png[sizeof dir + 64];
  snprintf(json, sizeof json, "%s/r.json", dir);
  snprintf(out, sizeof out, "%s/png", dir);
  kst_pv_checker *c = kst_pv_checker_new();
  feed(c, 0, 30);
  cr_assert_eq(kst_pv_checker_write_json(c, json, NULL).code, KST_OK);
  kst_status st = kst_pv_checker_plot(json, out);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  const char *names[] = {"pv_resolution_x_vs_ntracks", "pv_resolution_y_vs_ntracks", "pv_resolution_z_vs_ntracks",
                         "pv_efficiency_vs_z", "pv_efficiency_vs_ntracks"};
  for (int i = 0; i < 5; i++) {
    snprintf(png, sizeof png, "%s/%s.png", out, names[i]);
    char *bytes = slurp(png);
    cr_assert_eq(memcmp(bytes, "\x89PNG", 4), 0, "%s is not a PNG", png);
    free(bytes);
    unlink(png);
  }
  st = kst_pv_checker_plot(out, out); /* a folder is no report */
  cr_assert_eq(st.code, KST_ERR_FORMAT, "%s", st.msg);
  rmdir(out);
  unlink(json);
  rmdir(dir);
  kst_pv_checker_free(c);
}
