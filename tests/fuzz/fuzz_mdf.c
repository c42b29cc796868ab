/* libFuzzer harness: MDF bytes through the reader, the batch builder and, with validation, sequences/velo_pv.json
   (VELO decoding, tracking, vertices and the checkers reading the MC banks) and, when ../shared/data holds the
   detector files, sequences/downstream_decoding.json (UT and SciFi decoding and their checkers). */
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "host/runtime/runtime.h"

#define DETECTOR KST_SOURCE_DIR "/../shared/data/lhcb/detector/"

static const char *const detector_files[] = {"ut_boards=" DETECTOR "ut_boards.bin", "ut_geometry=" DETECTOR "ut_geometry.bin",
                                             "scifi_geometry=" DETECTOR "scifi_geometry.bin"};

/* Runs seq over src; every outcome but a crash is fine. */
static void run(const kst_sequence *seq, const kst_event_source *src, const char *const *conditions, uint32_t n) {
  /* Small batches and separate buffers: more batch boundaries per input, and every overrun seen. */
  const kst_run_options o = {.threads = 1, .batch_size = 4, .validate = 1, .debug_memory = 1,
                             .memory_budget = 1ull << 30, .conditions = conditions, .n_conditions = n};
  kst_run_result r;
  (void)kst_run(seq, src, &o, &r);
  kst_run_result_free(&r, seq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static kst_sequence velo, downstream;
  static int loaded, has_detector;
  if (!loaded) {
    kst_problems pb;
    if (kst_sequence_load(&velo, KST_SOURCE_DIR "/sequences/velo_pv.json", &pb).code) abort();
    kst_problems_free(&pb);
    has_detector = access(DETECTOR "scifi_geometry.bin", R_OK) == 0;
    if (has_detector && kst_sequence_load(&downstream, KST_SOURCE_DIR "/sequences/downstream_decoding.json", &pb).code)
      abort();
    if (has_detector) kst_problems_free(&pb);
    loaded = 1;
  }
  const char *paths[] = {fuzz_file(data, size)};
  kst_event_source src;
  if (kst_events_load(&src, paths, 1, 0).code) return 0;
  run(&velo, &src, NULL, 0);
  if (has_detector) run(&downstream, &src, detector_files, 3);
  kst_events_free(&src);
  return 0;
}
