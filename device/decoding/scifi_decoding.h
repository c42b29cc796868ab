/* SciFi decoding: version-5 "FTCluster" banks (type 64) to the hit container, sorted by x in each zone, in two
   device algorithms. */
#ifndef KST_SCIFI_DECODING_H
#define KST_SCIFI_DECODING_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/scifi_hits.h"

/* scifi_count_hits: validates every bank, counts clusters per zone, writes zone offsets and error flags. */
#define SCIFI_COUNT_HITS_PARAMS(P)                        \
  P(dev_raw_banks, DEVICE_INPUT, char)                    \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)        \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)    \
  P(dev_item_offsets, DEVICE_INPUT, uint32_t)             \
  P(dev_scifi_hit_offsets, DEVICE_OUTPUT, uint32_t)       \
  P(dev_scifi_errors, DEVICE_OUTPUT, uint32_t)
#define SCIFI_COUNT_HITS_PROPS(Q)                                                                      \
  Q(bank_type, UINT, 1, "64", 0, 255, "bank type of the SciFi banks (version 5); others are flagged") \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(scifi_count_hits, SCIFI_COUNT_HITS_PARAMS, SCIFI_COUNT_HITS_PROPS)

/* scifi_decode: clusters to x and z at y = 0, fibre slopes and y range, weight and LHCbID, sorted by (x, id) in each
   zone. */
#define SCIFI_DECODE_PARAMS(P)                            \
  P(dev_raw_banks, DEVICE_INPUT, char)                    \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)        \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)    \
  P(dev_scifi_hit_offsets, DEVICE_INPUT, uint32_t)        \
  P(dev_scifi_errors, DEVICE_INPUT, uint32_t)             \
  P(dev_scifi_hits, DEVICE_OUTPUT, kst_scifi_hit_bytes)   \
  P(dev_scifi_unsorted, DEVICE_SCRATCH, kst_scifi_hit_bytes) \
  P(dev_scifi_sort, DEVICE_SCRATCH, uint32_t)
/* Hit error = error_base + error_per_size x pseudo-size (mm), LHCb's parametrisation of the cluster resolution. */
#define SCIFI_DECODE_PROPS(Q)                                                                          \
  Q(bank_type, UINT, 1, "64", 0, 255, "bank type of the SciFi banks (sizes the hit container)")      \
  Q(error_base, FLOAT, 1, "0.05", 0.001, 10.0, "hit error of a cluster of pseudo-size 0, mm")        \
  Q(error_per_size, FLOAT, 1, "0.03", 0.0, 10.0, "hit error added per unit of pseudo-size, mm")      \
  Q(block_dim, UINT, 1, "128", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(scifi_decode, SCIFI_DECODE_PARAMS, SCIFI_DECODE_PROPS)

struct kst_scifi_geometry;
#ifdef __cplusplus
extern "C" {
#endif
/* Launches the counting kernel, one block per listed event. */
kst_status kst_scifi_count_hits_launch(scifi_count_hits_args a, const struct kst_scifi_geometry *g, kst_stream *stream);
/* Launches the decoding kernel, one block per listed event. */
kst_status kst_scifi_decode_launch(scifi_decode_args a, const struct kst_scifi_geometry *g, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
