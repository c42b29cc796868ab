/* event_feature_dump: every event's features, with whether it has a signal decay, as CSV for training the anomaly
   autoencoder (tools/train_network.py --target events; docs/networks.md). */
#ifndef KST_EVENT_FEATURE_DUMP_H
#define KST_EVENT_FEATURE_DUMP_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_tracks.h"

#define EVENT_FEATURE_DUMP_PARAMS(P)                           \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)       \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)          \
  P(dev_long_tracks, DEVICE_TO_HOST, kst_long_track)           \
  P(dev_long_states_beam, DEVICE_TO_HOST, kst_velo_state)      \
  P(dev_track_pv, DEVICE_TO_HOST, kst_track_pv)                \
  P(dev_pv_counts, DEVICE_TO_HOST, uint32_t)                   \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)                           \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(event_feature_dump, EVENT_FEATURE_DUMP_PARAMS, KST_NO_PROPS)

#endif
