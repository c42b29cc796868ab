/* pv_summary: copies the per-event vertex counts back and sums them. */
#include "host/summaries/pv_summary.h"

#include "device/event_model/pvs.h"

static kst_status set_sizes(const kst_ctx *ctx, pv_summary_args *a) {
  (void)ctx;
  a->host_pv_counts.count = a->dev_pv_counts.count;
  a->host_pv_flags.count = a->dev_pv_flags.count;
  return kst_ok();
}

static kst_status run(const kst_ctx *ctx, const pv_summary_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  KST_TRY(kst_copy_d2h(a->host_pv_counts.data, a->dev_pv_counts.data, a->dev_pv_counts.count * sizeof(uint32_t), s));
  return kst_copy_d2h(a->host_pv_flags.data, a->dev_pv_flags.data, a->dev_pv_flags.count * sizeof(uint32_t), s);
}

static kst_status after_sync(const kst_ctx *ctx, const pv_summary_args *a) {
  uint64_t k[2] = {0, 0};
  for (uint64_t e = 0; e < a->host_pv_counts.count; ++e) {
    k[0] += a->host_pv_counts.data[e];
    k[1] += (a->host_pv_flags.data[e] & KST_PV_OVERFLOW) != 0;
  }
  kst_ctx_count_add((kst_ctx *)ctx, "primary_vertices", &k[0], 1);
  kst_ctx_count_add((kst_ctx *)ctx, "error:events_over_pv_capacity", &k[1], 1);
  return kst_ok();
}

KST_ALGORITHM_DEFINE(pv_summary, PV_SUMMARY_PARAMS, KST_NO_PROPS,
                     "counts primary vertices and the events that had more seeds than the vertex capacity", NULL, 0,
                     set_sizes, run, after_sync)
