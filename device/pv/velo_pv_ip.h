/* velo_pv_ip: for every VELO track, its best primary vertex (smallest IP chi2), impact parameter and IP chi2. */
#ifndef KST_VELO_PV_IP_H
#define KST_VELO_PV_IP_H

#include "device/event_model/pvs.h"
#include "device/event_model/velo_tracks.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

/* A track's association to its best primary vertex; pv is KST_NO_PV when the event has none. */
typedef struct kst_track_pv {
  uint32_t pv;   /* index among the event's vertices */
  float ip;      /* transverse-to-track distance of closest approach to the vertex (mm) */
  float ip_chi2; /* chi2 of the track's x, y offset at the vertex z, with track and vertex errors */
} kst_track_pv;

#define KST_NO_PV 0xFFFFFFFFu
/* An event's association counts, at 2 e + these in dev_track_pv_counts: its tracks with a vertex, and of those the
   ones with IP chi2 above 9 (more than 3 sigma from their best vertex). Summaries copy these back, not the tracks. */
#define KST_TRACKS_WITH_PV 0u
#define KST_TRACKS_DISPLACED 1u

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
