/* track_network kernel: a block per listed event, a thread per VELO track slot; long tracks get the network's score,
   the others 1 (not a long track: never selected as one). */
#include "device/common/kst_network.h"
#include "device/fit/track_features.h"
#include "device/fit/track_network.h"
#include "kst_dialect.h"

KST_GLOBAL track_network_kernel(track_network_args a, kst_feature_list f, const kst_network *net) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t t0 = a.dev_velo_track_offsets.data[e], t1 = a.dev_velo_track_offsets.data[e + 1];
  for (uint32_t t = t0 + threadIdx.x; t < t1; t += blockDim.x) {
    const kst_long_track *l = &a.dev_long_tracks.data[t];
    if (!l->n_hits) {
      a.dev_ghost_probs.data[t] = 1.0f;
      continue;
    }
    float x[KST_NET_MAX_INPUTS];
    for (uint32_t i = 0; i < f.n; ++i)
      x[i] = kst_track_feature(l, &a.dev_long_states_beam.data[t], a.dev_velo_track_n_hits.data[t], f.code[i]);
    a.dev_ghost_probs.data[t] = kst_network_score(net, x);
  }
}

KST_EXTERN_C kst_status kst_track_network_launch(track_network_args a, kst_feature_list f, const kst_network *net,
                                                 kst_stream *stream) {
  const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (blocks == 0) return kst_ok();
  KST_LAUNCH(track_network_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, f, net);
  return kst_launch_check("track_network_kernel");
}
