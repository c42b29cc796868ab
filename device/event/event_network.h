/* event_network: a network's score for every event from event-level features (docs/networks.md): the anomaly
   autoencoder's reconstruction error, for the anomaly line. */
#ifndef KST_EVENT_NETWORK_H
#define KST_EVENT_NETWORK_H

#include "device/common/kst_algorithm.h"
#include "device/common/kst_features.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_tracks.h"

#define EVENT_NETWORK_PARAMS(P)                               \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)        \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)           \
  P(dev_long_tracks, DEVICE_INPUT, kst_long_track)            \
  P(dev_long_states_beam, DEVICE_INPUT, kst_velo_state)       \
  P(dev_track_pv, DEVICE_INPUT, kst_track_pv)                 \
  P(dev_pv_counts, DEVICE_INPUT, uint32_t)                    \
  P(dev_svs, DEVICE_INPUT, kst_sv)                            \
  P(dev_sv_counts, DEVICE_INPUT, uint32_t)                    \
  P(dev_event_scores, DEVICE_OUTPUT, float)

#define EVENT_NETWORK_PROPS(Q)                                                                                     \
  Q(features, STRING, 1, "\"n_long,n_displaced,log_max_pt,log_max_ip_chi2,log_max_fd_chi2,log_max_mcor\"", 1, 0,    \
    "the network's inputs, comma-separated names of device/event/event_features.h (the shipped network's)")
KST_ALGORITHM_ARGS(event_network, EVENT_NETWORK_PARAMS, EVENT_NETWORK_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Scores every listed event with the network (device copy); unlisted events keep 0. */
kst_status kst_event_network_launch(event_network_args a, kst_feature_list f, const kst_network *net, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
