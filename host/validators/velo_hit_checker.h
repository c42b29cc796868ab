/* velo_hit_checker: compares decoded VELO hits with MC truth (ids both ways, distance to the sensor plane). */
#ifndef KST_VELO_HIT_CHECKER_H
#define KST_VELO_HIT_CHECKER_H

#include "host/runtime/algorithm.h"

#define VELO_HIT_CHECKER_PARAMS(P)                      \
  P(dev_hit_x, DEVICE_INPUT, float)                     \
  P(dev_hit_y, DEVICE_INPUT, float)                     \
  P(dev_hit_z, DEVICE_INPUT, float)                     \
  P(dev_hit_id, DEVICE_INPUT, uint32_t)                 \
  P(dev_module_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_velo_errors, DEVICE_INPUT, uint32_t)            \
  P(host_hit_x, HOST_OUTPUT, float)                     \
  P(host_hit_y, HOST_OUTPUT, float)                     \
  P(host_hit_z, HOST_OUTPUT, float)                     \
  P(host_hit_id, HOST_OUTPUT, uint32_t)                 \
  P(host_module_offsets, HOST_OUTPUT, uint32_t)         \
  P(host_velo_errors, HOST_OUTPUT, uint32_t)

KST_ALGORITHM_ARGS(velo_hit_checker, VELO_HIT_CHECKER_PARAMS, KST_NO_PROPS)

#endif
