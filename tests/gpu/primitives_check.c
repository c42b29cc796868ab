/* Standalone driver for the device primitive checks on a GPU build: one line per case, then a summary. */
#include <stdio.h>
#include <string.h>

#include "tests/primitives_cases.h"

int main(int argc, char **argv) {
  kst_pc_ctx ctx;
  kst_device_props props;
  kst_status s;
  unsigned passed = 0, failed = 0;
  /* An optional argument picks cases by name prefix, for rerunning one failure. */
  const char *only = argc > 1 ? argv[1] : "";

  memset(&ctx, 0, sizeof ctx);
  s = kst_backend_init(0);
  if (s.code == KST_OK) s = kst_device_properties(&props);
  if (s.code == KST_OK) s = kst_stream_create(&ctx.stream);
  if (s.code != KST_OK) {
    printf("setup failed: %s: %s\n", kst_code_name(s.code), s.msg);
    printf("primitives: 0 passed, 1 failed\n");
    return 1;
  }
  printf("backend %s, device %s\n", kst_backend_name(), props.name);
  for (size_t k = 0; k < KST_PC_N_CASES; ++k) {
    const kst_pc_case *kc = &kst_pc_cases[k];
    if (strncmp(kc->name, only, strlen(only)) != 0) continue;
    for (size_t i = 0; i < (kc->sized ? KST_PC_N_SIZES : 1); ++i) {
      uint32_t n = kc->sized ? kst_pc_sizes[i] : 0;
      if (kst_pc_run(&ctx, kc, n)) {
        ++passed;
        printf("ok   %s n=%u\n", kc->name, n);
      } else {
        ++failed;
        printf("FAIL %s n=%u: %s\n", kc->name, n, ctx.why);
      }
      fflush(stdout);
    }
  }
  (void)kst_stream_destroy(ctx.stream);
  printf("primitives: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
