/* libFuzzer harness: a velopix JSON event through its reader. */
#include "fuzz_file.h"
#include "input/velopix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kst_velopix_event ev;
  if (kst_velopix_read(&ev, fuzz_file(data, size)).code == KST_OK) kst_velopix_free(&ev);
  return 0;
}
