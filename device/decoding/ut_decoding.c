/* UT decoding: descriptors and hooks of ut_count_hits and ut_decode. */
#include "device/decoding/ut_decoding.h"

#include "device/event_model/ut_geometry.h"

static kst_status count_sizes(kst_ctx *ctx, ut_count_hits_args *a) {
  const uint64_t n = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, n + 1));
  KST_TRY(kst_expect_count("dev_item_offsets", a->dev_item_offsets.count, n + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, n));
  a->dev_ut_hit_offsets.count = n * KST_UT_OFFSETS_PER_EVENT;
  a->dev_ut_errors.count = n;
  return kst_ok();
}

static kst_status count_run(kst_ctx *ctx, const ut_count_hits_args *a) {
  const kst_ut_readout *readout = (const kst_ut_readout *)kst_ctx_condition_device(ctx, "ut_boards");
  if (!readout) return kst_error(KST_ERR_CONFIG, "the ut_boards condition is not loaded");
  kst_stream *s = kst_ctx_stream(ctx);
  /* Events not in the list have no hits and no flags. */
  KST_TRY(kst_memset(a->dev_ut_hit_offsets.data, 0, a->dev_ut_hit_offsets.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_ut_errors.data, 0, a->dev_ut_errors.count * sizeof(uint32_t), s));
  return kst_ut_count_hits_launch(*a, readout, s);
}

static const ut_count_hits_hooks ut_count_hits_hook_table = {.set_sizes = count_sizes, .run = count_run};
KST_ALGORITHM(ut_count_hits, UT_COUNT_HITS_PARAMS, UT_COUNT_HITS_PROPS, ut_count_hits_hook_table,
              .description = "validates UT banks and counts hits per layer into offsets",
              .conditions = {"ut_boards"});

static kst_status decode_sizes(kst_ctx *ctx, ut_decode_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_ut_hit_offsets", a->dev_ut_hit_offsets.count, events * KST_UT_OFFSETS_PER_EVENT));
  KST_TRY(kst_expect_count("dev_ut_errors", a->dev_ut_errors.count, events));
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, events + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  /* The host summed every bank's hit count while building the batch: an upper bound that needs no sync. */
  a->dev_ut_hits.count = a->dev_ut_unsorted.count = kst_ctx_bank_items(ctx, a->props.bank_type);
  a->dev_ut_sort.count = 3 * a->dev_ut_unsorted.count; /* group, order and place of every hit */
  return kst_ok();
}

static kst_status decode_run(kst_ctx *ctx, const ut_decode_args *a) {
  const kst_ut_readout *readout = (const kst_ut_readout *)kst_ctx_condition_device(ctx, "ut_boards");
  const kst_ut_geometry *geometry = (const kst_ut_geometry *)kst_ctx_condition_device(ctx, "ut_geometry");
  if (!readout || !geometry) return kst_error(KST_ERR_CONFIG, "the ut_boards and ut_geometry conditions are not loaded");
  return kst_ut_decode_launch(*a, readout, geometry, kst_ctx_stream(ctx));
}

static const ut_decode_hooks ut_decode_hook_table = {.set_sizes = decode_sizes, .run = decode_run};
KST_ALGORITHM(ut_decode, UT_DECODE_PARAMS, UT_DECODE_PROPS, ut_decode_hook_table,
              .description = "decodes UT hits to x at y = 0, z, strip slope, y range, weight and LHCbID, x-sorted per layer",
              .conditions = {"ut_boards", "ut_geometry"});
