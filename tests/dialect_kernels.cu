/* Kernels used by test_dialect.c to check atomics and barrier semantics of the dialect. */
#include "kst_dialect.h"

/* Each block sums its slice into shared memory, waits at the barrier, then folds into global totals. */
KST_GLOBAL atomics_kernel(const uint32_t *in, uint32_t n, uint32_t *out) {
  __shared__ uint32_t block_sum;
  if (threadIdx.x == 0) block_sum = 0;
  kst_syncthreads();
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    kst_atomic_add_u32(&block_sum, in[i]);
    kst_atomic_min_u32(&out[1], in[i]);
    kst_atomic_max_u32(&out[2], in[i]);
    kst_atomic_or_u32(&out[3], in[i]);
    kst_atomic_min_i32((int32_t *)&out[4], (int32_t)in[i] - 50);
    kst_atomic_max_i32((int32_t *)&out[5], (int32_t)in[i] - 50);
  }
  kst_syncthreads();
  if (threadIdx.x == 0) kst_atomic_add_u32(&out[0], block_sum);
  /* Claim slot 6 once: only the first compare-and-swap from 0 wins. */
  if (threadIdx.x == 0 && kst_atomic_cas_u32(&out[6], 0u, blockIdx.x + 1u) == 0u) kst_atomic_add_u32(&out[7], 1u);
}

KST_EXTERN_C kst_status test_atomics(const uint32_t *in, uint32_t n, uint32_t *out, unsigned grid, kst_stream *s) {
  KST_LAUNCH(atomics_kernel, KST_DIM3(grid, 1, 1), KST_DIM3(128, 1, 1), 0, s, in, n, out);
  return kst_launch_check("atomics_kernel");
}

/* Reverses each block's 64-element tile through shared memory: correct only if the barrier holds. */
KST_GLOBAL reverse_kernel(const uint32_t *in, uint32_t *out) {
  KST_DYNAMIC_SHARED(uint32_t, tile);
  const uint32_t base = blockIdx.x * 64u;
  for (uint32_t i = threadIdx.x; i < 64u; i += blockDim.x) tile[i] = in[base + i];
  kst_syncthreads();
  for (uint32_t i = threadIdx.x; i < 64u; i += blockDim.x) out[base + i] = tile[63u - i];
}

KST_EXTERN_C kst_status test_reverse(const uint32_t *in, uint32_t *out, unsigned tiles, kst_stream *s) {
  KST_LAUNCH(reverse_kernel, KST_DIM3(tiles, 1, 1), KST_DIM3(64, 1, 1), 64 * sizeof(uint32_t), s, in, out);
  return kst_launch_check("reverse_kernel");
}
