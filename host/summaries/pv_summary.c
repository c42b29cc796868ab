/* pv_summary: sums the per-event vertex and association counts copied back with the batch's results. */
#include "host/summaries/pv_summary.h"


static kst_status after_sync(kst_ctx *ctx, const pv_summary_args *a) {
  uint64_t k[4] = {0, 0, 0, 0};
  for (uint64_t e = 0; e < a->dev_pv_counts.count; ++e) {
    k[0] += a->dev_pv_counts.data[e];
    k[1] += (a->dev_pv_flags.data[e] & KST_PV_OVERFLOW) != 0;
  }
  /* Counted on the device: the association itself is sized by track capacity, about 8 KB per event. */
  for (uint64_t e = 0; 2 * e + 1 < a->dev_track_pv_counts.count; ++e) {
    k[2] += a->dev_track_pv_counts.data[2 * e + KST_TRACKS_WITH_PV];
    k[3] += a->dev_track_pv_counts.data[2 * e + KST_TRACKS_DISPLACED];
  }
  KST_TRY(kst_ctx_count_add(ctx, "primary_vertices", &k[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "error:events_over_pv_capacity", &k[1], 1));
  KST_TRY(kst_ctx_count_add(ctx, "tracks_with_a_pv", &k[2], 1));
  KST_TRY(kst_ctx_count_add(ctx, "tracks_displaced_ipchi2_over_9", &k[3], 1));
  return kst_ok();
}

static const pv_summary_hooks pv_summary_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(pv_summary, PV_SUMMARY_PARAMS, KST_NO_PROPS, pv_summary_hook_table,
              .description = "counts primary vertices, events over the vertex capacity, and tracks associated (and displaced) by IP chi2");
