/* velo_pv_ip: for every VELO track, its best primary vertex (smallest IP chi2), impact parameter and IP chi2. */
#ifndef KST_VELO_PV_IP_H
#define KST_VELO_PV_IP_H

#include "device/event_model/pvs.h"
#include "device/event_model/velo_tracks.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define VELO_PV_IP_PARAMS(P)                                \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)          \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_velo_states_beam, DEVICE_INPUT, kst_velo_state)     \
  P(dev_pvs, DEVICE_INPUT, kst_pv)                          \
  P(dev_pv_counts, DEVICE_INPUT, uint32_t)                  \
  P(dev_track_pv, DEVICE_OUTPUT, kst_track_pv)             \
  P(dev_track_pv_counts, DEVICE_OUTPUT, uint32_t)
#define VELO_PV_IP_PROPS(Q) Q(block_dim, UINT, 1, "128", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(velo_pv_ip, VELO_PV_IP_PARAMS, VELO_PV_IP_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches one block per listed event. */
kst_status kst_velo_pv_ip_launch(velo_pv_ip_args a, uint32_t pvs_per_event, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
