/* pv_summary: primary vertices per event and the events over the vertex capacity, as run counters. */
#ifndef KST_PV_SUMMARY_H
#define KST_PV_SUMMARY_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/pvs.h"

#define PV_SUMMARY_PARAMS(P)                       \
  P(dev_pv_counts, DEVICE_TO_HOST, uint32_t)       \
  P(dev_pv_flags, DEVICE_TO_HOST, uint32_t)        \
  P(dev_track_pv_counts, DEVICE_TO_HOST, uint32_t)

KST_ALGORITHM_ARGS(pv_summary, PV_SUMMARY_PARAMS, KST_NO_PROPS)

#endif
