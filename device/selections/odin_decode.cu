/* odin_decode kernel: a block per listed event, whose first thread reads its one ODIN bank. */
#include "device/event_model/raw_banks.h"
#include "device/selections/odin_decode.h"
#include "kst_dialect.h"

KST_GLOBAL odin_decode_kernel(odin_decode_args a) {
  if (threadIdx.x != 0 || KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  uint32_t flags = 0, found = 0;
  const kst_odin none = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  kst_odin o = none;
  for (uint32_t b = a.dev_raw_event_offsets.data[e]; b < a.dev_raw_event_offsets.data[e + 1]; ++b) {
    const uint8_t *bank = (const uint8_t *)a.dev_raw_banks.data + a.dev_raw_bank_offsets.data[b];
    if (KST_RAW_BANK_TYPE(bank) != a.props.bank_type) continue;
    if (found++) {
      flags |= KST_ODIN_ERR_REPEATED;
      continue;
    }
    const uint32_t version = KST_RAW_BANK_VERSION(bank), length = KST_RAW_BANK_LENGTH(bank);
    if (version != 6u && version != 7u) flags |= KST_ODIN_ERR_VERSION;
    else if (length != KST_RAW_BANK_HEADER + 4u * KST_ODIN_WORDS) flags |= KST_ODIN_ERR_SIZE;
    else {
      uint32_t w[KST_ODIN_WORDS];
      for (uint32_t k = 0; k < KST_ODIN_WORDS; ++k) w[k] = KST_RAW_U32(bank + KST_RAW_BANK_HEADER + 4u * k);
      o = kst_odin_from_words(w, version);
    }
  }
  if (!found) flags |= KST_ODIN_ERR_MISSING;
  if (flags) o = none;
  a.dev_odin.data[e] = o;
  a.dev_odin_errors.data[e] = flags;
}

KST_EXTERN_C kst_status kst_odin_decode_launch(odin_decode_args a, kst_stream *stream) {
  const uint32_t n = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (n == 0) return kst_ok();
  KST_LAUNCH(odin_decode_kernel, KST_DIM3(n, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a);
  return kst_launch_check("odin_decode_kernel");
}
