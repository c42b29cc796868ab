/* event_list_summary: the list's device-side count, copied back with the batch's results, becomes a counter. */
#include "host/summaries/event_list_summary.h"

static kst_status after_sync(kst_ctx *ctx, const event_list_summary_args *a) {
  const uint64_t listed = a->dev_event_list.count ? a->dev_event_list.data[0] : 0;
  if (listed + 1 > a->dev_event_list.count)
    return kst_error(KST_ERR_INVALID, "the list counts %llu events but holds at most %llu", (unsigned long long)listed,
                     (unsigned long long)KST_EVENT_LIST_CAPACITY(a->dev_event_list.count));
  return kst_ctx_count_add(ctx, "events", &listed, 1);
}

static const event_list_summary_hooks event_list_summary_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(event_list_summary, EVENT_LIST_SUMMARY_PARAMS, KST_NO_PROPS, event_list_summary_hook_table,
              .description = "counts the events in an event list (bind it to a filter's output)");
