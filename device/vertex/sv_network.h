/* sv_network: a network's score for every two-track vertex, from the vertex features the sequence names
   (docs/networks.md): the two-track classifier's input to its line. */
#ifndef KST_SV_NETWORK_H
#define KST_SV_NETWORK_H

#include "device/common/kst_algorithm.h"
#include "device/common/kst_features.h"
#include "device/event_model/event_list.h"
#include "device/event_model/network.h"
#include "device/event_model/secondary_vertices.h"

#define SV_NETWORK_PARAMS(P)                                  \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)        \
  P(dev_svs, DEVICE_INPUT, kst_sv)                            \
  P(dev_sv_counts, DEVICE_INPUT, uint32_t)                    \
  P(dev_sv_scores, DEVICE_OUTPUT, float)

#define SV_NETWORK_PROPS(Q)                                                                                        \
  Q(features, STRING, 1, "\"log_fd_chi2,log_sum_pt,chi2,log_min_ip_chi2,log_min_track_pt,log_mcor,eta,doca\"", 1, 0, \
    "the network's inputs, comma-separated names of device/vertex/sv_features.h (the shipped network's)")           \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (a block per event, a thread per vertex)")
KST_ALGORITHM_ARGS(sv_network, SV_NETWORK_PARAMS, SV_NETWORK_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Scores every vertex of the listed events with the network (device copy). */
kst_status kst_sv_network_launch(sv_network_args a, kst_feature_list f, const kst_network *net, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
