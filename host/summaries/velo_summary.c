/* velo_summary: small per-event arrays, copied back with the batch's results, become counters. */
#include "host/summaries/velo_summary.h"

#include "configuration/geometry.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"
#include "input/batch.h"
#include "input/velo_banks.h"

#include <stdio.h>

/* The reason key of decoding flags (the first of them, in the order the bank check looks), for the accounting. */
static const char *reason_of(uint32_t flags) {
  if (flags & KST_VELO_ERR_VERSION) return "velo_bank_version";
  if (flags & KST_VELO_ERR_SENSOR) return "velo_bank_sensor";
  if (flags & KST_VELO_ERR_COUNT) return "velo_bank_count_word";
  return "velo_bank_column";
}

kst_status kst_velo_reject_flagged(kst_ctx *ctx, const uint32_t *flags, uint32_t bank_type) {
  const kst_batch *b = kst_ctx_batch(ctx);
  for (uint32_t e = 0; e < b->n_events; ++e) {
    if (!flags[e]) continue;
    /* kst_velo_bank_problem re-reads the record on the host: the device flags say what is wrong, not where. */
    char why[256];
    if (!kst_velo_bank_problem(&b->events[e], bank_type, why, sizeof why))
      snprintf(why, sizeof why, "more clusters than the batch counted (flags 0x%x)", flags[e]);
    KST_TRY(kst_ctx_reject_event(ctx, e, reason_of(flags[e]), why));
  }
  return kst_ok();
}

static kst_status after_sync(kst_ctx *ctx, const velo_summary_args *a) {
  uint64_t k[5] = {a->dev_velo_errors.count, 0, 0, 0, 0};
  for (uint64_t e = 0; e < a->dev_velo_errors.count; ++e) {
    const uint32_t *off = &a->dev_module_offsets.data[e * KST_VELO_OFFSETS_PER_EVENT];
    k[1] += off[KST_VELO_MODULES] - off[0];
    k[2] += a->dev_velo_track_offsets.data[e + 1] - a->dev_velo_track_offsets.data[e];
    k[3] += a->dev_velo_errors.data[e] != 0;
    k[4] += (a->dev_velo_track_flags.data[e] & KST_VELO_TRACKS_OVERFLOW) != 0;
  }
  KST_TRY(kst_velo_reject_flagged(ctx, a->dev_velo_errors.data, a->props.bank_type));
  const char *names[] = {"events", "velo_hits", "velo_tracks", "error:events_with_bad_velo_banks",
                         "error:events_over_track_capacity"};
  for (int i = 0; i < 5; ++i) KST_TRY(kst_ctx_count_add(ctx, names[i], &k[i], 1));
  return kst_ok();
}

static const velo_summary_hooks velo_summary_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(velo_summary, VELO_SUMMARY_PARAMS, VELO_SUMMARY_PROPS, velo_summary_hook_table,
              .description = "counts VELO hits and tracks and the events flagged by decoding or by the track capacity");
