/* Checking one subdetector's decoded LHCbIDs against MC truth, and rejecting the events its decoding flagged: shared
   by the UT and SciFi hit checkers. */
#ifndef KST_HIT_ID_CHECK_H
#define KST_HIT_ID_CHECK_H

#include <stdint.h>

#include "checker/mc_truth.h"
#include "device/common/kst_algorithm.h"

/* Counters over events: decoded hits, those some MC particle holds, distinct MC ids, those decoded; events flagged
   by decoding, without MC, with unreadable MC truth. */
typedef struct kst_id_counts {
  uint64_t hits, hits_from_mc, mc_ids, mc_ids_decoded, bad_events, events_without_mc, bad_mc;
  uint64_t hash; /* of every event's (x, id) in container order: equal across builds and devices when the bytes are */
} kst_id_counts;

/* Adds event (its global number) with its n hits' x and ids, in container order, to the hash. */
void kst_id_counts_hash(kst_id_counts *k, uint64_t event, const float *x, const uint32_t *ids, uint32_t n);

/* Adds one event: its n decoded ids against the distinct MC ids of detector type detector (3 UT, 5 SciFi) in mc. */
kst_status kst_id_counts_add(kst_id_counts *k, const uint32_t *ids, uint32_t n, const kst_mc_event *mc, uint32_t detector);
/* Adds the counts to the instance's counters ("hits", "hits_from_mc", ...). */
kst_status kst_id_counts_report(kst_ctx *ctx, const kst_id_counts *k);
/* Rejects (kst_ctx_reject_event) every event of the batch whose flags are set, for the reason of its lowest flag bit
   (reasons[bit], bits 0..3), naming the subdetector and the flags. */
kst_status kst_reject_flagged(kst_ctx *ctx, const uint32_t *flags, const char *detector, const char *const reasons[4]);

#endif
