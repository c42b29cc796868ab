/* Histogram kernel: per-block counts in shared memory, then one atomic add per bin to global memory. */
#include "device/common/histogram.h"
#include "kst_dialect.h"

KST_GLOBAL histogram_kernel(const float *KST_RESTRICT values, uint32_t n, float lo, float inv_width, uint32_t n_bins,
                            uint32_t *KST_RESTRICT bins) {
  KST_DYNAMIC_SHARED(uint32_t, local);
  for (uint32_t b = threadIdx.x; b < n_bins; b += blockDim.x) local[b] = 0;
  kst_syncthreads();
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    float t = (values[i] - lo) * inv_width;
    /* Written as a positive test so NaN falls out too. */
    if (t >= 0.0f && t < (float)n_bins) kst_atomic_add_u32(&local[(uint32_t)t], 1u);
  }
  kst_syncthreads();
  for (uint32_t b = threadIdx.x; b < n_bins; b += blockDim.x)
    if (local[b]) kst_atomic_add_u32(&bins[b], local[b]);
}

KST_EXTERN_C kst_status kst_histogram_f32(const float *values, uint32_t n, float lo, float hi, uint32_t n_bins,
                                          uint32_t *bins, kst_stream *stream) {
  if (n_bins == 0 || !(hi > lo)) return kst_error(KST_ERR_INVALID, "kst_histogram_f32: need n_bins > 0 and hi > lo");
  KST_TRY(kst_memset(bins, 0, (size_t)n_bins * sizeof *bins, stream));
  if (n == 0) return kst_ok();
  const unsigned block = 256;
  unsigned grid = KST_BLOCKS(n, block);
  if (grid > 1024) grid = 1024;
  const float inv_width = (float)n_bins / (hi - lo);
  KST_LAUNCH(histogram_kernel, KST_DIM3(grid, 1, 1), KST_DIM3(block, 1, 1), n_bins * sizeof(uint32_t), stream, values,
             n, lo, inv_width, n_bins, bins);
  return kst_launch_check("histogram_kernel");
}
