/* UT decoding: version-3 UT banks (type 66) to the hit container, sorted by x in each layer, in two device
   algorithms. */
#ifndef KST_UT_DECODING_H
#define KST_UT_DECODING_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/ut_hits.h"

/* ut_count_hits: validates every bank, counts hits per layer, writes layer offsets and error flags. */
#define UT_COUNT_HITS_PARAMS(P)                           \
  P(dev_raw_banks, DEVICE_INPUT, char)                    \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)        \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)    \
  P(dev_item_offsets, DEVICE_INPUT, uint32_t)             \
  P(dev_ut_hit_offsets, DEVICE_OUTPUT, uint32_t)          \
  P(dev_ut_errors, DEVICE_OUTPUT, uint32_t)
#define UT_COUNT_HITS_PROPS(Q)                                                                         \
  Q(bank_type, UINT, 1, "66", 0, 255, "bank type of the UT banks (version 3); others are flagged")   \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(ut_count_hits, UT_COUNT_HITS_PARAMS, UT_COUNT_HITS_PROPS)

/* ut_decode: hits to x at y = 0, z, strip slope and y range, weight and LHCbID, sorted by (x, id) in each layer. */
#define UT_DECODE_PARAMS(P)                               \
  P(dev_raw_banks, DEVICE_INPUT, char)                    \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)        \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)    \
  P(dev_ut_hit_offsets, DEVICE_INPUT, uint32_t)           \
  P(dev_ut_errors, DEVICE_INPUT, uint32_t)                \
  P(dev_ut_hits, DEVICE_OUTPUT, kst_ut_hit_bytes)         \
  P(dev_ut_unsorted, DEVICE_SCRATCH, kst_ut_hit_bytes)   \
  P(dev_ut_sort, DEVICE_SCRATCH, uint32_t)
#define UT_DECODE_PROPS(Q)                                                                             \
  Q(bank_type, UINT, 1, "66", 0, 255, "bank type of the UT banks (sizes the hit container)")         \
  Q(block_dim, UINT, 1, "128", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(ut_decode, UT_DECODE_PARAMS, UT_DECODE_PROPS)

struct kst_ut_readout;
struct kst_ut_geometry;
#ifdef __cplusplus
extern "C" {
#endif
/* Launches the counting kernel, one block per listed event. */
kst_status kst_ut_count_hits_launch(ut_count_hits_args a, const struct kst_ut_readout *readout, kst_stream *stream);
/* Launches the decoding kernel, one block per listed event. */
kst_status kst_ut_decode_launch(ut_decode_args a, const struct kst_ut_readout *readout,
                                const struct kst_ut_geometry *geometry, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
