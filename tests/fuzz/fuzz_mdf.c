/* libFuzzer harness: MDF bytes through the reader, the batch builder and sequences/velo_pv.json with validation
   (VELO decoding, tracking, vertices, and the checkers reading the MC banks). */
#include <string.h>

#include "fuzz_file.h"
#include "host/runtime/runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static kst_sequence seq;
  static int loaded;
  if (!loaded) {
    kst_problems pb;
    if (kst_sequence_load(&seq, KST_SOURCE_DIR "/sequences/velo_pv.json", &pb).code) abort();
    kst_problems_free(&pb);
    loaded = 1;
  }
  const char *paths[] = {fuzz_file(data, size)};
  kst_event_source src;
  if (kst_events_load(&src, paths, 1, 0).code) return 0;
  /* Small batches and separate buffers: more batch boundaries per input, and every overrun seen. */
  const kst_run_options o = {.threads = 1, .batch_size = 4, .validate = 1, .debug_memory = 1,
                             .memory_budget = 1ull << 30};
  kst_run_result r;
  if (kst_run(&seq, &src, &o, &r).code == KST_OK) kst_run_result_free(&r, &seq);
  kst_events_free(&src);
  return 0;
}
