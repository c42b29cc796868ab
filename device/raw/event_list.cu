/* event_list_init kernel. */
#include "device/raw/event_list.h"
#include "kst_dialect.h"

KST_GLOBAL event_list_kernel(event_list_init_args a, uint32_t n) {
  const uint32_t first = blockIdx.x * blockDim.x + threadIdx.x;
  if (first == 0) a.dev_event_list.data[0] = n;
  for (uint32_t i = first; i < n; i += gridDim.x * blockDim.x) a.dev_event_list.data[1u + i] = i;
}

KST_EXTERN_C kst_status kst_event_list_init_launch(event_list_init_args a, kst_stream *stream) {
  if (a.dev_event_list.count == 0) return kst_ok();
  const uint32_t n = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  const unsigned block = a.props.block_dim;
  KST_LAUNCH(event_list_kernel, KST_DIM3(KST_BLOCKS(n, block), 1, 1), KST_DIM3(block, 1, 1), 0, stream, a, n);
  return kst_launch_check("event_list_kernel");
}
