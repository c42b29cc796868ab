/* Fault injection: every device and host allocation of a VELO+PV run on 10 events is made to fail in turn; each
   failure must be a clean error naming the allocation, and the run after the walk must give the normal results. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "input/simulation/generate.h"
#include "kst_backend.h"
#include "velo_run.h"

/* One run of velo_pv.json with validation on src; its status, and the tracks it counted when it succeeded. */
static kst_status run_once(const kst_sequence *seq, const kst_event_source *src, uint64_t *tracks) {
  kst_run_result r;
  const kst_status s = kst_run(seq, src, &(kst_run_options){.validate = 1, .batch_size = 4}, &r);
  if (!s.code) *tracks = kst_result_counter(&r, seq, "velo_summary", "velo_tracks")->values[0];
  kst_run_result_free(&r, seq);
  return s;
}

Test(fault, every_allocation_of_a_run_fails_cleanly, .timeout = 300) {
  char path[] = "/tmp/kst_fault_XXXXXX";
  close(mkstemp(path));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 10, path, NULL).code, KST_OK);
  kst_sequence seq;
  velo_load(&seq, "sequences/velo_pv.json");
  kst_event_source src;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  uint64_t expected = 0, tracks = 0;
  kst_fault_fail_allocation(0);
  cr_assert_eq(run_once(&seq, &src, &expected).code, KST_OK);
  const uint64_t allocations = kst_fault_allocations();
  cr_log_info("%llu allocations in the run", (unsigned long long)allocations);
  cr_assert_geq(allocations, 5, "a run allocates its condition, arenas and batch buffers (%llu)", (unsigned long long)allocations);
  for (uint64_t n = 1; n <= allocations; ++n) {
    kst_fault_fail_allocation(n);
    const kst_status s = run_once(&seq, &src, &tracks);
    cr_assert_eq(s.code, KST_ERR_NOMEM, "allocation %llu of %llu: %s", (unsigned long long)n,
                 (unsigned long long)allocations, s.msg);
    cr_assert(strstr(s.msg, "injected failure of allocation"), "allocation %llu: %s", (unsigned long long)n, s.msg);
  }
  kst_fault_fail_allocation(0);
  cr_assert_eq(run_once(&seq, &src, &tracks).code, KST_OK);
  cr_assert_eq(tracks, expected, "after the walk, the same results");
  kst_events_free(&src);
  kst_sequence_free(&seq);
  unlink(path);
}

Test(fault, every_file_read_of_a_run_fails_cleanly, .timeout = 120) {
  /* The reads: the sequence, the MDF file and the geometry condition; each refused in turn gives an I/O error naming
     the file, and nothing leaks (under AddressSanitizer). */
  char path[] = "/tmp/kst_fault_XXXXXX";
  close(mkstemp(path));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 10, path, NULL).code, KST_OK);
  uint64_t reads = 0;
  for (uint64_t n = 0; n == 0 || n <= reads; ++n) {
    kst_fault_fail_read(n);
    kst_sequence seq;
    kst_problems pb;
    kst_event_source src;
    kst_run_result r;
    const char *paths[] = {path};
    kst_status s = kst_sequence_load(&seq, "sequences/velo_pv.json", &pb);
    kst_problems_free(&pb);
    if (!s.code) {
      s = kst_events_load(&src, paths, 1, 0);
      if (!s.code) {
        s = kst_run(&seq, &src, &(kst_run_options){.validate = 1, .batch_size = 4}, &r);
        kst_run_result_free(&r, &seq);
        kst_events_free(&src);
      }
    }
    kst_sequence_free(&seq);
    if (n == 0) {
      cr_assert_eq(s.code, KST_OK, "%s", s.msg);
      reads = kst_fault_reads();
      cr_assert_geq(reads, 3, "the sequence, the events and the geometry are read (%llu)", (unsigned long long)reads);
      continue;
    }
    cr_assert_eq(s.code, KST_ERR_IO, "read %llu of %llu: %s", (unsigned long long)n, (unsigned long long)reads, s.msg);
    cr_assert(strstr(s.msg, "injected failure of file read"), "read %llu: %s", (unsigned long long)n, s.msg);
  }
  kst_fault_fail_read(0);
  unlink(path);
}
