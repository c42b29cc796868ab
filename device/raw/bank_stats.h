/* bank_stats: per-event statistics of one bank type (banks, bytes, items per source group) on the device. */
#ifndef KST_BANK_STATS_H
#define KST_BANK_STATS_H

#include "device/event_model/bank_stats.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define BANK_STATS_PARAMS(P)                           \
  P(dev_raw_banks, DEVICE_INPUT, char)                 \
  P(dev_raw_bank_offsets, DEVICE_INPUT, uint32_t)      \
  P(dev_raw_event_offsets, DEVICE_INPUT, uint32_t)     \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)     \
  P(dev_bank_stats, DEVICE_OUTPUT, kst_bank_stat)      \
  P(dev_group_items, DEVICE_OUTPUT, uint32_t)
#define BANK_STATS_PROPS(Q)                                                                          \
  Q(bank_type, UINT, 1, "73", 0, 255, "bank type expected in the block (others are flagged)")       \
  Q(count_word, BOOL, 1, "true", 1, 0, "payload starts with a u32 item count")             \
  Q(group_size, UINT, 1, "4", 1, 65536, "source ids per group (4 sensors per VELO module)")       \
  Q(n_groups, UINT, 1, "52", 1, 4096, "number of groups (52 VELO modules)")                         \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (one block per event)")

KST_ALGORITHM_ARGS(bank_stats, BANK_STATS_PARAMS, BANK_STATS_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches one block per listed event. */
kst_status kst_bank_stats_launch(bank_stats_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
