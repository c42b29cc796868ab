/* velo_track_checker: VELO tracks against MC truth with LHCb's matching and categories. */
#ifndef KST_VELO_TRACK_CHECKER_H
#define KST_VELO_TRACK_CHECKER_H

#include "device/event_model/velo_tracks.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"
#include "device/event_model/velo_hits.h"

#define VELO_TRACK_CHECKER_PARAMS(P)                          \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word) \
  P(dev_velo_errors, DEVICE_TO_HOST, uint32_t)            \
  P(dev_velo_hits, DEVICE_TO_HOST, kst_velo_hit_bytes)                     \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)         \
  P(dev_velo_track_hit_begin, DEVICE_TO_HOST, uint32_t)       \
  P(dev_velo_track_n_hits, DEVICE_TO_HOST, uint32_t)          \
  P(dev_velo_track_hits, DEVICE_TO_HOST, uint32_t)            \
  P(dev_velo_states_beam, DEVICE_TO_HOST, kst_velo_state)

KST_ALGORITHM_ARGS(velo_track_checker, VELO_TRACK_CHECKER_PARAMS, KST_NO_PROPS)

#endif
