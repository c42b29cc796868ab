/* odin_decode: each event's ODIN bank (version 6 or 7) to its run, event number, GPS time and bunch crossing. */
#ifndef KST_ODIN_DECODE_H
#define KST_ODIN_DECODE_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/odin.h"

#define ODIN_DECODE_PARAMS(P)                               \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)      \
  P(dev_raw_banks, DEVICE_INPUT, char)                      \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)           \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)          \
  P(dev_odin, DEVICE_OUTPUT, kst_odin)                      \
  P(dev_odin_errors, DEVICE_OUTPUT, uint32_t)
#define ODIN_DECODE_PROPS(Q)                                                             \
  Q(bank_type, UINT, 1, "16", 0, 255, "bank type of the ODIN bank")                      \
  Q(block_dim, UINT, 1, "32", 1, 1024, "threads per block (one block per event; one thread reads)")
KST_ALGORITHM_ARGS(odin_decode, ODIN_DECODE_PARAMS, ODIN_DECODE_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches a block per listed event. */
kst_status kst_odin_decode_launch(odin_decode_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
