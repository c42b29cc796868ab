/* bank_stats: descriptor and hooks. */
#include "device/raw/bank_stats.h"


static kst_status set_sizes(kst_ctx *ctx, bank_stats_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, events + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  /* Per event of the batch: the events not listed keep zeros. */
  a->dev_bank_stats.count = events;
  a->dev_group_items.count = events * a->props.n_groups;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const bank_stats_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  KST_TRY(kst_memset(a->dev_bank_stats.data, 0, a->dev_bank_stats.count * sizeof(kst_bank_stat), s));
  KST_TRY(kst_memset(a->dev_group_items.data, 0, a->dev_group_items.count * sizeof(uint32_t), s));
  return kst_bank_stats_launch(*a, s);
}

static const bank_stats_hooks bank_stats_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(bank_stats, BANK_STATS_PARAMS, BANK_STATS_PROPS, bank_stats_hook_table,
              .description = "per-event bank count, bytes and items per source group of one bank type");
