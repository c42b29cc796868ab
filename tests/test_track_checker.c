/* Tests for the VELO track checker: matching on hand-made events, categories, merging, table, JSON, plots. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "configuration/file.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checker/track_checker.h"

#define MAX_PARTS 64
#define MAX_IDS 2048
#define NOISE 0x7000000u /* ids no particle owns */

/* A hand-made MC event: particle k owns ids (k + 1) * 1000 + j. */
typedef struct mc_builder {
  kst_mc_particle parts[MAX_PARTS];
  uint32_t ids[MAX_IDS];
  kst_mc_event ev;
} mc_builder;

/* Tracks built from id lists held alongside. */
typedef struct track_builder {
  uint32_t ids[64][64];
  kst_track_view tracks[64];
  uint32_t n;
} track_builder;

static void mc_init(mc_builder *b) {
  memset(b, 0, sizeof *b);
  b->ev.particles = b->parts, b->ev.ids = b->ids;
}

static uint32_t hit_id(uint32_t particle, uint32_t j) { return (particle + 1) * 1000 + j; }

/* Appends a long, non-electron, 10 GeV pion at eta 3 with n VELO hits; returns it for tweaks. */
static kst_mc_particle *mc_add(mc_builder *b, uint32_t n) {
  cr_assert_lt(b->ev.n_particles, MAX_PARTS);
  cr_assert_leq(b->ev.n_ids + n, MAX_IDS);
  const uint32_t k = b->ev.n_particles++;
  kst_mc_particle *p = &b->parts[k];
  memset(p, 0, sizeof *p);
  p->key = k, p->pid = 211, p->p = 10000.f, p->pt = 800.f, p->eta = 3.f, p->phi = 0.5f;
  p->is_long = p->has_velo = 1;
  p->velo_first = b->ev.n_ids, p->n_velo = n;
  for (uint32_t j = 0; j < n; j++) b->ids[b->ev.n_ids++] = hit_id(k, j);
  return p;
}

/* Appends a track of n_from hits of particle (from hit first on) and n_noise unowned hits. */
static void track_add(track_builder *t, uint32_t particle, uint32_t first, uint32_t n_from, uint32_t n_noise) {
  cr_assert_lt(t->n, 64);
  cr_assert_leq(n_from + n_noise, 64);
  uint32_t *ids = t->ids[t->n], n = 0;
  for (uint32_t j = 0; j < n_from; j++) ids[n++] = hit_id(particle, first + j);
  for (uint32_t j = 0; j < n_noise; j++) ids[n++] = NOISE + t->n * 64 + j;
  t->tracks[t->n++] = (kst_track_view){ids, n};
}

static kst_track_checker *checker_of(const mc_builder *b, const track_builder *t) {
  kst_track_checker *c = kst_track_checker_new();
  cr_assert_not_null(c);
  kst_status st = kst_track_checker_add_event(c, &b->ev, t->tracks, t->n, NULL);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  return c;
}

static kst_track_category_stats cat_of(const kst_track_checker *c, int cat) {
  kst_track_category_stats s;
  kst_status st = kst_track_checker_category(c, cat, &s);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  return s;
}

static kst_track_ghost_stats ghosts_of(const kst_track_checker *c) {
  kst_track_ghost_stats g;
  kst_track_checker_ghosts(c, &g);
  return g;
}

#define EPS 1e-8

Test(track_checker, perfect_track) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10);
  track_add(&t, 0, 0, 10, 0);
  kst_track_checker *c = checker_of(&b, &t);
  kst_track_category_stats s = cat_of(c, KST_CAT_VELO);
  cr_assert_eq(s.found, 1);
  cr_assert_eq(s.total, 1);
  cr_assert_eq(s.clones, 0);
  cr_assert_float_eq(s.efficiency, 1.0, EPS);
  cr_assert_float_eq(s.per_event_efficiency, 1.0, EPS);
  cr_assert_float_eq(s.purity, 1.0, EPS);
  cr_assert_float_eq(s.hit_efficiency, 1.0, EPS);
  cr_assert_eq(ghosts_of(c).ghosts, 0);
  cr_assert_eq(ghosts_of(c).tracks, 1);
  kst_track_checker_free(c);
}

Test(track_checker, ghost_track) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10);
  track_add(&t, 0, 0, 0, 8);
  kst_track_checker *c = checker_of(&b, &t);
  kst_track_ghost_stats g = ghosts_of(c);
  cr_assert_eq(g.tracks, 1);
  cr_assert_eq(g.ghosts, 1);
  cr_assert_float_eq(g.ghost_rate, 1.0, EPS);
  kst_track_category_stats s = cat_of(c, KST_CAT_VELO);
  cr_assert_eq(s.found, 0);
  cr_assert_eq(s.total, 1);
  cr_assert_float_eq(s.purity, 0.0, EPS); /* no matched track: 0, not NaN */
  kst_track_checker_free(c);
}

Test(track_checker, empty_track_is_a_ghost) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10);
  track_add(&t, 0, 0, 0, 0);
  kst_track_checker *c = checker_of(&b, &t);
  cr_assert_eq(ghosts_of(c).ghosts, 1);
  kst_track_checker_free(c);
}

Test(track_checker, clone_tracks) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10);
  track_add(&t, 0, 0, 10, 0);
  track_add(&t, 0, 5, 5, 0);
  kst_track_checker *c = checker_of(&b, &t);
  kst_track_category_stats s = cat_of(c, KST_CAT_VELO);
  cr_assert_eq(s.found, 1);
  cr_assert_eq(s.clones, 1);
  cr_assert_float_eq(s.clone_rate, 0.5, EPS);
  cr_assert_float_eq(s.purity, 1.0, EPS);
  cr_assert_float_eq(s.hit_efficiency, 0.75, EPS); /* mean of 10/10 and 5/10 */
  cr_assert_eq(ghosts_of(c).ghosts, 0);
  kst_track_checker_free(c);
}

Test(track_checker, seventy_percent_of_the_track) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10);
  mc_add(&b, 10);
  mc_add(&b, 10);
  track_add(&t, 0, 0, 7, 3); /* 7 of 10: matched */
  track_add(&t, 1, 0, 6, 4); /* 6 of 10: ghost */
  track_add(&t, 2, 0, 3, 0); /* 3 of 3 hits, though only 30% of the particle: matched */
  kst_track_checker *c = checker_of(&b, &t);
  kst_track_category_stats s = cat_of(c, KST_CAT_VELO);
  cr_assert_eq(ghosts_of(c).ghosts, 1);
  cr_assert_eq(s.found, 2);
  cr_assert_eq(s.total, 3);
  cr_assert_float_eq(s.purity, (0.7 + 1.0) / 2, EPS);
  cr_assert_float_eq(s.hit_efficiency, (0.7 + 0.3) / 2, EPS);
  kst_track_checker_free(c);
}

Test(track_checker, seven_of_ten_shared_with_another_particle) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10);
  mc_add(&b, 10);
  track_add(&t, 0, 0, 7, 0);
  for (uint32_t j = 0; j < 3; j++) t.ids[0][7 + j] = hit_id(1, j); /* 3 hits of particle 1 */
  t.tracks[0].n = 10;
  kst_track_checker *c = checker_of(&b, &t);
  cr_assert_eq(cat_of(c, KST_CAT_VELO).found, 1);
  cr_assert_float_eq(cat_of(c, KST_CAT_VELO).purity, 0.7, EPS);
  kst_track_checker_free(c);
}

Test(track_checker, purity_and_hit_efficiency) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 12);
  track_add(&t, 0, 2, 8, 2);
  kst_track_checker *c = checker_of(&b, &t);
  kst_track_category_stats s = cat_of(c, KST_CAT_VELO);
  cr_assert_eq(s.found, 1);
  cr_assert_float_eq(s.purity, 0.8, EPS);
  cr_assert_float_eq(s.hit_efficiency, 8.0 / 12.0, EPS);
  kst_track_checker_free(c);
}

Test(track_checker, most_shared_then_lowest_index) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10)->eta = 1.f; /* outside every category */
  mc_add(&b, 10);
  /* Particle 1 also owns particle 0's ids: both hold all hits, the lower index wins. */
  for (uint32_t j = 0; j < 10; j++) b.ids[10 + j] = hit_id(0, j);
  track_add(&t, 0, 0, 10, 0);
  kst_track_checker *c = checker_of(&b, &t);
  cr_assert_eq(ghosts_of(c).ghosts, 0);
  cr_assert_eq(cat_of(c, KST_CAT_VELO).found, 0, "the track belongs to particle 0, outside 01_velo");
  kst_track_checker_free(c);

  /* Now particle 0 owns only 8 of the track's hits, particle 1 all 10: the most shared wins. */
  b.ids[8] = NOISE + 900, b.ids[9] = NOISE + 901;
  c = checker_of(&b, &t);
  cr_assert_eq(cat_of(c, KST_CAT_VELO).found, 1);
  cr_assert_float_eq(cat_of(c, KST_CAT_VELO).purity, 1.0, EPS);
  kst_track_checker_free(c);
}

Test(track_checker, eta_cut_is_strict) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  const float etas[] = {2.0f, 5.0f, 2.01f, 4.99f, 1.5f, 5.5f};
  for (int i = 0; i < 6; i++) mc_add(&b, 5)->eta = etas[i];
  kst_track_checker *c = checker_of(&b, &t);
  for (int k = 0; k < 3; k++) cr_assert_eq(cat_of(c, k).total, 2, "category %d", k);
  kst_track_checker_free(c);
}

Test(track_checker, categories_and_electrons) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  kst_mc_particle *p;
  p = mc_add(&b, 5); /* pion from B and from strange, 10 GeV: 01-07 */
  p->from_b = p->from_s = 1;
  p = mc_add(&b, 5); /* long electron from B, 10 GeV: 08-10 */
  p->pid = 11, p->from_b = 1;
  p = mc_add(&b, 5); /* long positron, 3 GeV: 08 only */
  p->pid = -11, p->p = 3000.f;
  p = mc_add(&b, 5); /* VELO-only kaon: 01 only */
  p->pid = -321, p->is_long = 0;
  p = mc_add(&b, 5); /* VELO-only electron: nowhere */
  p->pid = 11, p->is_long = 0;
  p = mc_add(&b, 5); /* long pion, 4 GeV: 01, 02 */
  p->p = 4000.f;
  kst_track_checker *c = checker_of(&b, &t);
  const uint64_t want[KST_CAT_COUNT] = {3, 2, 1, 1, 1, 1, 1, 2, 1, 1};
  for (int k = 0; k < KST_CAT_COUNT; k++)
    cr_assert_eq(cat_of(c, k).total, want[k], "%s: %lu", kst_track_category_name(k),
                 (unsigned long)cat_of(c, k).total);
  cr_assert_str_eq(kst_track_category_name(KST_CAT_LONG_FROMB_ELECTRONS_P5), "10_long_fromB_electrons_P>5GeV");
  cr_assert_null(kst_track_category_name(KST_CAT_COUNT));
  kst_track_checker_free(c);
}

Test(track_checker, per_event_efficiency) {
  kst_track_checker *c = kst_track_checker_new();
  mc_builder b;
  track_builder t = {0};
  mc_init(&b); /* event 1: 1 of 2 found */
  mc_add(&b, 5), mc_add(&b, 5);
  track_add(&t, 0, 0, 5, 0);
  cr_assert_eq(kst_track_checker_add_event(c, &b.ev, t.tracks, t.n, NULL).code, KST_OK);
  mc_init(&b); /* event 2: 1 of 1 found */
  mc_add(&b, 5);
  cr_assert_eq(kst_track_checker_add_event(c, &b.ev, t.tracks, t.n, NULL).code, KST_OK);
  mc_init(&b); /* event 3: no particle in any category: does not enter the per-event mean */
  mc_add(&b, 5)->eta = 6.f;
  cr_assert_eq(kst_track_checker_add_event(c, &b.ev, t.tracks, t.n, NULL).code, KST_OK);
  kst_track_category_stats s = cat_of(c, KST_CAT_VELO);
  cr_assert_float_eq(s.efficiency, 2.0 / 3.0, EPS);
  cr_assert_float_eq(s.per_event_efficiency, 0.75, EPS);
  cr_assert_eq(s.events_with_particles, 2);
  cr_assert_eq(ghosts_of(c).events, 3);
  kst_track_checker_free(c);
}

Test(track_checker, bad_input_changes_nothing) {
  kst_track_checker *c = kst_track_checker_new();
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 5)->velo_first = 3; /* runs past the 5 ids */
  track_add(&t, 0, 0, 5, 0);
  cr_assert_eq(kst_track_checker_add_event(c, &b.ev, t.tracks, t.n, NULL).code, KST_ERR_FORMAT);
  cr_assert_eq(kst_track_checker_add_event(c, NULL, t.tracks, t.n, NULL).code, KST_ERR_INVALID);
  cr_assert_eq(kst_track_checker_add_event(c, &b.ev, NULL, 1, NULL).code, KST_ERR_INVALID);
  cr_assert_eq(ghosts_of(c).events, 0);
  cr_assert_eq(ghosts_of(c).tracks, 0);
  cr_assert_eq(cat_of(c, KST_CAT_VELO).total, 0);
  kst_track_category_stats s;
  cr_assert_eq(kst_track_checker_category(c, KST_CAT_COUNT, &s).code, KST_ERR_INVALID);
  kst_track_checker_free(c);
}

/* Deterministic pseudo-random event i: particles, true tracks with holes and noise, clones, ghosts. */
static void random_event(uint32_t i, mc_builder *b, track_builder *t, float *eta) {
  uint64_t s = 0x9E3779B97F4A7C15ull * (i + 1);
  mc_init(b);
  memset(t, 0, sizeof *t);
  uint32_t np = 5 + (uint32_t)(s >> 60);
  for (uint32_t k = 0; k < np; k++) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    kst_mc_particle *p = mc_add(b, 3 + (uint32_t)(s >> 59) % 20);
    p->eta = 1.5f + (float)(s >> 40 & 0xff) / 64.f;
    p->p = (float)(s >> 20 & 0xffff);
    p->phi = (float)(s >> 8 & 0xff) / 40.f - 3.f;
    p->pid = (s >> 36 & 7) == 0 ? 11 : 211;
    p->is_long = (s >> 33 & 3) != 0, p->from_b = (s >> 31 & 3) == 0, p->from_s = (s >> 29 & 3) == 0;
    uint32_t on = (uint32_t)(s >> 50 & 3); /* 0: lost, 1..3: one track, 3: plus a clone */
    if (on) track_add(t, k, 0, p->n_velo - (on == 1 && p->n_velo > 4 ? 1 : 0), on == 2 ? 1 : 0);
    if (on == 3) track_add(t, k, 1, p->n_velo - 1, 0);
  }
  track_add(t, 0, 0, 0, 4 + i % 3); /* a ghost per event */
  for (uint32_t k = 0; k < t->n; k++) eta[k] = 0.3f * (float)k + 0.1f * (float)i;
}

static void feed(kst_track_checker *c, uint32_t from, uint32_t to) {
  mc_builder b;
  track_builder t;
  float eta[64];
  for (uint32_t i = from; i < to; i++) {
    random_event(i, &b, &t, eta);
    kst_status st = kst_track_checker_add_event(c, &b.ev, t.tracks, t.n, eta);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  }
}

/* The file's bytes, NUL-terminated (free() them). */
/* The whole file as a string (kst_read_file NUL-terminates it). */
static char *slurp(const char *path) {
  uint8_t *d;
  size_t n;
  kst_status st = kst_read_file(path, &d, &n);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  return (char *)d;
}

static char *json_text(const kst_track_checker *c) {
  char path[] = "/tmp/kst_trkchk_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  close(fd);
  kst_status st = kst_track_checker_write_json(c, path, NULL);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  char *s = slurp(path);
  unlink(path);
  return s;
}

Test(track_checker, merge_equals_single_accumulation) {
  const uint32_t n = 40;
  kst_track_checker *all = kst_track_checker_new(), *a = kst_track_checker_new(), *b = kst_track_checker_new();
  feed(all, 0, n);
  feed(a, 0, 13);
  feed(b, 13, n);
  cr_assert_eq(kst_track_checker_merge(a, b).code, KST_OK);
  for (int k = 0; k < KST_CAT_COUNT; k++) {
    kst_track_category_stats x = cat_of(all, k), y = cat_of(a, k);
    cr_assert_eq(x.found, y.found);
    cr_assert_eq(x.total, y.total);
    cr_assert_eq(x.clones, y.clones);
    cr_assert_eq(x.events_with_particles, y.events_with_particles);
    /* Exact equality on purpose: the sums are integers, so the split cannot show. */
    cr_assert(x.efficiency == y.efficiency && x.per_event_efficiency == y.per_event_efficiency);
    cr_assert(x.clone_rate == y.clone_rate && x.purity == y.purity && x.hit_efficiency == y.hit_efficiency,
              "%s", x.name);
  }
  cr_assert_gt(cat_of(all, KST_CAT_VELO).clones, 0, "the sample must exercise clones");
  cr_assert_gt(ghosts_of(all).ghosts, (uint64_t)n - 1);
  char *ja = json_text(all), *jb = json_text(a);
  cr_assert_str_eq(ja, jb, "merged JSON differs from one-pass JSON");
  free(ja), free(jb);
  kst_track_checker_free(all), kst_track_checker_free(a), kst_track_checker_free(b);
}

/* Three long pions: A found twice (a clone), B found at 80%, C lost; one ghost. */
static kst_track_checker *table_sample(void) {
  mc_builder b;
  track_builder t = {0};
  mc_init(&b);
  mc_add(&b, 10), mc_add(&b, 10), mc_add(&b, 10);
  track_add(&t, 0, 0, 10, 0);
  track_add(&t, 0, 0, 5, 0);
  track_add(&t, 1, 0, 8, 2);
  track_add(&t, 0, 0, 0, 6);
  const float eta[4] = {2.5f, 2.6f, 3.1f, 4.2f};
  kst_track_checker *c = kst_track_checker_new();
  kst_status st = kst_track_checker_add_event(c, &b.ev, t.tracks, t.n, eta);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  return c;
}

Test(track_checker, printed_table) {
  kst_track_checker *c = table_sample();
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  kst_track_checker_print(c, f);
  fclose(f);
  const char *ghost_line =
      "TrackChecker output                               :         1/        4  25.00% ghosts\n";
  const char *velo_line =
      "01_velo                                           :         2/        3  66.67% ( 66.67%),"
      "         1 ( 33.33%) clones, pur  93.33%, hit eff  76.67%\n";
  cr_assert_eq(strncmp(buf, ghost_line, strlen(ghost_line)), 0, "got:\n%s", buf);
  cr_assert_eq(strncmp(buf + strlen(ghost_line), velo_line, strlen(velo_line)), 0, "got:\n%s", buf);
  /* Only categories with particles print: velo, long, long P>5GeV. */
  int lines = 0;
  for (const char *p = buf; *p; p++) lines += *p == '\n';
  cr_assert_eq(lines, 4, "got:\n%s", buf);
  cr_assert_not_null(strstr(buf, "\n03_long_P>5GeV  "));
  free(buf);
  kst_track_checker_free(c);
}

static double num_at(const cJSON *o, const char *key) {
  const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);
  cr_assert(cJSON_IsNumber(x), "no number %s", key);
  return x->valuedouble;
}

static double array_sum(const cJSON *h, const char *key) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(h, key), *x;
  cr_assert(cJSON_IsArray(a), "no array %s", key);
  double s = 0;
  cJSON_ArrayForEach(x, a) s += x->valuedouble;
  return s;
}

/* Denominator entries in and out of range ([num, den] pairs hold the out-of-range counts). */
static double entries(const cJSON *h) {
  const cJSON *under = cJSON_GetObjectItemCaseSensitive(h, "underflow");
  const cJSON *over = cJSON_GetObjectItemCaseSensitive(h, "overflow");
  return array_sum(h, "denominator") + cJSON_GetArrayItem(under, 1)->valuedouble +
         cJSON_GetArrayItem(over, 1)->valuedouble;
}

Test(track_checker, json_report) {
  kst_track_checker *c = table_sample();
  char *text = json_text(c);
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root, "invalid JSON:\n%s", text);
  cr_assert_float_eq(num_at(root, "tracks"), 4, EPS);
  cr_assert_float_eq(num_at(root, "ghosts"), 1, EPS);
  cr_assert_float_eq(num_at(root, "ghost_rate"), 0.25, EPS);
  cr_assert_float_eq(num_at(root, "events"), 1, EPS);
  const cJSON *cats = cJSON_GetObjectItemCaseSensitive(root, "categories");
  cr_assert_eq(cJSON_GetArraySize(cats), KST_CAT_COUNT);
  const cJSON *velo = cJSON_GetArrayItem(cats, 0);
  cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(velo, "name")->valuestring, "01_velo");
  cr_assert_float_eq(num_at(velo, "found"), 2, EPS);
  cr_assert_float_eq(num_at(velo, "total"), 3, EPS);
  cr_assert_float_eq(num_at(velo, "efficiency"), 2.0 / 3.0, EPS);
  cr_assert_float_eq(num_at(velo, "per_event_efficiency"), 2.0 / 3.0, EPS);
  cr_assert_float_eq(num_at(velo, "clones"), 1, EPS);
  cr_assert_float_eq(num_at(velo, "clone_rate"), 1.0 / 3.0, EPS);
  cr_assert_float_eq(num_at(velo, "purity"), 2.8 / 3.0, EPS);
  cr_assert_float_eq(num_at(velo, "hit_efficiency"), 2.3 / 3.0, EPS);
  cr_assert_float_eq(num_at(cJSON_GetArrayItem(cats, KST_CAT_LONG_STRANGE), "total"), 0, EPS);

  const cJSON *eff = cJSON_GetObjectItemCaseSensitive(root, "efficiency_histograms");
  const char *vars[] = {"p", "pt", "eta", "phi", "n_velo_hits"};
  for (int c2 = 0; c2 < 2; c2++) {
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(eff, c2 ? "02_long" : "01_velo");
    cr_assert_not_null(cat);
    for (int v = 0; v < 5; v++) {
      const cJSON *h = cJSON_GetObjectItemCaseSensitive(cat, vars[v]);
      cr_assert_not_null(h, "no histogram %s", vars[v]);
      cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(h, "numerator")), (int)num_at(h, "bins"));
      cr_assert_float_eq(entries(h), 3, EPS, "%s: every particle counted once", vars[v]);
    }
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(cat, "eta");
    cr_assert_float_eq(array_sum(h, "numerator"), 2, EPS);
    cr_assert_float_eq(array_sum(h, "denominator"), 3, EPS);
  }
  const cJSON *gh = cJSON_GetObjectItemCaseSensitive(root, "ghost_histograms");
  const cJSON *geta = cJSON_GetObjectItemCaseSensitive(gh, "eta");
  cr_assert_float_eq(array_sum(geta, "denominator"), 4, EPS);
  cr_assert_float_eq(array_sum(geta, "numerator"), 1, EPS);
  const cJSON *gnt = cJSON_GetObjectItemCaseSensitive(gh, "tracks_per_event");
  cr_assert_float_eq(array_sum(gnt, "denominator"), 4, EPS);
  cr_assert_float_eq(array_sum(gnt, "numerator"), 1, EPS);
  cJSON_Delete(root);
  free(text);
  cr_assert_eq(kst_track_checker_write_json(c, "/nonexistent-dir/x.json", NULL).code, KST_ERR_IO);
  kst_track_checker_free(c);
}

Test(track_checker, plots) {
  if (system("/usr/bin/python3 -c 'import matplotlib, numpy' >/dev/null 2>&1") != 0)
    cr_skip_test("/usr/bin/python3 cannot import matplotlib and numpy: plots not checked");
  char dir[] = "/tmp/kst_trkplot_XXXXXX";
  cr_assert_not_null(mkdtemp(dir));
  char json[sizeof dir + 16], out[sizeof dir + 16], png[sizeof dir + 64];
  snprintf(json, sizeof json, "%s/r.json", dir);
  snprintf(out, sizeof out, "%s/png", dir);
  kst_track_checker *c = kst_track_checker_new();
  feed(c, 0, 5);
  cr_assert_eq(kst_track_checker_write_json(c, json, NULL).code, KST_OK);
  kst_status st = kst_checker_plot(json, out);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  const char *names[] = {"efficiency_vs_p", "efficiency_vs_pt", "efficiency_vs_eta", "efficiency_vs_phi",
                         "efficiency_vs_n_velo_hits", "ghost_rate_vs_eta", "ghost_rate_vs_tracks_per_event"};
  for (int i = 0; i < 7; i++) {
    snprintf(png, sizeof png, "%s/%s.png", out, names[i]);
    char *bytes = slurp(png);
    cr_assert_eq(memcmp(bytes, "\x89PNG", 4), 0, "%s is not a PNG", png);
    free(bytes);
    unlink(png);
  }
  st = kst_checker_plot(out, out); /* a folder is no report */
  cr_assert_eq(st.code, KST_ERR_FORMAT, "%s", st.msg);
  rmdir(out);
  unlink(json);
  rmdir(dir);
  kst_track_checker_free(c);
}
