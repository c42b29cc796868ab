/* ut_hit_checker and scifi_hit_checker: decoded UT and SciFi hits against MC truth (LHCbIDs both ways). */
#ifndef KST_DOWNSTREAM_HIT_CHECKERS_H
#define KST_DOWNSTREAM_HIT_CHECKERS_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/ut_hits.h"

#define UT_HIT_CHECKER_PARAMS(P)                     \
  P(dev_ut_hits, DEVICE_TO_HOST, kst_ut_hit_bytes)   \
  P(dev_ut_hit_offsets, DEVICE_TO_HOST, uint32_t)    \
  P(dev_ut_errors, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(ut_hit_checker, UT_HIT_CHECKER_PARAMS, KST_NO_PROPS)

#define SCIFI_HIT_CHECKER_PARAMS(P)                        \
  P(dev_scifi_hits, DEVICE_TO_HOST, kst_scifi_hit_bytes)   \
  P(dev_scifi_hit_offsets, DEVICE_TO_HOST, uint32_t)       \
  P(dev_scifi_errors, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(scifi_hit_checker, SCIFI_HIT_CHECKER_PARAMS, KST_NO_PROPS)

#endif
