/* sv_summary: secondary vertices per event and the events over the finder's capacities, as run counters. */
#ifndef KST_SV_SUMMARY_H
#define KST_SV_SUMMARY_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/secondary_vertices.h"

#define SV_SUMMARY_PARAMS(P)                 \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t) \
  P(dev_sv_flags, DEVICE_TO_HOST, uint32_t)

KST_ALGORITHM_ARGS(sv_summary, SV_SUMMARY_PARAMS, KST_NO_PROPS)

#endif
