/* low_hits: per event, the VELO hits with |y| below a cut; the worked example of docs/sequences.md. */
#ifndef KST_LOW_HITS_H
#define KST_LOW_HITS_H

#include "device/event_model/event_list.h"
#include "device/event_model/velo_hits.h"
#include "device/common/kst_algorithm.h"

#define LOW_HITS_PARAMS(P)                             \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word) \
  P(dev_module_offsets, DEVICE_INPUT, uint32_t)        \
  P(dev_velo_hits, DEVICE_INPUT, kst_velo_hit_bytes)   \
  P(dev_low_hits, DEVICE_OUTPUT, uint32_t)
#define LOW_HITS_PROPS(Q)                                            \
  Q(max_y, FLOAT, 1, "5.0", 0, 100, "hits with |y| below this (mm)") \
  Q(block_dim, UINT, 1, "128", 1, 1024, "threads per block")
KST_ALGORITHM_ARGS(low_hits, LOW_HITS_PARAMS, LOW_HITS_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches one block per listed event. */
kst_status kst_low_hits_launch(low_hits_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
