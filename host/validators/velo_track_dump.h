/* velo_track_dump: writes the reconstructed VELO tracks of every event as text (kestrel run --dump DIR). */
#ifndef KST_VELO_TRACK_DUMP_H
#define KST_VELO_TRACK_DUMP_H

#include "device/event_model/velo_tracks.h"
#include "device/common/kst_algorithm.h"
#include "device/event_model/velo_hits.h"

#define VELO_TRACK_DUMP_PARAMS(P)                             \
  P(dev_velo_hits, DEVICE_TO_HOST, kst_velo_hit_bytes)                     \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)         \
  P(dev_velo_track_hit_begin, DEVICE_TO_HOST, uint32_t)       \
  P(dev_velo_track_n_hits, DEVICE_TO_HOST, uint32_t)          \
  P(dev_velo_track_hits, DEVICE_TO_HOST, uint32_t)            \
  P(dev_velo_states_beam, DEVICE_TO_HOST, kst_velo_state)     \
  P(dev_velo_states_end, DEVICE_TO_HOST, kst_velo_state)

KST_ALGORITHM_ARGS(velo_track_dump, VELO_TRACK_DUMP_PARAMS, KST_NO_PROPS)

#endif
