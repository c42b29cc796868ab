/* CPU state behind the kernel dialect: per-thread block indices and dynamic shared memory. */
#include <stdlib.h>

#include "kst_dialect.h"

KST_CPU_TLS kst_dim3 kst_cpu_block_idx;
KST_CPU_TLS kst_dim3 kst_cpu_grid_dim;
KST_CPU_TLS void *kst_cpu_dynamic_shared;
KST_CPU_TLS const char *kst_cpu_launch_error;
static _Thread_local unsigned long shared_bytes;

void kst_backend_thread_end(void) {
  free(kst_cpu_dynamic_shared);
  kst_cpu_dynamic_shared = NULL;
  shared_bytes = 0;
}

int kst_cpu_reserve_shared(unsigned long bytes) {
  if (bytes <= shared_bytes) return 1;
  void *p = realloc(kst_cpu_dynamic_shared, bytes);
  if (!p) return 0;
  kst_cpu_dynamic_shared = p;
  shared_bytes = bytes;
  return 1;
}
