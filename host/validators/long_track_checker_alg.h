/* long_track_checker: long tracks against MC truth with LHCb's matching, categories and a momentum table. */
#ifndef KST_LONG_TRACK_CHECKER_ALG_H
#define KST_LONG_TRACK_CHECKER_ALG_H

#include "device/common/kst_algorithm.h"
#include "host/validators/long_views.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/velo_hits.h"

#define LONG_TRACK_CHECKER_PARAMS(P)                           \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)       \
  P(dev_velo_errors, DEVICE_TO_HOST, uint32_t)                 \
  P(dev_scifi_errors, DEVICE_TO_HOST, uint32_t)                \
  KST_LONG_VIEW_PARAMS(P)

KST_ALGORITHM_ARGS(long_track_checker, LONG_TRACK_CHECKER_PARAMS, KST_NO_PROPS)

#endif
