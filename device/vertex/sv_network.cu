/* sv_network kernel: a block per listed event, a thread per vertex, each vertex's features through the network. */
#include "device/common/kst_network.h"
#include "device/vertex/sv_features.h"
#include "device/vertex/sv_network.h"
#include "kst_dialect.h"

KST_GLOBAL sv_network_kernel(sv_network_args a, kst_feature_list f, const kst_network *net, uint32_t slots) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  for (uint32_t k = threadIdx.x; k < a.dev_sv_counts.data[e]; k += blockDim.x) {
    const uint64_t slot = (uint64_t)e * slots + k;
    float x[KST_NET_MAX_INPUTS];
    for (uint32_t i = 0; i < f.n; ++i) x[i] = kst_sv_feature(&a.dev_svs.data[slot], f.code[i]);
    a.dev_sv_scores.data[slot] = kst_network_score(net, x);
  }
}

KST_EXTERN_C kst_status kst_sv_network_launch(sv_network_args a, kst_feature_list f, const kst_network *net,
                                              kst_stream *stream) {
  const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (blocks == 0) return kst_ok();
  const uint32_t slots = (uint32_t)(a.dev_svs.count / a.dev_sv_counts.count);
  KST_LAUNCH(sv_network_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, f, net, slots);
  return kst_launch_check("sv_network_kernel");
}
