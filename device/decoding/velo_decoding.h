/* VELO decoding: retina-cluster banks (type 73, v3) to a phi-sorted hit container, in two device algorithms. */
#ifndef KST_VELO_DECODING_H
#define KST_VELO_DECODING_H

#include "device/event_model/event_list.h"
#include "device/event_model/velo_hits.h"
#include "device/common/kst_algorithm.h"

/* velo_count_hits: validates every bank, counts clusters per module, writes module offsets and error flags. */
#define VELO_COUNT_HITS_PARAMS(P)                     \
  P(dev_raw_banks, DEVICE_INPUT, char)                \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)     \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)    \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)    \
  P(dev_item_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_module_offsets, DEVICE_OUTPUT, uint32_t)      \
  P(dev_velo_errors, DEVICE_OUTPUT, uint32_t)
#define VELO_COUNT_HITS_PROPS(Q)                                                                  \
  Q(bank_type, UINT, 1, "73", 0, 255, "bank type of the retina-cluster banks (version 3); others are flagged") \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(velo_count_hits, VELO_COUNT_HITS_PARAMS, VELO_COUNT_HITS_PROPS)

/* velo_decode: clusters to global positions with LHCbIDs, grouped by module and sorted by phi. */
#define VELO_DECODE_PARAMS(P)                         \
  P(dev_raw_banks, DEVICE_INPUT, char)                \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)     \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)    \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)    \
  P(dev_module_offsets, DEVICE_INPUT, uint32_t)       \
  P(dev_velo_errors, DEVICE_INPUT, uint32_t)          \
  P(dev_velo_hits, DEVICE_OUTPUT, kst_velo_hit_bytes)  \
  P(dev_unsorted_x, DEVICE_SCRATCH, float)            \
  P(dev_unsorted_y, DEVICE_SCRATCH, float)            \
  P(dev_unsorted_z, DEVICE_SCRATCH, float)            \
  P(dev_unsorted_phi, DEVICE_SCRATCH, float)          \
  P(dev_unsorted_id, DEVICE_SCRATCH, uint32_t)
#define VELO_DECODE_PROPS(Q)                                                                     \
  Q(bank_type, UINT, 1, "73", 0, 255, "bank type of the retina-cluster banks (sizes the hit container)") \
  Q(block_dim, UINT, 1, "256", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(velo_decode, VELO_DECODE_PARAMS, VELO_DECODE_PROPS)

struct kst_velo_geometry;
#ifdef __cplusplus
extern "C" {
#endif
/* Launches the counting kernel, one block per listed event. */
kst_status kst_velo_count_hits_launch(velo_count_hits_args a, kst_stream *stream);
/* Launches the decoding kernel, one block per listed event. */
kst_status kst_velo_decode_launch(velo_decode_args a, const struct kst_velo_geometry *geometry, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
