/* track_network: a network's score for every long track, from the track features the sequence names
   (docs/networks.md): the ghost probability the one- and two-track lines can cut on. */
#ifndef KST_TRACK_NETWORK_H
#define KST_TRACK_NETWORK_H

#include "device/common/kst_algorithm.h"
#include "device/common/kst_features.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/velo_tracks.h"

#define TRACK_NETWORK_PARAMS(P)                               \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)        \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)           \
  P(dev_velo_track_n_hits, DEVICE_INPUT, uint32_t)            \
  P(dev_long_tracks, DEVICE_INPUT, kst_long_track)            \
  P(dev_long_states_beam, DEVICE_INPUT, kst_velo_state)       \
  P(dev_ghost_probs, DEVICE_OUTPUT, float)

#define TRACK_NETWORK_PROPS(Q)                                                                                     \
  Q(features, STRING, 1, "\"chi2ndof,velo_hits,scifi_hits,x_layers,quality,log_rms,log_p,log_pt,eta\"", 1, 0,      \
    "the network's inputs, comma-separated names of device/fit/track_features.h (the shipped network's)")          \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (a block per event, a thread per track)")
KST_ALGORITHM_ARGS(track_network, TRACK_NETWORK_PARAMS, TRACK_NETWORK_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Scores every long track of the listed events with the network (device copy); other slots get 1. */
kst_status kst_track_network_launch(track_network_args a, kst_feature_list f, const kst_network *net, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
