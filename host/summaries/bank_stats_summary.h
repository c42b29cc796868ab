/* bank_stats_summary: brings bank statistics back to the host and adds them to the run's counters. */
#ifndef KST_BANK_STATS_SUMMARY_H
#define KST_BANK_STATS_SUMMARY_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/bank_stats.h"

#define BANK_STATS_SUMMARY_PARAMS(P)                 \
  P(dev_bank_stats, DEVICE_TO_HOST, kst_bank_stat)   \
  P(dev_group_items, DEVICE_TO_HOST, uint32_t)

KST_ALGORITHM_ARGS(bank_stats_summary, BANK_STATS_SUMMARY_PARAMS, KST_NO_PROPS)

#endif
