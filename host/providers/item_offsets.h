/* bank_item_offsets: per-event offsets of a bank type's items (hits or clusters, counted by the batch), to the device. */
#ifndef KST_ITEM_OFFSETS_H
#define KST_ITEM_OFFSETS_H

#include "device/common/kst_algorithm.h"

#define BANK_ITEM_OFFSETS_PARAMS(P)                 \
  P(host_item_offsets, HOST_OUTPUT, uint32_t)       \
  P(dev_item_offsets, DEVICE_OUTPUT, uint32_t)

#define BANK_ITEM_OFFSETS_PROPS(Q) \
  Q(bank_type, UINT, 1, "73", 0, 255, "bank type whose items are counted (73 VELO clusters, 66 UT hits, 64 SciFi clusters)")
KST_ALGORITHM_ARGS(bank_item_offsets, BANK_ITEM_OFFSETS_PARAMS, BANK_ITEM_OFFSETS_PROPS)

#endif
