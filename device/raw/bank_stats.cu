/* bank_stats kernel: one block per listed event, threads stride over the event's banks. */
#include "device/event_model/raw_banks.h"
#include "device/raw/bank_stats.h"
#include "device/event_model/event_list.h"
#include "kst_dialect.h"

KST_GLOBAL bank_stats_kernel(bank_stats_args a) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t b0 = a.dev_raw_event_offsets.data[e], b1 = a.dev_raw_event_offsets.data[e + 1];
  kst_bank_stat *st = &a.dev_bank_stats.data[e];
  uint32_t *groups = &a.dev_group_items.data[(uint64_t)e * a.props.n_groups];
  for (uint32_t b = b0 + threadIdx.x; b < b1; b += blockDim.x) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    const uint32_t length = KST_RAW_BANK_LENGTH(bank);
    const uint32_t payload = length >= KST_RAW_BANK_HEADER ? length - KST_RAW_BANK_HEADER : 0u;
    uint32_t err = 0, items = 0;
    if (KST_RAW_BANK_TYPE(bank) != a.props.bank_type) err |= KST_BANK_ERR_TYPE;
    if (a.props.count_word) {
      items = payload >= 4u ? KST_RAW_U32(bank + KST_RAW_BANK_HEADER) : 0u;
      /* The payload must hold the count word plus `items` words, else the count is not trusted. */
      if (payload < 4u || (uint64_t)items * 4u != payload - 4u) {
        err |= KST_BANK_ERR_COUNT;
        items = 0;
      }
    }
    const uint32_t group = KST_RAW_BANK_SOURCE(bank) / a.props.group_size;
    if (group < a.props.n_groups) kst_atomic_add_u32(&groups[group], items);
    else err |= KST_BANK_ERR_SOURCE;
    kst_atomic_add_u32(&st->banks, 1u);
    kst_atomic_add_u32(&st->bytes, length);
    kst_atomic_add_u32(&st->items, items);
    if (err) kst_atomic_or_u32(&st->errors, err);
  }
}

KST_EXTERN_C kst_status kst_bank_stats_launch(bank_stats_args a, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(bank_stats_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a);
  return kst_launch_check("bank_stats_kernel");
}
