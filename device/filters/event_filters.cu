/* The event filters' kernel: one block walks the input list, tests each event's count and compacts the events that
   pass, keeping their order (a warp's votes give each passing event its rank, so the output is deterministic). */
#include "device/filters/event_filters.h"
#include "kst_dialect.h"

#define MAX_WARPS (1024 / KST_WARP_SIZE)

KST_GLOBAL count_filter_kernel(const kst_event_list_word *in, const uint32_t *offsets, uint32_t lo, uint32_t hi,
                               kst_event_list_word *out) {
  __shared__ uint32_t warp_first[MAX_WARPS];
  __shared__ uint32_t kept;
  const uint32_t n = in[0], warp = threadIdx.x / KST_WARP_SIZE;
  const uint32_t n_warps = (blockDim.x + KST_WARP_SIZE - 1) / KST_WARP_SIZE;
  if (threadIdx.x == 0) kept = 0;
  kst_syncthreads();
  /* Every thread takes every turn, so each vote sees whole warps. */
  for (uint32_t first = 0; first < n; first += blockDim.x) {
    const uint32_t slot = first + threadIdx.x;
    uint32_t e = 0;
    int pass = 0;
    if (slot < n) {
      e = in[1u + slot];
      const uint32_t count = offsets[e + 1] - offsets[e];
      pass = count >= lo && count <= hi;
    }
    const kst_lanemask votes = kst_ballot(pass);
    if (kst_lane() == 0) warp_first[warp] = kst_popc(votes);
    kst_syncthreads();
    if (threadIdx.x == 0) {
      uint32_t at = kept;
      for (uint32_t w = 0; w < n_warps; ++w) {
        const uint32_t c = warp_first[w];
        warp_first[w] = at;
        at += c;
      }
      kept = at;
    }
    kst_syncthreads();
    if (pass) out[1u + warp_first[warp] + kst_popc(votes & kst_lanes_below())] = e;
    /* warp_first is rewritten by the next turn. */
    kst_syncthreads();
  }
  if (threadIdx.x == 0) out[0] = kept;
}

KST_EXTERN_C kst_status kst_count_filter_launch(const kst_event_list_word *in, const uint32_t *offsets, uint32_t lo,
                                                uint32_t hi, kst_event_list_word *out, uint32_t block_dim,
                                                kst_stream *stream) {
  KST_LAUNCH(count_filter_kernel, KST_DIM3(1, 1, 1), KST_DIM3(block_dim, 1, 1), 0, stream, in, offsets, lo, hi, out);
  return kst_launch_check("count_filter_kernel");
}
