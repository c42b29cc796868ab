/* low_hits kernel: one block per listed event, its threads striding over the event's hits. */
#include "kst_dialect.h"
#include "tests/example/low_hits.h"

KST_GLOBAL low_hits_kernel(low_hits_args a) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  const float *y = kst_velo_hits_view(a.dev_velo_hits.data, a.dev_velo_hits.count).y;
  __shared__ uint32_t n;
  if (threadIdx.x == 0) n = 0;
  kst_syncthreads();
  for (uint32_t h = off[0] + threadIdx.x; h < off[KST_VELO_OFFSETS_PER_EVENT - 1]; h += blockDim.x)
    if (y[h] < a.props.max_y && y[h] > -a.props.max_y) kst_atomic_add_u32(&n, 1u);
  kst_syncthreads();
  if (threadIdx.x == 0) a.dev_low_hits.data[e] = n;
}

KST_EXTERN_C kst_status kst_low_hits_launch(low_hits_args a, kst_stream *stream) {
  const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (blocks == 0) return kst_ok();
  KST_LAUNCH(low_hits_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a);
  return kst_launch_check("low_hits_kernel");
}
