/* bank_item_offsets: per-event offsets of the retina clusters (the banks' count words), from the batch, to the device. */
#ifndef KST_ITEM_OFFSETS_H
#define KST_ITEM_OFFSETS_H

#include "host/runtime/algorithm.h"

#define BANK_ITEM_OFFSETS_PARAMS(P)                 \
  P(host_item_offsets, HOST_OUTPUT, uint32_t)       \
  P(dev_item_offsets, DEVICE_OUTPUT, uint32_t)

KST_ALGORITHM_ARGS(bank_item_offsets, BANK_ITEM_OFFSETS_PARAMS, KST_NO_PROPS)

#endif
