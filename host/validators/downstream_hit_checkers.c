/* The UT and SciFi hit checkers: every event's decoded ids against its MC ids of the subdetector. */
#include "host/validators/downstream_hit_checkers.h"

#include "host/validators/hit_id_check.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"

/* The shared loop: ids of event e are ids[offsets[e * stride] .. offsets[e * stride + stride - 1]). */
static kst_status check(kst_ctx *ctx, const float *x, const uint32_t *ids, const uint32_t *offsets, uint32_t stride,
                        const uint32_t *flags, uint32_t detector, const char *name, const char *const reasons[4]) {
  const kst_batch *b = kst_ctx_batch(ctx);
  KST_TRY(kst_reject_flagged(ctx, flags, name, reasons));
  kst_id_counts k = {0};
  for (uint32_t e = 0; e < b->n_events; ++e) {
    if (flags[e]) {
      k.bad_events++;
      continue;
    }
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) {
      k.bad_mc++; /* bad MC truth spoils the check of this event only */
      continue;
    }
    const uint32_t h0 = offsets[(uint64_t)e * stride], h1 = offsets[(uint64_t)e * stride + stride - 1];
    kst_id_counts_hash(&k, b->first + e, x + h0, ids + h0, h1 - h0);
    const kst_status s = kst_id_counts_add(&k, ids + h0, h1 - h0, &mc, detector);
    kst_mc_event_free(&mc);
    KST_TRY(s);
  }
  return kst_id_counts_report(ctx, &k);
}

static kst_status ut_after_sync(kst_ctx *ctx, const ut_hit_checker_args *a) {
  static const char *const reasons[4] = {"ut_bank_count", "ut_bank_source", "ut_bank_channel", "ut_bank_version"};
  const kst_ut_hits_in h = kst_ut_hits_view(a->dev_ut_hits.data, a->dev_ut_hits.count);
  return check(ctx, h.x, h.id, a->dev_ut_hit_offsets.data, KST_UT_OFFSETS_PER_EVENT, a->dev_ut_errors.data, 3, "UT", reasons);
}

static kst_status scifi_after_sync(kst_ctx *ctx, const scifi_hit_checker_args *a) {
  static const char *const reasons[4] = {"scifi_bank_count", "scifi_bank_source", "scifi_bank_channel",
                                         "scifi_bank_version"};
  const kst_scifi_hits_in h = kst_scifi_hits_view(a->dev_scifi_hits.data, a->dev_scifi_hits.count);
  return check(ctx, h.x, h.id, a->dev_scifi_hit_offsets.data, KST_SCIFI_OFFSETS_PER_EVENT, a->dev_scifi_errors.data, 5,
               "SciFi", reasons);
}

static const ut_hit_checker_hooks ut_hit_checker_hook_table = {.after_sync = ut_after_sync};
KST_ALGORITHM(ut_hit_checker, UT_HIT_CHECKER_PARAMS, KST_NO_PROPS, ut_hit_checker_hook_table,
              .description = "checks decoded UT hits against MC truth: LHCbIDs both ways",
              .flags = KST_ALG_VALIDATOR);

static const scifi_hit_checker_hooks scifi_hit_checker_hook_table = {.after_sync = scifi_after_sync};
KST_ALGORITHM(scifi_hit_checker, SCIFI_HIT_CHECKER_PARAMS, KST_NO_PROPS, scifi_hit_checker_hook_table,
              .description = "checks decoded SciFi clusters against MC truth: LHCbIDs both ways",
              .flags = KST_ALG_VALIDATOR);
