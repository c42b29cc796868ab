/* bank_stats_summary: sums the per-event statistics the runtime copied back with the batch's results. */
#include "host/summaries/bank_stats_summary.h"

#include <stdlib.h>

static kst_status after_sync(kst_ctx *ctx, const bank_stats_summary_args *a) {
  uint64_t events = a->dev_bank_stats.count, totals[3] = {0, 0, 0}, bad[3] = {0, 0, 0};
  for (uint64_t e = 0; e < events; ++e) {
    const kst_bank_stat *st = &a->dev_bank_stats.data[e];
    totals[0] += st->banks;
    totals[1] += st->bytes;
    totals[2] += st->items;
    bad[0] += (st->errors & KST_BANK_ERR_COUNT) != 0;
    bad[1] += (st->errors & KST_BANK_ERR_SOURCE) != 0;
    bad[2] += (st->errors & KST_BANK_ERR_TYPE) != 0;
  }
  KST_TRY(kst_ctx_count_add(ctx, "events", &events, 1));
  KST_TRY(kst_ctx_count_add(ctx, "banks", &totals[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "bytes", &totals[1], 1));
  KST_TRY(kst_ctx_count_add(ctx, "items", &totals[2], 1));
  KST_TRY(kst_ctx_count_add(ctx, "error:bad_count_word", &bad[0], 1));
  KST_TRY(kst_ctx_count_add(ctx, "error:source_out_of_range", &bad[1], 1));
  KST_TRY(kst_ctx_count_add(ctx, "error:wrong_bank_type", &bad[2], 1));
  uint32_t groups = events ? (uint32_t)(a->dev_group_items.count / events) : 0;
  if (!groups) return kst_ok();
  uint64_t *sum = calloc(groups, sizeof *sum);
  if (!sum) return kst_error(KST_ERR_NOMEM, "out of memory");
  for (uint64_t e = 0; e < events; ++e)
    for (uint32_t g = 0; g < groups; ++g) sum[g] += a->dev_group_items.data[e * groups + g];
  kst_status st = kst_ctx_count_add(ctx, "items_per_group", sum, groups);
  free(sum);
  return st;
}

static const bank_stats_summary_hooks bank_stats_summary_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(bank_stats_summary, BANK_STATS_SUMMARY_PARAMS, KST_NO_PROPS, bank_stats_summary_hook_table,
              .description = "copies bank statistics to the host and adds them to the run summary");
