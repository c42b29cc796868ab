/* velo_summary: per-batch VELO counts on the host: tracks, hits on tracks, events flagged by decoding or search. */
#ifndef KST_VELO_SUMMARY_H
#define KST_VELO_SUMMARY_H

#include "device/common/kst_algorithm.h"

#define VELO_SUMMARY_PARAMS(P)                             \
  P(dev_velo_errors, DEVICE_TO_HOST, uint32_t)             \
  P(dev_velo_track_flags, DEVICE_TO_HOST, uint32_t)        \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)      \
  P(dev_module_offsets, DEVICE_TO_HOST, uint32_t)

#define VELO_SUMMARY_PROPS(Q) \
  Q(bank_type, UINT, 1, "73", 0, 255, "bank type of the retina-cluster banks, read again to say why an event was rejected")
KST_ALGORITHM_ARGS(velo_summary, VELO_SUMMARY_PARAMS, VELO_SUMMARY_PROPS)

/* Rejects (kst_ctx_reject_event) every event of the batch VELO decoding flagged, naming its first bad bank of
   bank_type and the reason; for any after_sync hook that reads dev_velo_errors. */
kst_status kst_velo_reject_flagged(kst_ctx *ctx, const uint32_t *flags, uint32_t bank_type);

#endif
