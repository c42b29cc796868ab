/* Test helpers: run a VELO sequence (file or JSON text) over MDF files and read its checker and counters. */
#ifndef KST_TEST_VELO_RUN_H
#define KST_TEST_VELO_RUN_H

#include <criterion/criterion.h>
#include <string.h>

#include "checker/track_checker.h"
#include "host/runtime/runtime.h"

#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"
#define REAL_GEOMETRY "../shared/data/lhcb/velo_geometry.bin"

/* Loads seq from a file, or from JSON text when the argument starts with '{'. */
static inline void velo_load(kst_sequence *seq, const char *file_or_json) {
  kst_problems pb;
  kst_status s = file_or_json[0] == '{' ? kst_sequence_parse(seq, file_or_json, "test.json", &pb)
                                        : kst_sequence_load(seq, file_or_json, &pb);
  cr_assert_eq(s.code, KST_OK, "%s: %s", s.msg, pb.n ? pb.lines[0] : "");
  kst_problems_free(&pb);
}

/* Runs seq over path with options o; fails the test on any error. */
static inline void velo_run(const kst_sequence *seq, const char *path, kst_run_options o, kst_run_result *r) {
  kst_event_source src;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  kst_status s = kst_run(seq, &src, &o, r);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  kst_events_free(&src);
}

/* The track checker accumulated by the instance called name. */
static inline const kst_track_checker *velo_checker(const kst_run_result *r, const kst_sequence *seq, const char *name) {
  int i = kst_sequence_find(seq, name);
  cr_assert(i >= 0 && r->accumulators && r->accumulators[i], "no checker %s", name);
  return (const kst_track_checker *)r->accumulators[i];
}

/* Efficiency (percent) of a category. */
static inline double velo_eff(const kst_track_checker *c, int cat) {
  kst_track_category_stats st;
  cr_assert_eq(kst_track_checker_category(c, cat, &st).code, KST_OK);
  return 100.0 * st.efficiency;
}

/* Fills an algorithm's props struct with every property's default (the struct holds them in declaration order,
   each aligned like its type: all 4-byte in the algorithms tested this way). */
static inline void default_props(const kst_alg_desc *d, void *props) {
  char *owned = NULL, msg[128];
  uint8_t *at = (uint8_t *)props;
  for (uint32_t p = 0; p < d->n_props; ++p) {
    cr_assert(kst_property_parse(&d->props[p], d->props[p].default_json, at, &owned, msg, sizeof msg), "%s", msg);
    at += d->props[p].size;
  }
}

#endif
