/* event_list_init: descriptor and hooks. */
#include "device/raw/event_list.h"


static kst_status set_sizes(kst_ctx *ctx, event_list_init_args *a) {
  a->dev_event_list.count = KST_EVENT_LIST_WORDS(kst_ctx_events(ctx));
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const event_list_init_args *a) {
  return kst_event_list_init_launch(*a, kst_ctx_stream(ctx));
}

static const event_list_init_hooks event_list_init_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(event_list_init, EVENT_LIST_INIT_PARAMS, EVENT_LIST_INIT_PROPS, event_list_init_hook_table,
              .description = "lists every event of the batch for the algorithms that follow");
