/* sv_summary: sums the per-event vertex counts and flags copied back with the batch's results. */
#include "host/summaries/sv_summary.h"

static kst_status after_sync(kst_ctx *ctx, const sv_summary_args *a) {
  uint64_t k[3] = {0, 0, 0};
  for (uint64_t e = 0; e < a->dev_sv_counts.count; ++e) {
    k[0] += a->dev_sv_counts.data[e];
    k[1] += (a->dev_sv_flags.data[e] & KST_SV_OVERFLOW) != 0;
    k[2] += (a->dev_sv_flags.data[e] & KST_SV_TRACK_OVERFLOW) != 0;
  }
  KST_TRY(kst_ctx_count_add(ctx, "secondary_vertices", &k[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "error:events_over_sv_capacity", &k[1], 1));
  KST_TRY(kst_ctx_count_add(ctx, "error:events_over_sv_track_capacity", &k[2], 1));
  return kst_ok();
}

static const sv_summary_hooks sv_summary_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(sv_summary, SV_SUMMARY_PARAMS, KST_NO_PROPS, sv_summary_hook_table,
              .description = "counts secondary vertices and the events over the vertex finder's capacities");
