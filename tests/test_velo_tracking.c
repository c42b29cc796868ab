/* VELO tracking: efficiency floors on real LHCb data, determinism of the tracks, and the capacity overflow. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "input/velopix_convert.h"
#include "input/file.h"
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
