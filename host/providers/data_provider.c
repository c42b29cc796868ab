/* data_provider: one bank type of the batch, from pinned host memory to the device, in three async copies. */
#include "host/providers/data_provider.h"

#include "input/batch.h"

static const kst_bank_block *block_of(const kst_ctx *ctx, const data_provider_args *a) {
  return kst_batch_block(kst_ctx_batch(ctx), (uint8_t)a->props.bank_type);
}

static kst_status set_sizes(kst_ctx *ctx, data_provider_args *a) {
  const kst_bank_block *b = block_of(ctx, a);
  uint32_t n = kst_ctx_batch(ctx)->n_events;
  a->dev_raw_banks.count = b ? b->data_size : 0;
  a->dev_raw_bank_offsets.count = b ? b->n_banks + 1 : 1;
  a->dev_raw_event_offsets.count = (uint64_t)n + 1;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const data_provider_args *a) {
  const kst_bank_block *b = block_of(ctx, a);
  kst_stream *s = kst_ctx_stream(ctx);
  if (!b) return kst_error(KST_ERR_INVALID, "bank type %u was not gathered into the batch", a->props.bank_type);
  KST_TRY(kst_copy_h2d(a->dev_raw_banks.data, b->data, b->data_size, s));
  KST_TRY(kst_copy_h2d(a->dev_raw_bank_offsets.data, b->bank_offsets, a->dev_raw_bank_offsets.count * sizeof(uint32_t), s));
  return kst_copy_h2d(a->dev_raw_event_offsets.data, b->event_offsets, a->dev_raw_event_offsets.count * sizeof(uint32_t), s);
}

static const data_provider_hooks data_provider_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(data_provider, DATA_PROVIDER_PARAMS, DATA_PROVIDER_PROPS, data_provider_hook_table,
              .description = "copies the raw banks of one type of the batch to the device",
              .bank_type_prop = "bank_type",
              .flags = KST_ALG_TRANSFER);
