/* Test helpers: simulated files with the downstream detector, and skipping when LHCb's detector files are absent. */
#ifndef KST_TEST_SIM_DOWNSTREAM_H
#define KST_TEST_SIM_DOWNSTREAM_H

#include <criterion/criterion.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "input/simulation/generate.h"

#define DETECTOR "../shared/data/lhcb/detector"

/* Skips the test when ../shared/data has no detector files. */
static inline void need_detector(void) {
  if (access(DETECTOR "/ut_boards.bin", R_OK) != 0) cr_skip_test("../shared/data not present: the detector files are needed");
}

/* n events (seed, optional signal) with the ideal VELO and LHCb's UT and SciFi into path. */
static inline void generate_downstream(const char *path, uint64_t seed, uint32_t n, const char *signal) {
  static kst_velo_geometry g;
  static kst_sim_downstream d;
  kst_geometry_ideal(&g);
  kst_status s = kst_sim_downstream_load(&d, DETECTOR);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  kst_sim_options o;
  kst_sim_options_default(&o);
  o.seed = seed, o.downstream = &d;
  if (signal) cr_assert_eq(kst_sim_signal_parse(signal, &o.signal).code, KST_OK);
  s = kst_sim_generate_file(&o, &g, n, path, NULL);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
}

#endif
