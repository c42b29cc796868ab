/* selections_init and dec_reporter: descriptors and hooks. */
#include "device/selections/dec_reporter.h"

static kst_status init_sizes(kst_ctx *ctx, selections_init_args *a) {
  (void)ctx;
  a->dev_selections_start.count = 0; /* no line yet: no column */
  a->dev_candidates_start.count = 0;
  return kst_ok();
}

static const selections_init_hooks selections_init_hook_table = {.set_sizes = init_sizes};
KST_ALGORITHM(selections_init, SELECTIONS_INIT_PARAMS, KST_NO_PROPS, selections_init_hook_table,
              .description = "starts the selections: the lines after it add a column each");

static kst_status sizes(kst_ctx *ctx, dec_reporter_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  if (events && a->dev_selections.count % events)
    return kst_error(KST_ERR_CONFIG, "dev_selections is not a whole number of columns of %llu events", (unsigned long long)events);
  const uint64_t lines = events ? a->dev_selections.count / events : 0;
  if (lines > 0xFFFFu) return kst_error(KST_ERR_CONFIG, "%llu lines: DecReports hold at most 65535", (unsigned long long)lines);
  a->dev_dec_reports.count = events * (KST_DEC_REPORT_HEADER + lines);
  a->dev_routing_bits.count = events * KST_ROUTING_WORDS;
  a->dev_accepted.count = events + 1;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const dec_reporter_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  /* unlisted events: no report words (zero) and no routing bits */
  KST_TRY(kst_memset(a->dev_dec_reports.data, 0, a->dev_dec_reports.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_routing_bits.data, 0, a->dev_routing_bits.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_accepted.data, 0, a->dev_accepted.count * sizeof(kst_event_list_word), s));
  return kst_dec_reporter_launch(*a, kst_ctx_events(ctx), s);
}

static const dec_reporter_hooks dec_reporter_hook_table = {.set_sizes = sizes, .run = run};
KST_ALGORITHM(dec_reporter, DEC_REPORTER_PARAMS, DEC_REPORTER_PROPS, dec_reporter_hook_table,
              .description = "gathers the lines' decisions: LHCb DecReports and routing bits per event, and the list of "
                             "accepted events (any line fired) for later algorithms and the output");
