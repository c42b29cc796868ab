/* SciFi decoding: descriptors and hooks of scifi_count_hits and scifi_decode. */
#include "device/decoding/scifi_decoding.h"

#include "device/event_model/scifi_geometry.h"

static kst_status count_sizes(kst_ctx *ctx, scifi_count_hits_args *a) {
  const uint64_t n = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, n + 1));
  KST_TRY(kst_expect_count("dev_item_offsets", a->dev_item_offsets.count, n + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, n));
  a->dev_scifi_hit_offsets.count = n * KST_SCIFI_OFFSETS_PER_EVENT;
  a->dev_scifi_errors.count = n;
  return kst_ok();
}

static kst_status count_run(kst_ctx *ctx, const scifi_count_hits_args *a) {
  const kst_scifi_geometry *g = (const kst_scifi_geometry *)kst_ctx_condition_device(ctx, "scifi_geometry");
  if (!g) return kst_error(KST_ERR_CONFIG, "the scifi_geometry condition is not loaded");
  kst_stream *s = kst_ctx_stream(ctx);
  /* Events not in the list have no hits and no flags. */
  KST_TRY(kst_memset(a->dev_scifi_hit_offsets.data, 0, a->dev_scifi_hit_offsets.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_scifi_errors.data, 0, a->dev_scifi_errors.count * sizeof(uint32_t), s));
  return kst_scifi_count_hits_launch(*a, g, s);
}

static const scifi_count_hits_hooks scifi_count_hits_hook_table = {.set_sizes = count_sizes, .run = count_run};
KST_ALGORITHM(scifi_count_hits, SCIFI_COUNT_HITS_PARAMS, SCIFI_COUNT_HITS_PROPS, scifi_count_hits_hook_table,
              .description = "validates SciFi banks and counts clusters per zone (layer and half) into offsets",
              .conditions = {"scifi_geometry"});

static kst_status decode_sizes(kst_ctx *ctx, scifi_decode_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_scifi_hit_offsets", a->dev_scifi_hit_offsets.count, events * KST_SCIFI_OFFSETS_PER_EVENT));
  KST_TRY(kst_expect_count("dev_scifi_errors", a->dev_scifi_errors.count, events));
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, events + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  /* The host counted every bank's clusters by the same rule while building the batch: no sync needed. */
  a->dev_scifi_hits.count = a->dev_scifi_unsorted.count = kst_ctx_bank_items(ctx, a->props.bank_type);
  a->dev_scifi_sort.count = 3 * a->dev_scifi_unsorted.count; /* group, order and place of every cluster */
  return kst_ok();
}

static kst_status decode_run(kst_ctx *ctx, const scifi_decode_args *a) {
  const kst_scifi_geometry *g = (const kst_scifi_geometry *)kst_ctx_condition_device(ctx, "scifi_geometry");
  if (!g) return kst_error(KST_ERR_CONFIG, "the scifi_geometry condition is not loaded");
  return kst_scifi_decode_launch(*a, g, kst_ctx_stream(ctx));
}

static const scifi_decode_hooks scifi_decode_hook_table = {.set_sizes = decode_sizes, .run = decode_run};
KST_ALGORITHM(scifi_decode, SCIFI_DECODE_PARAMS, SCIFI_DECODE_PROPS, scifi_decode_hook_table,
              .description = "decodes SciFi clusters (version-5 rule) to x and z at y = 0, slopes, y range, weight and "
                             "LHCbID, x-sorted per zone",
              .conditions = {"scifi_geometry"});
