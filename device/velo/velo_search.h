/* velo_search_by_triplet: VELO track finding by triplet seeding and extension, one block per event. */
#ifndef KST_VELO_SEARCH_H
#define KST_VELO_SEARCH_H

#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define VELO_SEARCH_BY_TRIPLET_PARAMS(P)                      \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)            \
  P(dev_module_offsets, DEVICE_INPUT, uint32_t)               \
  P(dev_velo_hits, DEVICE_INPUT, kst_velo_hit_bytes)          \
  P(dev_track_slots, DEVICE_OUTPUT, kst_velo_track_slot)      \
  P(dev_track_slot_hits, DEVICE_OUTPUT, uint32_t)             \
  P(dev_track_slot_count, DEVICE_OUTPUT, uint32_t)            \
  P(dev_velo_track_flags, DEVICE_OUTPUT, uint32_t)            \
  P(dev_hit_used, DEVICE_SCRATCH, uint32_t)                   \
  P(dev_hit_owner, DEVICE_SCRATCH, uint64_t)                  \
  P(dev_seed_outer, DEVICE_SCRATCH, uint32_t)                 \
  P(dev_seed_inner, DEVICE_SCRATCH, uint32_t)                 \
  P(dev_seed_key, DEVICE_SCRATCH, uint64_t)                   \
  P(dev_extension_hit, DEVICE_SCRATCH, uint32_t)              \
  P(dev_extension_key, DEVICE_SCRATCH, uint64_t)              \
  P(dev_extension_prediction, DEVICE_SCRATCH, float)          \
  P(dev_scan_hits, DEVICE_SCRATCH, float)                     \
  P(dev_scan_hit_index, DEVICE_SCRATCH, uint32_t)             \
  P(dev_scan_slot, DEVICE_SCRATCH, uint32_t)
#define VELO_SEARCH_BY_TRIPLET_PROPS(Q)                                                                       \
  Q(max_tracks, UINT, 1, "1024", 1, 100000, "track capacity per event; more are dropped and the event flagged")  \
  Q(seed_phi_window, FLOAT, 1, "0.02", 0, 3.2, "phi window (rad) for the outer hits of a seed, at large radius") \
  Q(seed_tangential_slope, FLOAT, 1, "0.2", 0, 1, "largest sideways slope of a seed: widens the phi window to this x dz / r") \
  Q(forward_phi_window, FLOAT, 1, "0.015", 0, 3.2, "phi window (rad) around a track's prediction")               \
  Q(max_scatter_seeding, FLOAT, 1, "0.00006", 0, 1, "largest squared kink angle of a seed triplet")            \
  Q(max_scatter_forwarding, FLOAT, 1, "0.00015", 0, 1, "largest squared kink angle when extending")            \
  Q(max_slope, FLOAT, 1, "0.5", 0, 10, "largest |tx| and |ty| of a seed")                                      \
  Q(max_seed_gap, UINT, 1, "1", 0, 3, "stations a seed may skip between its outer and middle hit, tried only when no seed skips none") \
  Q(gap_seed_tangential_slope, FLOAT, 1, "0", 0, 1, "seed_tangential_slope for the outer hit of a seed across a missed station") \
  Q(max_skipped_stations, UINT, 1, "1", 0, 10, "stations a track may cross without a hit")                     \
  Q(block_dim, UINT, 1, "256", 1, 256, "threads per block (one block per event, a warp per middle hit; on a GPU a multiple of the warp size)")
KST_ALGORITHM_ARGS(velo_search_by_triplet, VELO_SEARCH_BY_TRIPLET_PARAMS, VELO_SEARCH_BY_TRIPLET_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Whether the search runs its CPU path (KST_VELO_SEARCH_CPU_PATH), with the scratch buffers only that path needs. */
int kst_velo_search_cpu_path(void);
/* Launches the search, one block per listed event. */
kst_status kst_velo_search_launch(velo_search_by_triplet_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
