/* velo_consolidate: keeps good track candidates, compacts them per event in a stable order, and fits them. */
#ifndef KST_VELO_CONSOLIDATE_H
#define KST_VELO_CONSOLIDATE_H

#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define VELO_CONSOLIDATE_PARAMS(P)                            \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)            \
  P(dev_module_offsets, DEVICE_INPUT, uint32_t)               \
  P(dev_velo_hits, DEVICE_INPUT, kst_velo_hit_bytes)          \
  P(dev_track_slots, DEVICE_INPUT, kst_velo_track_slot)       \
  P(dev_track_slot_hits, DEVICE_INPUT, uint32_t)              \
  P(dev_track_slot_count, DEVICE_INPUT, uint32_t)             \
  P(dev_velo_track_counts, DEVICE_OUTPUT, uint32_t)           \
  P(dev_velo_track_offsets, DEVICE_OUTPUT, uint32_t)          \
  P(dev_velo_track_hit_begin, DEVICE_OUTPUT, uint32_t)        \
  P(dev_velo_track_n_hits, DEVICE_OUTPUT, uint32_t)           \
  P(dev_velo_track_hits, DEVICE_OUTPUT, uint32_t)             \
  P(dev_velo_states_beam, DEVICE_OUTPUT, kst_velo_state)      \
  P(dev_velo_states_end, DEVICE_OUTPUT, kst_velo_state)       \
  P(dev_scan_temp, DEVICE_SCRATCH, char)                      \
  P(dev_id_slot, DEVICE_SCRATCH, uint32_t)
#define VELO_CONSOLIDATE_PROPS(Q)                                                                             \
  Q(max_chi2_3hits, FLOAT, 1, "18", 0, 1e6, "a three-hit track pointing to the beam line is kept below this fit chi2 (2 dof)") \
  Q(max_doca_3hits, FLOAT, 1, "1.5", 0, 1000, "a three-hit track points to the beam line within this distance (mm) of the z axis") \
  Q(max_chi2_3hits_displaced, FLOAT, 1, "6", 0, 1e6, "a three-hit track not pointing to the beam line is kept below this fit chi2") \
  Q(min_z_3hits_displaced, FLOAT, 1, "100", -1000, 1000, "... and only with all its hits downstream of this z (mm)") \
  Q(max_chi2ndof_gap_seed, FLOAT, 1, "8", 0, 1e6, "a short track seeded across a missed station is kept below this fit chi2 per degree of freedom") \
  Q(min_hits_gap_seed_unchecked, UINT, 1, "5", 3, 27, "... where short means fewer hits than this") \
  Q(hit_error, FLOAT, 1, "0.012", 0.0001, 1, "hit position uncertainty (mm) in the fit")                      \
  Q(ms_noise, FLOAT, 1, "0.0000002", 0, 1, "multiple-scattering variance of the slope per station (rad^2)")   \
  Q(ms_noise_slope2, FLOAT, 1, "0.000008", 0, 1, "added to ms_noise per unit of the track's squared slope (tx^2 + ty^2)") \
  Q(ms_prior_kinks, FLOAT, 1, "4", 0, 1e6, "the slope-based noise counts as this many of the track's own kinks in its measured scattering noise") \
  Q(ms_noise_floor, FLOAT, 1, "0.3", 0, 1, "the measured scattering noise is at least this fraction of the slope-based one") \
  Q(block_dim, UINT, 1, "128", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(velo_consolidate, VELO_CONSOLIDATE_PARAMS, VELO_CONSOLIDATE_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Counts the kept tracks of every listed event. */
kst_status kst_velo_consolidate_count_launch(velo_consolidate_args a, kst_stream *stream);
/* Writes kept tracks in id order at their event's offset and fits them. */
kst_status kst_velo_consolidate_write_launch(velo_consolidate_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
