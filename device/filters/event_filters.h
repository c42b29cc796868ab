/* Event filters: algorithms that keep the listed events whose count of something lies in a range, as a new event
   list made on the device (no synchronisation), which every later algorithm then takes by default. */
#ifndef KST_EVENT_FILTERS_H
#define KST_EVENT_FILTERS_H

#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

/* global_event_cut: LHCb's global event cut, on the clusters per event of the bank type an earlier
   bank_item_offsets counted (VELO retina clusters today; UT and SciFi clusters once those are decoded). */
#define GLOBAL_EVENT_CUT_PARAMS(P)                           \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)       \
  P(dev_item_offsets, DEVICE_INPUT, uint32_t)                \
  P(dev_gec_event_list, DEVICE_OUTPUT, kst_event_list_word)
#define GLOBAL_EVENT_CUT_PROPS(Q)                                                                    \
  Q(min_clusters, UINT, 1, "0", 0, 4294967295.0, "events with fewer clusters are dropped")            \
  Q(max_clusters, UINT, 1, "4294967295", 0, 4294967295.0, "events with more clusters are dropped")    \
  Q(block_dim, UINT, 1, "256", 32, 1024, "threads of the one block that filters the batch (a multiple of the warp size)")
KST_ALGORITHM_ARGS(global_event_cut, GLOBAL_EVENT_CUT_PARAMS, GLOBAL_EVENT_CUT_PROPS)

/* velo_track_filter: keeps the events with a number of VELO tracks in a range. */
#define VELO_TRACK_FILTER_PARAMS(P)                                \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)             \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)                \
  P(dev_velo_track_event_list, DEVICE_OUTPUT, kst_event_list_word)
#define VELO_TRACK_FILTER_PROPS(Q)                                                                   \
  Q(min_tracks, UINT, 1, "1", 0, 4294967295.0, "events with fewer VELO tracks are dropped")           \
  Q(max_tracks, UINT, 1, "4294967295", 0, 4294967295.0, "events with more VELO tracks are dropped")   \
  Q(block_dim, UINT, 1, "256", 32, 1024, "threads of the one block that filters the batch (a multiple of the warp size)")
KST_ALGORITHM_ARGS(velo_track_filter, VELO_TRACK_FILTER_PARAMS, VELO_TRACK_FILTER_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Writes to `out` the events of `in` (in order) whose count offsets[e + 1] - offsets[e] is within [lo, hi]; one
   block of block_dim threads. */
kst_status kst_count_filter_launch(const kst_event_list_word *in, const uint32_t *offsets, uint32_t lo, uint32_t hi,
                                   kst_event_list_word *out, uint32_t block_dim, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
