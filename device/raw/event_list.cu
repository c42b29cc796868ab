/* event_list_init kernel. */
#include "device/raw/event_list.h"
#include "kst_dialect.h"

KST_GLOBAL event_list_kernel(event_list_init_args a) {
  for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < a.dev_event_list.count; i += gridDim.x * blockDim.x)
    a.dev_event_list.data[i] = i;
}

KST_EXTERN_C kst_status kst_event_list_init_launch(event_list_init_args a, kst_stream *stream) {
  if (a.dev_event_list.count == 0) return kst_ok();
  unsigned block = a.props.block_dim;
  KST_LAUNCH(event_list_kernel, KST_DIM3(KST_BLOCKS(a.dev_event_list.count, block), 1, 1), KST_DIM3(block, 1, 1), 0,
             stream, a);
  return kst_launch_check("event_list_kernel");
}
