/* sv_feature_dump: every two-track vertex's features with its truth label, as CSV for training networks
   (tools/train_network.py; docs/networks.md). */
#ifndef KST_SV_FEATURE_DUMP_H
#define KST_SV_FEATURE_DUMP_H

#include "device/common/kst_algorithm.h"
#include "host/validators/long_views.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"

#define SV_FEATURE_DUMP_PARAMS(P)                              \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)       \
  KST_LONG_VIEW_PARAMS(P)                                      \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)                           \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(sv_feature_dump, SV_FEATURE_DUMP_PARAMS, KST_NO_PROPS)

#endif
