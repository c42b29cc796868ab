/* pv_summary: sums the per-event vertex counts copied back with the batch's results. */
#include "host/summaries/pv_summary.h"


static kst_status after_sync(const kst_ctx *ctx, const pv_summary_args *a) {
  uint64_t k[4] = {0, 0, 0, 0};
  for (uint64_t e = 0; e < a->dev_pv_counts.count; ++e) {
    k[0] += a->dev_pv_counts.data[e];
    k[1] += (a->dev_pv_flags.data[e] & KST_PV_OVERFLOW) != 0;
  }
  /* The association array is sized by capacity; the tracks of the batch are those the offsets cover. */
  const uint64_t n_tracks = a->dev_velo_track_offsets.data[a->dev_velo_track_offsets.count - 1];
  for (uint64_t t = 0; t < n_tracks && t < a->dev_track_pv.count; ++t) {
    const kst_track_pv *tp = &a->dev_track_pv.data[t];
    k[2] += tp->pv != KST_NO_PV;
    k[3] += tp->pv != KST_NO_PV && tp->ip_chi2 > 9.0f; /* more than 3 sigma away from its best vertex */
  }
  KST_TRY(kst_ctx_count_add((kst_ctx *)ctx, "primary_vertices", &k[0], 1));
  KST_TRY(kst_ctx_count_add((kst_ctx *)ctx, "error:events_over_pv_capacity", &k[1], 1));
  KST_TRY(kst_ctx_count_add((kst_ctx *)ctx, "tracks_with_a_pv", &k[2], 1));
  KST_TRY(kst_ctx_count_add((kst_ctx *)ctx, "tracks_displaced_ipchi2_over_9", &k[3], 1));
  return kst_ok();
}

KST_ALGORITHM_DEFINE(pv_summary, PV_SUMMARY_PARAMS, KST_NO_PROPS,
                     "counts primary vertices, events over the vertex capacity, and tracks associated (and displaced) by IP chi2", NULL, 0,
                     NULL, NULL, after_sync)
