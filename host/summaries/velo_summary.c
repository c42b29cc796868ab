/* velo_summary: small per-event arrays, copied back with the batch's results, become counters. */
#include "host/summaries/velo_summary.h"

#include "configuration/geometry.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"
#include "input/batch.h"
#include "input/velo_banks.h"

#include <stdatomic.h>
#include <stdio.h>

/* Events explained on stderr in one process; the rest are counted. */
#define EXPLAINED_EVENTS 10

/* Says which bank made decoding reject event e of the batch, and why, for the first EXPLAINED_EVENTS of a process. */
static void explain(kst_ctx *ctx, uint32_t e, uint32_t flags, uint32_t bank_type) {
  static atomic_uint explained;
  if (atomic_fetch_add(&explained, 1u) >= EXPLAINED_EVENTS) return;
  const kst_mdf_event *ev = &kst_ctx_batch(ctx)->events[e];
  char why[256];
  if (!kst_velo_bank_problem(ev, bank_type, why, sizeof why))
    snprintf(why, sizeof why, "more clusters than the batch counted (flags 0x%x)", flags);
  fprintf(stderr, "kestrel: VELO decoding rejected %s record %u (byte %llu): %s; the event has no VELO hits and is left "
          "out of the checkers\n", ev->file ? ev->file : "?", ev->index, (unsigned long long)ev->offset, why);
}

static kst_status after_sync(kst_ctx *ctx, const velo_summary_args *a) {
  uint64_t k[5] = {a->dev_velo_errors.count, 0, 0, 0, 0};
  for (uint64_t e = 0; e < a->dev_velo_errors.count; ++e) {
    const uint32_t *off = &a->dev_module_offsets.data[e * KST_VELO_OFFSETS_PER_EVENT];
    k[1] += off[KST_VELO_MODULES] - off[0];
    k[2] += a->dev_velo_track_offsets.data[e + 1] - a->dev_velo_track_offsets.data[e];
    k[3] += a->dev_velo_errors.data[e] != 0;
    if (a->dev_velo_errors.data[e]) explain(ctx, (uint32_t)e, a->dev_velo_errors.data[e], a->props.bank_type);
    k[4] += (a->dev_velo_track_flags.data[e] & KST_VELO_TRACKS_OVERFLOW) != 0;
  }
  const char *names[] = {"events", "velo_hits", "velo_tracks", "error:events_with_bad_velo_banks",
                         "error:events_over_track_capacity"};
  for (int i = 0; i < 5; ++i) KST_TRY(kst_ctx_count_add(ctx, names[i], &k[i], 1));
  return kst_ok();
}

static const velo_summary_hooks velo_summary_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(velo_summary, VELO_SUMMARY_PARAMS, VELO_SUMMARY_PROPS, velo_summary_hook_table,
              .description = "counts VELO hits and tracks and the events flagged by decoding or by the track capacity");
