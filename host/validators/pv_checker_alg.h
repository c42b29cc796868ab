/* pv_checker: primary vertices against the MC vertices with LHCb's definitions. */
#ifndef KST_PV_CHECKER_ALG_H
#define KST_PV_CHECKER_ALG_H

#include "device/event_model/pvs.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define PV_CHECKER_PARAMS(P)                       \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word) \
  P(dev_velo_errors, DEVICE_TO_HOST, uint32_t)            \
  P(dev_pvs, DEVICE_TO_HOST, kst_pv)               \
  P(dev_pv_counts, DEVICE_TO_HOST, uint32_t)

KST_ALGORITHM_ARGS(pv_checker, PV_CHECKER_PARAMS, KST_NO_PROPS)

#endif
