/* event_network kernel: a block per listed event, its first thread computes the features in slot order and the score. */
#include "device/common/kst_network.h"
#include "device/event/event_features.h"
#include "device/event/event_network.h"
#include "kst_dialect.h"

KST_GLOBAL event_network_kernel(event_network_args a, kst_feature_list f, const kst_network *net, uint32_t events) {
  if (threadIdx.x != 0 || KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t t0 = a.dev_velo_track_offsets.data[e], slots = (uint32_t)(a.dev_svs.count / events);
  const kst_event_inputs in = {&a.dev_long_tracks.data[t0], &a.dev_long_states_beam.data[t0], &a.dev_track_pv.data[t0],
                               a.dev_velo_track_offsets.data[e + 1] - t0, a.dev_pv_counts.data[e],
                               a.dev_sv_counts.data[e] < slots ? a.dev_sv_counts.data[e] : slots,
                               &a.dev_svs.data[(uint64_t)e * slots]};
  float all[KST_EVF_COUNT], x[KST_NET_MAX_INPUTS];
  kst_event_features(&in, all);
  for (uint32_t i = 0; i < f.n; ++i) x[i] = all[f.code[i]];
  a.dev_event_scores.data[e] = kst_network_score(net, x);
}

KST_EXTERN_C kst_status kst_event_network_launch(event_network_args a, kst_feature_list f, const kst_network *net,
                                                 kst_stream *stream) {
  const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (blocks == 0) return kst_ok();
  KST_LAUNCH(event_network_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(1, 1, 1), 0, stream, a, f, net,
             (uint32_t)a.dev_sv_counts.count);
  return kst_launch_check("event_network_kernel");
}
