/* VELO tracking: efficiency floors on real LHCb data, determinism of the tracks, and the capacity overflow. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <math.h>

#include "device/event_model/velo_hits.h"
#include "configuration/geometry.h"
#include "device/velo/velo_consolidate.h"
#include "device/velo/velo_search.h"
#include "host/runtime/harness.h"
#include "input/velopix_convert.h"
#include "configuration/file.h"
#include "velo_run.h"

static void check_floors(const kst_track_checker *c, double velo, double lng, double ghosts, double clones,
                         const char *sample) {
  kst_track_ghost_stats g;
  kst_track_category_stats v;
  kst_track_checker_ghosts(c, &g);
  kst_track_checker_category(c, KST_CAT_VELO, &v);
  kst_track_checker_print(c, stdout);
  cr_assert_geq(velo_eff(c, KST_CAT_VELO), velo, "%s: velo efficiency %.2f%% below %.2f%%", sample, velo_eff(c, KST_CAT_VELO), velo);
  cr_assert_geq(velo_eff(c, KST_CAT_LONG), lng, "%s: long efficiency %.2f%% below %.2f%%", sample, velo_eff(c, KST_CAT_LONG), lng);
  cr_assert_leq(100.0 * g.ghost_rate, ghosts, "%s: ghost rate %.2f%% above %.2f%%", sample, 100.0 * g.ghost_rate, ghosts);
  cr_assert_leq(100.0 * v.clone_rate, clones, "%s: clone rate %.2f%% above %.2f%%", sample, 100.0 * v.clone_rate, clones);
}

Test(velo_tracking, real_mdf_sample_meets_the_lhcb_grade_floors) {
  if (access(REAL_MDF, R_OK) || access(REAL_GEOMETRY, R_OK)) cr_skip("../shared/data not present: real-data floors not checked");
  kst_sequence seq;
  kst_run_result r;
  velo_load(&seq, "sequences/velo.json");
  velo_run(&seq, REAL_MDF, (kst_run_options){.geometry = REAL_GEOMETRY, .validate = 1}, &r);
  /* At least as good as LHCb's GPU trigger on this file (velo 1106/1125, long 631/634, ghosts 19/2709). */
  check_floors(velo_checker(&r, &seq, "velo_track_check"), 100.0 * 1106 / 1125 - 1e-9, 100.0 * 631 / 634 - 1e-9,
               100.0 * 19 / 2709, 2.5, "MDF sample");
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
}

/* The 200 velopix events: the floors. */
Test(velo_tracking, converted_velopix_events_floors, .timeout = 120) {
  if (access("../shared/data/velopix/minbias", R_OK) || access(REAL_GEOMETRY, R_OK))
    cr_skip("../shared/data not present: velopix floors not checked");
  kst_velo_geometry g;
  char path[] = "/tmp/kst_vp_XXXXXX";
  close(mkstemp(path));
  cr_assert_eq(kst_geometry_load(&g, REAL_GEOMETRY).code, KST_OK);
  cr_assert_eq(kst_velopix_convert("../shared/data/velopix/minbias", path, &g, 0, NULL).code, KST_OK);
  kst_sequence seq;
  kst_run_result r;
  velo_load(&seq, "sequences/velo.json");
  velo_run(&seq, path, (kst_run_options){.geometry = REAL_GEOMETRY, .validate = 1, .threads = 2}, &r);
  check_floors(velo_checker(&r, &seq, "velo_track_check"), 98.0, 99.2, 1.2, 2.5, "velopix");
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  unlink(path);
}

/* The whole file as a string (kst_read_file NUL-terminates it). */
static char *slurp(const char *path) {
  uint8_t *d;
  size_t n;
  kst_status st = kst_read_file(path, &d, &n);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  return (char *)d;
}

Test(velo_tracking, dumps_are_identical_for_any_threads_and_batch_size) {
  if (access(REAL_MDF, R_OK) || access(REAL_GEOMETRY, R_OK)) cr_skip("../shared/data not present: determinism not checked");
  const kst_run_options variants[] = {{.threads = 1}, {.threads = 2, .batch_size = 3}, {.threads = 2, .batch_size = 1}};
  char dirs[3][32];
  kst_sequence seq;
  velo_load(&seq, "sequences/velo.json");
  for (int v = 0; v < 3; ++v) {
    snprintf(dirs[v], sizeof dirs[v], "/tmp/kst_dump_XXXXXX");
    cr_assert_not_null(mkdtemp(dirs[v]));
    kst_run_options o = variants[v];
    o.geometry = REAL_GEOMETRY;
    o.dump_dir = dirs[v];
    kst_run_result r;
    velo_run(&seq, REAL_MDF, o, &r);
    kst_run_result_free(&r, &seq);
  }
  for (int e = 0; e < 10; ++e) {
    char p0[96], p[96];
    snprintf(p0, sizeof p0, "%s/velo_tracks_%d.txt", dirs[0], e);
    char *ref = slurp(p0);
    cr_assert(strstr(ref, "track 0 hits") != NULL, "event %d has tracks", e);
    for (int v = 1; v < 3; ++v) {
      snprintf(p, sizeof p, "%s/velo_tracks_%d.txt", dirs[v], e);
      char *other = slurp(p);
      cr_assert_str_eq(other, ref, "event %d differs between run 0 and run %d", e, v);
      free(other);
      unlink(p);
    }
    free(ref);
    unlink(p0);
  }
  for (int v = 0; v < 3; ++v) rmdir(dirs[v]);
  kst_sequence_free(&seq);
}

Test(velo_tracking, track_capacity_overflow_is_flagged_and_counted_not_written_out_of_bounds) {
  if (access(REAL_MDF, R_OK) || access(REAL_GEOMETRY, R_OK)) cr_skip("../shared/data not present: overflow not checked");
  const char *json =
      "{\"sequence\": ["
      "{\"type\": \"data_provider\", \"name\": \"velo_banks\"}, {\"type\": \"bank_item_offsets\", \"name\": \"offsets\"},"
      "{\"type\": \"event_list_init\", \"name\": \"events\"}, {\"type\": \"velo_count_hits\", \"name\": \"count\"},"
      "{\"type\": \"velo_decode\", \"name\": \"hits\"},"
      "{\"type\": \"velo_search_by_triplet\", \"name\": \"search\", \"properties\": {\"max_tracks\": 5}},"
      "{\"type\": \"velo_consolidate\", \"name\": \"tracks\"}, {\"type\": \"velo_summary\", \"name\": \"summary\"}]}";
  kst_sequence seq;
  kst_run_result r;
  velo_load(&seq, json);
  /* Separate allocations: AddressSanitizer builds catch any write past the 5 slots per event. */
  velo_run(&seq, REAL_MDF, (kst_run_options){.geometry = REAL_GEOMETRY, .debug_memory = 1, .batch_size = 4}, &r);
  const kst_counter *over = kst_result_counter(&r, &seq, "summary", "error:events_over_track_capacity");
  const kst_counter *tracks = kst_result_counter(&r, &seq, "summary", "velo_tracks");
  cr_assert_not_null(over);
  cr_assert_eq(over->values[0], 10, "every event has more than 5 tracks");
  cr_assert_leq(tracks->values[0], 50, "at most 5 kept per event");
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
}

/* A hit container (device/event_model/velo_hits.h) holding n hits with these coordinates, LHCbIDs 0..n-1; free() it. */
static kst_velo_hit_bytes *hit_container(const float *x, const float *y, const float *z, const float *phi, uint32_t n) {
  kst_velo_hit_bytes *c = malloc((size_t)(n ? n : 1) * sizeof *c);
  cr_assert_not_null(c);
  const kst_velo_hits v = kst_velo_hits_out_view(c, n);
  for (uint32_t i = 0; i < n; ++i) v.x[i] = x[i], v.y[i] = y[i], v.z[i] = z[i], v.phi[i] = phi[i], v.id[i] = i, v.module[i] = 0;
  return c;
}


/* A straight line x = x0 + tx z, y = y0 + ty z (mm). */
typedef struct {
  float x0, y0, tx, ty;
} test_line;

/* A track from the origin, away from the phi = +-pi seam. */
static const test_line from_origin = {0.0f, 0.0f, 0.05f, 0.03f};

/* A hand-made hit; z = 25 s - 100 mm puts it on module 2s (station s). */
typedef struct {
  float x, y, z;
} test_hit;

/* Most hits search_hits takes. */
#define TEST_MAX_HITS 512u

/* Runs the search on one hand-made event (hits in any order, sorted here by module and phi as decoding leaves
   them); returns the number of candidates, and the hits (as indices into hits) of the first candidate that holds
   hits[0], or of the first candidate when none does. */
static uint32_t search_hits(const test_hit *hits, uint32_t n, uint32_t max_seed_gap, uint32_t *first,
                            uint32_t *n_first) {
  const kst_event_list_word list[2] = {1, 0};
  uint32_t offsets[KST_VELO_OFFSETS_PER_EVENT] = {0};
  static float x[TEST_MAX_HITS], y[TEST_MAX_HITS], z[TEST_MAX_HITS], phi[TEST_MAX_HITS];
  static uint32_t source[TEST_MAX_HITS];
  cr_assert(n <= TEST_MAX_HITS);
  /* Module by module, each module's hits in phi order (an insertion sort: a few hundred hits). */
  uint32_t h = 0;
  for (uint32_t m = 0; m < KST_VELO_MODULES; ++m) {
    offsets[m] = h;
    for (uint32_t i = 0; i < n; ++i) {
      if (2u * (uint32_t)lroundf((hits[i].z + 100.0f) / 25.0f) != m) continue;
      const float p = atan2f(hits[i].y, hits[i].x);
      uint32_t j = h++;
      for (; j > offsets[m] && phi[j - 1] > p; --j)
        x[j] = x[j - 1], y[j] = y[j - 1], z[j] = z[j - 1], phi[j] = phi[j - 1], source[j] = source[j - 1];
      x[j] = hits[i].x, y[j] = hits[i].y, z[j] = hits[i].z, phi[j] = p, source[j] = i;
    }
  }
  offsets[KST_VELO_MODULES] = h;
  kst_velo_hit_bytes *container = hit_container(x, y, z, phi, h);
  char props[64];
  snprintf(props, sizeof props, "{\"max_seed_gap\": %u}", max_seed_gap);
  const kst_harness_input in[] = {{"dev_event_list", list, 2},
                                  {"dev_module_offsets", offsets, KST_VELO_OFFSETS_PER_EVENT},
                                  {"dev_velo_hits", container, h}};
  kst_harness hr;
  kst_status st = kst_harness_init(&hr, "velo_search_by_triplet", props, NULL, 0);
  if (!st.code) st = kst_harness_run(&hr, NULL, 1, in, 3);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  const uint32_t count = *(const uint32_t *)kst_harness_get(&hr, "dev_track_slot_count", NULL);
  const kst_velo_track_slot *slots = (const kst_velo_track_slot *)kst_harness_get(&hr, "dev_track_slots", NULL);
  const uint32_t *slot_hits = (const uint32_t *)kst_harness_get(&hr, "dev_track_slot_hits", NULL);
  /* The first candidate holding input hit 0 (the first candidate when none does). */
  uint32_t pick = 0;
  for (uint32_t t = count; t-- > 0;)
    for (uint32_t i = 0; i < slots[t].n_hits; ++i)
      if (source[slot_hits[(size_t)t * KST_VELO_MAX_TRACK_HITS + i]] == 0) pick = t;
  *n_first = count ? slots[pick].n_hits : 0;
  for (uint32_t i = 0; i < *n_first; ++i) first[i] = source[slot_hits[(size_t)pick * KST_VELO_MAX_TRACK_HITS + i]];
  kst_harness_free(&hr);
  free(container);
  return count;
}

/* A hit of line l on station s. */
static test_hit on_line(test_line l, uint32_t s) {
  const float z = 25.0f * (float)s - 100.0f;
  return (test_hit){l.x0 + l.tx * z, l.y0 + l.ty * z, z};
}

/* A hit at radius r and angle phi on station s. */
static test_hit at_polar(float r, float phi, uint32_t s) {
  return (test_hit){r * cosf(phi), r * sinf(phi), 25.0f * (float)s - 100.0f};
}

/* Runs the search on one straight track along line l with a hit on each listed station; returns the number of
   candidates and the first one's stations. */
static uint32_t search_one_track(test_line l, const uint32_t *stations, uint32_t n, uint32_t max_seed_gap,
                                 uint32_t *found, uint32_t *n_found) {
  test_hit hits[KST_VELO_STATIONS];
  for (uint32_t i = 0; i < n; ++i) hits[i] = on_line(l, stations[i]);
  const uint32_t count = search_hits(hits, n, max_seed_gap, found, n_found);
  for (uint32_t i = 0; i < *n_found; ++i) found[i] = stations[found[i]];
  return count;
}

/* Near the beam line a seed's inner window can hold more candidates than the scratch (128): they are weighed a
   chunk at a time. Here a track's inner hit comes after 200 other hits in phi order, and a decoy that would make a
   slightly worse seed comes first: the seed must take the track's own hit. */
Test(velo_tracking, a_seed_weighs_every_inner_candidate_when_they_overflow_the_scratch) {
  test_hit hits[3 + 1 + 200];
  uint32_t n = 0;
  for (uint32_t s = 12; s >= 10; --s) hits[n++] = on_line(from_origin, s);
  const float r = sqrtf(hits[2].x * hits[2].x + hits[2].y * hits[2].y), p = atan2f(hits[2].y, hits[2].x);
  /* The decoy 6 um beside the inner hit; the others 3 mm further out, between the two in phi. */
  hits[n++] = at_polar(r, p - 6e-4f, 10);
  for (uint32_t i = 0; i < 200; ++i) hits[n++] = at_polar(r + 3.0f, p - 5e-4f + 2e-6f * (float)i, 10);
  uint32_t first[KST_VELO_MAX_TRACK_HITS], n_first;
  cr_assert_eq(search_hits(hits, n, 1, first, &n_first), 1);
  cr_assert_eq(n_first, 3, "the track's three hits (got %u)", n_first);
  for (uint32_t i = 0; i < 3; ++i) cr_assert_eq(first[i], i, "hit %u is input hit %u", i, first[i]);
}

Test(velo_tracking, a_particle_missing_one_station_is_seeded_across_the_gap) {
  /* Stations 10, (9 missed), 8, 7, 6: no three consecutive stations above the gap. */
  const uint32_t stations[] = {10, 8, 7, 6};
  uint32_t found[KST_VELO_MAX_TRACK_HITS], n;
  cr_assert_eq(search_one_track(from_origin, stations, 4, 1, found, &n), 1);
  cr_assert_eq(n, 4, "all four hits on one track (got %u)", n);
  for (uint32_t i = 0; i < 4; ++i) cr_assert_eq(found[i], stations[i], "hit %u on station %u", i, found[i]);
  /* Without gap seeds the top hit is left behind: the track starts at the first three consecutive stations. */
  cr_assert_eq(search_one_track(from_origin, stations, 4, 0, found, &n), 1);
  cr_assert_eq(n, 3);
  cr_assert_eq(found[0], 8);
}

Test(velo_tracking, a_track_crosses_one_missed_station_and_stops_after_two) {
  const uint32_t one_gap[] = {20, 19, 18, 16, 15, 14}, two_gaps[] = {20, 19, 18, 15, 14, 13};
  uint32_t found[KST_VELO_MAX_TRACK_HITS], n;
  cr_assert_eq(search_one_track(from_origin, one_gap, 6, 1, found, &n), 1);
  cr_assert_eq(n, 6, "one track through the missed station (got %u hits)", n);
  /* Two missed stations end the first track; the rest is a second one. */
  cr_assert_eq(search_one_track(from_origin, two_gaps, 6, 1, found, &n), 2);
  cr_assert_eq(n, 3);
}

Test(velo_tracking, a_track_crossing_the_phi_seam_is_found_whole) {
  /* At x = -20 mm, y changes sign at z = 100 mm (station 8): the hits' phi jumps from near -pi to near +pi, so
     every window around them wraps and the hits lie on both sides of the seam. */
  const test_line seam = {-20.0f, -0.4f, 0.0f, 0.004f};
  const uint32_t stations[] = {14, 13, 12, 11, 10, 9, 8, 7, 6, 5};
  uint32_t found[KST_VELO_MAX_TRACK_HITS], n;
  cr_assert_eq(search_one_track(seam, stations, 10, 1, found, &n), 1);
  cr_assert_eq(n, 10, "one track with all ten hits (got %u)", n);
  for (uint32_t i = 0; i < 10; ++i) cr_assert_eq(found[i], stations[i], "hit %u on station %u", i, found[i]);
}

/* The phi index counts each module's hits below every bucket edge. Here the track's hits lie a micro-radian below a
   bucket edge (of 64 and of 256 buckets), and every station also holds 90 other hits at random phi, 30 of them on
   edges, so that most index entries are in play: an entry short by one hit would lose a track hit. */
Test(velo_tracking, a_track_on_phi_bucket_edges_is_found_whole_among_other_hits) {
  const float pi = 3.14159265359f, margin = 1e-3f;
  test_hit hits[5 + 5 * 90];
  uint32_t n = 0, rng = 12345u;
  /* A track from the origin at edge 24 of 64 buckets, which is edge 96 of 256, a micro-radian below it. */
  const float phi0 = -pi + 96.0f * (2.0f * pi / 256.0f) - margin - 1e-6f;
  const test_line on_edge = {0.0f, 0.0f, 0.1f * cosf(phi0), 0.1f * sinf(phi0)};
  for (uint32_t s = 14; s >= 10; --s) hits[n++] = on_line(on_edge, s);
  /* The other hits make 3-hit candidates of their own: the track is looked for by its first hit. */
  for (uint32_t s = 14; s >= 10; --s)
    for (uint32_t i = 0; i < 90; ++i) {
      rng = rng * 1664525u + 1013904223u;
      const float u = (float)(rng >> 8) / 16777216.0f;
      /* A third on edges of 256 buckets, the rest anywhere; all 20 to 45 mm out. */
      const float phi = i % 3u == 0 ? -pi + (float)(rng % 256u) * (2.0f * pi / 256.0f) - margin : -pi + 2.0f * pi * u;
      hits[n++] = at_polar(20.0f + 25.0f * u, phi, s);
    }
  uint32_t first[KST_VELO_MAX_TRACK_HITS], n_first;
  cr_assert_geq(search_hits(hits, n, 1, first, &n_first), 1);
  cr_assert_eq(n_first, 5, "the track's five hits (got %u)", n_first);
  for (uint32_t i = 0; i < 5; ++i) cr_assert_eq(first[i], i, "hit %u is input hit %u", i, first[i]);
}


/* Runs velo_consolidate on one event holding one track of n hits (given in the search's order, decreasing station)
   and returns its beam-line state. */
static kst_velo_state consolidate_one(const test_hit *hits, uint32_t n) {
  cr_assert(n >= 5 && n <= KST_VELO_MAX_TRACK_HITS, "five hits or more skip the short-track checks");
  float x[KST_VELO_MAX_TRACK_HITS], y[KST_VELO_MAX_TRACK_HITS], z[KST_VELO_MAX_TRACK_HITS], phi[KST_VELO_MAX_TRACK_HITS];
  uint32_t slot_hits[KST_VELO_MAX_TRACK_HITS] = {0}, offsets[KST_VELO_OFFSETS_PER_EVENT] = {0}, slot_count = 1;
  const kst_event_list_word list[2] = {1, 0};
  for (uint32_t i = 0; i < n; ++i) x[i] = hits[i].x, y[i] = hits[i].y, z[i] = hits[i].z, phi[i] = 0.0f, slot_hits[i] = i;
  offsets[KST_VELO_MODULES] = n;
  const kst_velo_track_slot slot = {n, 0, 1};
  kst_velo_hit_bytes *container = hit_container(x, y, z, phi, n);
  const kst_harness_input in[] = {{"dev_event_list", list, 2},
                                  {"dev_module_offsets", offsets, KST_VELO_OFFSETS_PER_EVENT},
                                  {"dev_velo_hits", container, n},
                                  {"dev_track_slots", &slot, 1},
                                  {"dev_track_slot_hits", slot_hits, KST_VELO_MAX_TRACK_HITS},
                                  {"dev_track_slot_count", &slot_count, 1}};
  kst_harness hr;
  kst_status st = kst_harness_init(&hr, "velo_consolidate", NULL, NULL, 0);
  if (!st.code) st = kst_harness_run(&hr, NULL, 1, in, 6);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(*(const uint32_t *)kst_harness_get(&hr, "dev_velo_track_counts", NULL), 1, "the track is kept");
  cr_assert_eq(*(const uint32_t *)kst_harness_get(&hr, "dev_velo_track_n_hits", NULL), n);
  const kst_velo_state beam = *(const kst_velo_state *)kst_harness_get(&hr, "dev_velo_states_beam", NULL);
  kst_harness_free(&hr);
  free(container);
  return beam;
}

/* The hits of a particle from (0, 0, vz) with slopes (tx, ty), one per station from `first` on, going forward
   (step +1) or backward (-1), that scatters by kink radians in x at every hit but its first and last, alternately
   one way and the other (a soft particle). */
static void soft_particle(float vz, float tx, float ty, uint32_t first, int step, uint32_t n, float kink,
                          test_hit *hits) {
  float px = 0.0f, py = 0.0f, pz = vz;
  for (uint32_t i = 0; i < n; ++i) {
    const float hz = 25.0f * (float)((int)first + step * (int)i) - 100.0f;
    px += tx * (hz - pz), py += ty * (hz - pz), pz = hz;
    hits[i] = (test_hit){px, py, hz};
    if (i > 0) tx += i % 2u ? kink : -kink;
  }
}

/* The z uncertainty of a beam-line state, from its x and y errors over its slope. */
static float beam_sigma_z(const kst_velo_state *s) {
  const float t2 = s->tx * s->tx + s->ty * s->ty;
  return sqrtf(s->c00 * s->tx * s->tx + s->c11 * s->ty * s->ty) / t2;
}

/* A backward particle from (0, 0, 50) that scatters at every hit. Its beam-line state must come from the filter that
   ends at its hit nearest the beam (the first in the search's order, which runs down the stations): carried back
   from the far end, across the kinks, the state would miss the origin by millimetres in z. The same particle flown
   forward gives the same answer. */
Test(velo_tracking, a_backward_track_takes_its_beam_line_state_from_the_hits_nearest_the_beam) {
  test_hit back[7], fwd[7];
  soft_particle(50.0f, -0.10f, -0.05f, 5, -1, 7, 0.005f, back);
  const kst_velo_state b = consolidate_one(back, 7);
  /* Carried back from the far end it lands at 53.4 mm. */
  cr_assert(fabsf(b.z - 50.0f) < 0.2f && fabsf(b.z - 50.0f) < 3.0f * beam_sigma_z(&b),
            "backward beam-line z %.4f +- %.4f, made at 50", (double)b.z, (double)beam_sigma_z(&b));
  /* Forward, from z = 50, mirrored in z: the search's order (down the stations) ends at the hit nearest the beam. */
  soft_particle(50.0f, 0.10f, 0.05f, 7, 1, 7, -0.005f, fwd);
  test_hit order[7];
  for (uint32_t i = 0; i < 7; ++i) order[i] = fwd[6 - i];
  const kst_velo_state f = consolidate_one(order, 7);
  cr_assert(fabsf(f.z - 50.0f) < 0.2f && fabsf(f.z - 50.0f) < 3.0f * beam_sigma_z(&f),
            "forward beam-line z %.4f +- %.4f, made at 50", (double)f.z, (double)beam_sigma_z(&f));
  cr_assert(fabsf((f.z - 50.0f) + (b.z - 50.0f)) < 1e-3f, "mirror images: %.5f and %.5f", (double)f.z, (double)b.z);
}

/* The same line hit by a straight particle and by one that scatters by 5 mrad at every hit: the fit measures the
   scattering from the kinks, so the soft particle's beam-line errors are larger, in y too (the scattering is the
   particle's). The slope-based noise alone would give both the same errors. */
Test(velo_tracking, a_track_that_kinks_gets_larger_errors_than_a_straight_one) {
  test_hit straight[8], soft[8], order_s[8], order_k[8];
  soft_particle(0.0f, 0.05f, 0.03f, 5, 1, 8, 0.0f, straight);
  soft_particle(0.0f, 0.05f, 0.03f, 5, 1, 8, 0.005f, soft);
  for (uint32_t i = 0; i < 8; ++i) order_s[i] = straight[7 - i], order_k[i] = soft[7 - i];
  const kst_velo_state s = consolidate_one(order_s, 8), k = consolidate_one(order_k, 8);
  cr_assert(fabsf(s.x) < 1e-4f && fabsf(s.y) < 1e-4f && fabsf(s.z) < 1e-3f, "the straight track points at the origin");
  cr_assert_gt(k.c00, 3.0f * s.c00, "soft var(x) %.3g against straight %.3g", (double)k.c00, (double)s.c00);
  cr_assert_gt(k.c22, 3.0f * s.c22, "soft var(tx) %.3g against straight %.3g", (double)k.c22, (double)s.c22);
  cr_assert_gt(k.c11, 3.0f * s.c11, "soft var(y) %.3g against straight %.3g", (double)k.c11, (double)s.c11);
}
