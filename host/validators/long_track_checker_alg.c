/* long_track_checker: feeds every listed event's long tracks, copied back with the batch's results, to the checker. */
#include "host/validators/long_track_checker_alg.h"

#include <stdio.h>
#include <stdlib.h>

#include "checker/long_track_checker.h"
#include "checker/track_checker.h"
#include "host/validators/long_views.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

static kst_status after_sync(kst_ctx *ctx, const long_track_checker_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, b->n_events))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  kst_long_track_checker *chk = (kst_long_track_checker *)kst_ctx_accumulator(ctx);
  const kst_long_view_source src = KST_LONG_VIEW_SOURCE(a, b->n_events);
  kst_long_views views;
  KST_TRY(kst_long_views_alloc(&views, &src));
  kst_status st = kst_ok();
  for (uint32_t k = 0; k < a->dev_event_list.data[0] && !st.code; ++k) {
    const uint32_t e = a->dev_event_list.data[1u + k];
    /* An event decoding rejected has no hits to judge: its particles stay out of the denominators. */
    if (a->dev_velo_errors.data[e] || a->dev_scifi_errors.data[e]) continue;
    const uint32_t n = kst_long_views_event(&views, &src, e);
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) {
      const uint64_t one = 1;
      st = kst_ctx_count_add(ctx, "error:events_with_bad_mc_truth", &one, 1);
      continue;
    }
    st = kst_long_track_checker_add_event(chk, &mc, views.views, n);
    kst_mc_event_free(&mc);
  }
  kst_long_views_free(&views);
  return st;
}

static void *acc_create(void) { return kst_long_track_checker_new(); }
static kst_status acc_merge(void *into, const void *from) {
  return kst_long_track_checker_merge((kst_long_track_checker *)into, (const kst_long_track_checker *)from);
}
static void acc_destroy(void *acc) { kst_long_track_checker_free((kst_long_track_checker *)acc); }

/* The long-track report goes next to the VELO one: FILE.json gives FILE.long.json. */
static kst_status acc_report(const void *acc, const char *instance, const kst_report_options *opt) {
  printf("%s: long tracks against MC truth\n", instance);
  kst_long_track_checker_print((const kst_long_track_checker *)acc, stdout);
  if (!opt || !opt->json_path) return kst_ok();
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".long.json", path, sizeof path);
  KST_TRY(kst_long_track_checker_write_json((const kst_long_track_checker *)acc, path, &files));
  if (opt->plots_dir) KST_TRY(kst_checker_plot_script("long_plots.py", path, opt->plots_dir));
  return kst_ok();
}

static const kst_accumulator_ops checker_ops = {acc_create, acc_merge, acc_report, acc_destroy};

static const long_track_checker_hooks long_track_checker_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(long_track_checker, LONG_TRACK_CHECKER_PARAMS, KST_NO_PROPS, long_track_checker_hook_table,
              .description = "matches long tracks to MC particles (70% of VELO and of SciFi hits) and tallies LHCb's "
                             "long-track efficiencies, ghosts, clones, hit purity and the momentum resolution",
              .flags = KST_ALG_VALIDATOR, .accumulator = &checker_ops);
