/* odin_decode: descriptor and hooks. */
#include "device/selections/odin_decode.h"

static kst_status set_sizes(kst_ctx *ctx, odin_decode_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  KST_TRY(kst_expect_count("dev_raw_event_offsets", a->dev_raw_event_offsets.count, events + 1));
  a->dev_odin.count = a->dev_odin_errors.count = events;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const odin_decode_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  /* Unlisted events have no ODIN (version 0) and no flags. */
  KST_TRY(kst_memset(a->dev_odin.data, 0, a->dev_odin.count * sizeof(kst_odin), s));
  KST_TRY(kst_memset(a->dev_odin_errors.data, 0, a->dev_odin_errors.count * sizeof(uint32_t), s));
  return kst_odin_decode_launch(*a, s);
}

static const odin_decode_hooks odin_decode_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(odin_decode, ODIN_DECODE_PARAMS, ODIN_DECODE_PROPS, odin_decode_hook_table,
              .description = "decodes each event's ODIN bank (version 6 or 7): run, event number, GPS time, bunch crossing",
              .bank_type_prop = "bank_type");
