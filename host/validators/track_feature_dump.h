/* track_feature_dump: every long track's features with its truth (ghost or not), as CSV for training the ghost
   network (tools/train_network.py --target ghosts; docs/networks.md). */
#ifndef KST_TRACK_FEATURE_DUMP_H
#define KST_TRACK_FEATURE_DUMP_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "host/validators/long_views.h"

#define TRACK_FEATURE_DUMP_PARAMS(P)                           \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)       \
  KST_LONG_VIEW_PARAMS(P)                                      \
  P(dev_long_states_beam, DEVICE_TO_HOST, kst_velo_state)
KST_ALGORITHM_ARGS(track_feature_dump, TRACK_FEATURE_DUMP_PARAMS, KST_NO_PROPS)

#endif
