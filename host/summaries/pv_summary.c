/* pv_summary: sums the per-event vertex counts copied back with the batch's results. */
#include "host/summaries/pv_summary.h"

#include "device/event_model/pvs.h"

static kst_status after_sync(const kst_ctx *ctx, const pv_summary_args *a) {
  uint64_t k[2] = {0, 0};
  for (uint64_t e = 0; e < a->dev_pv_counts.count; ++e) {
    k[0] += a->dev_pv_counts.data[e];
    k[1] += (a->dev_pv_flags.data[e] & KST_PV_OVERFLOW) != 0;
  }
  kst_ctx_count_add((kst_ctx *)ctx, "primary_vertices", &k[0], 1);
  kst_ctx_count_add((kst_ctx *)ctx, "error:events_over_pv_capacity", &k[1], 1);
  return kst_ok();
}

KST_ALGORITHM_DEFINE(pv_summary, PV_SUMMARY_PARAMS, KST_NO_PROPS,
                     "counts primary vertices and the events that had more seeds than the vertex capacity", NULL, 0,
                     NULL, NULL, after_sync)
