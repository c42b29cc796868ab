/* bank_item_offsets: the host already counted every bank's items while building the batch, so offsets cost no sync. */
#include "host/providers/item_offsets.h"

#include "input/batch.h"

static kst_status set_sizes(kst_ctx *ctx, bank_item_offsets_args *a) {
  uint64_t n = (uint64_t)kst_ctx_events(ctx) + 1;
  a->host_item_offsets.count = n;
  a->dev_item_offsets.count = n;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const bank_item_offsets_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t type = a->props.bank_type;
  if (!kst_bank_type_has_items((uint8_t)type))
    return kst_error(KST_ERR_CONFIG, "bank type %u has no items the batch counts (73 VELO, 66 UT, 64 SciFi)", type);
  const kst_bank_block *blk = kst_batch_block(b, (uint8_t)type);
  if (!blk)
    return kst_error(KST_ERR_CONFIG, "no banks of type %u in the batch: the sequence needs a data_provider with "
                     "bank_type %u before this", type, type);
  if (blk->items_total > UINT32_MAX) return kst_error(KST_ERR_CAPACITY, "more than 2^32 items in one batch");
  uint32_t sum = 0;
  for (uint32_t e = 0; e < b->n_events; ++e) {
    a->host_item_offsets.data[e] = sum;
    sum += blk->event_items[e];
  }
  a->host_item_offsets.data[b->n_events] = sum;
  return kst_copy_h2d(a->dev_item_offsets.data, a->host_item_offsets.data, a->host_item_offsets.count * sizeof(uint32_t),
                      kst_ctx_stream(ctx));
}

static const bank_item_offsets_hooks bank_item_offsets_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(bank_item_offsets, BANK_ITEM_OFFSETS_PARAMS, BANK_ITEM_OFFSETS_PROPS, bank_item_offsets_hook_table,
              .description = "per-event offsets of the items (count words) of one bank type, computed on the host from the batch",
              .flags = KST_ALG_TRANSFER);
