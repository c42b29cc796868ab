/* data_provider: copies the banks of one type of the batch to the device. */
#ifndef KST_DATA_PROVIDER_H
#define KST_DATA_PROVIDER_H

#include "device/common/kst_algorithm.h"

#define DATA_PROVIDER_PARAMS(P)                    \
  P(dev_raw_banks, DEVICE_OUTPUT, char)            \
  P(dev_raw_bank_offsets, DEVICE_OUTPUT, uint32_t) \
  P(dev_raw_event_offsets, DEVICE_OUTPUT, uint32_t)
#define DATA_PROVIDER_PROPS(Q) \
  Q(bank_type, UINT, 1, "73", 0, 255, "MDF bank type to copy (73: VELO retina clusters)")

KST_ALGORITHM_ARGS(data_provider, DATA_PROVIDER_PARAMS, DATA_PROVIDER_PROPS)

#endif
