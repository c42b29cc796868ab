/* velo_hit_checker: compares decoded VELO hits with MC truth (ids both ways, distance to the sensor plane). */
#ifndef KST_VELO_HIT_CHECKER_H
#define KST_VELO_HIT_CHECKER_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/velo_hits.h"

#define VELO_HIT_CHECKER_PARAMS(P)                      \
  P(dev_velo_hits, DEVICE_TO_HOST, kst_velo_hit_bytes) \
  P(dev_module_offsets, DEVICE_TO_HOST, uint32_t)       \
  P(dev_velo_errors, DEVICE_TO_HOST, uint32_t)

KST_ALGORITHM_ARGS(velo_hit_checker, VELO_HIT_CHECKER_PARAMS, KST_NO_PROPS)

#endif
