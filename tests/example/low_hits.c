/* low_hits: descriptor and hooks. */
#include "tests/example/low_hits.h"

#include "input/batch.h"

static kst_status sizes(kst_ctx *ctx, low_hits_args *a) {
  const uint64_t events = kst_ctx_batch(ctx)->n_events;
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  a->dev_low_hits.count = events; /* host-known: no synchronisation */
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const low_hits_args *a) {
  /* Events a filter dropped count nothing. */
  KST_TRY(kst_memset(a->dev_low_hits.data, 0, a->dev_low_hits.count * sizeof(uint32_t), kst_ctx_stream(ctx)));
  return kst_low_hits_launch(*a, kst_ctx_stream(ctx));
}

static const low_hits_hooks hooks = {.set_sizes = sizes, .run = run};
KST_ALGORITHM(low_hits, LOW_HITS_PARAMS, LOW_HITS_PROPS, hooks, .description = "counts VELO hits near y = 0");
