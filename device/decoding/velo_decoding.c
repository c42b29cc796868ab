/* VELO decoding: descriptors and hooks of velo_count_hits and velo_decode. */
#include "device/decoding/velo_decoding.h"

#include "device/event_model/velo_geometry.h"
#include "device/event_model/velo_hits.h"

static kst_status count_sizes(kst_ctx *ctx, velo_count_hits_args *a) {
  uint64_t n = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, n + 1));
  KST_TRY(kst_expect_count("dev_item_offsets", a->dev_item_offsets.count, n + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, n));
  a->dev_module_offsets.count = n * KST_VELO_OFFSETS_PER_EVENT;
  a->dev_velo_errors.count = n;
  return kst_ok();
}

static kst_status count_run(kst_ctx *ctx, const velo_count_hits_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  /* Events not in the list have no hits and no flags. */
  KST_TRY(kst_memset(a->dev_module_offsets.data, 0, a->dev_module_offsets.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_velo_errors.data, 0, a->dev_velo_errors.count * sizeof(uint32_t), s));
  return kst_velo_count_hits_launch(*a, s);
}

static const velo_count_hits_hooks velo_count_hits_hook_table = {.set_sizes = count_sizes, .run = count_run};
KST_ALGORITHM(velo_count_hits, VELO_COUNT_HITS_PARAMS, VELO_COUNT_HITS_PROPS, velo_count_hits_hook_table,
              .description = "validates VELO retina banks and counts clusters per module into offsets");

static kst_status decode_sizes(kst_ctx *ctx, velo_decode_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_module_offsets", a->dev_module_offsets.count, events * KST_VELO_OFFSETS_PER_EVENT));
  KST_TRY(kst_expect_count("dev_velo_errors", a->dev_velo_errors.count, events));
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, events + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  /* The host summed every count word while building the batch: an upper bound that needs no sync. */
  const uint64_t n = kst_ctx_bank_items(ctx, a->props.bank_type);
  a->dev_velo_hits.count = n;
  a->dev_unsorted_x.count = a->dev_unsorted_y.count = a->dev_unsorted_z.count = a->dev_unsorted_phi.count = n;
  a->dev_unsorted_id.count = n;
  return kst_ok();
}

static kst_status decode_run(kst_ctx *ctx, const velo_decode_args *a) {
  const kst_velo_geometry *geometry = (const kst_velo_geometry *)kst_ctx_condition_device(ctx, "velo_geometry");
  if (!geometry) return kst_error(KST_ERR_CONFIG, "the velo_geometry condition is not loaded");
  return kst_velo_decode_launch(*a, geometry, kst_ctx_stream(ctx));
}

static const velo_decode_hooks velo_decode_hook_table = {.set_sizes = decode_sizes, .run = decode_run};
KST_ALGORITHM(velo_decode, VELO_DECODE_PARAMS, VELO_DECODE_PROPS, velo_decode_hook_table,
              .description = "decodes VELO retina clusters to global hits with LHCbIDs, phi-sorted per module",
              .conditions = {"velo_geometry"});
