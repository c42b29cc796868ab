/* pv_checker: feeds the vertices, copied back with the batch's results, to the PV checker. */
#include "host/validators/pv_checker_alg.h"

#include <stdio.h>

#include "host/validators/mc_from_mdf.h"
#include "checker/pv_checker.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

static kst_status after_sync(kst_ctx *ctx, const pv_checker_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  /* Only the listed events are checked: those a filter dropped have no tracks or vertices to judge. */
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, b->n_events))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  KST_TRY(kst_expect_count("dev_velo_errors", a->dev_velo_errors.count, b->n_events));
  kst_pv_checker *chk = (kst_pv_checker *)kst_ctx_accumulator(ctx);
  const uint64_t cap = b->n_events ? a->dev_pvs.count / b->n_events : 0;
  kst_pv_view views[1024];
  for (uint32_t k = 0; k < a->dev_event_list.data[0]; ++k) {
    const uint32_t e = a->dev_event_list.data[1u + k];
    /* An event decoding rejected has no hits to judge: its particles stay out of the denominators. */
    if (a->dev_velo_errors.data[e]) continue;
    uint32_t n = a->dev_pv_counts.data[e];
    if (n > 1024) n = 1024;
    for (uint32_t i = 0; i < n; ++i) {
      const kst_pv *v = &a->dev_pvs.data[e * cap + i];
      views[i] = (kst_pv_view){v->x, v->y, v->z, v->cov[0], v->cov[2], v->cov[5], v->n_tracks, v->chi2, v->ndof};
    }
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) {
      /* Bad MC truth spoils the check of this event only. */
      const uint64_t one = 1;
      KST_TRY(kst_ctx_count_add(ctx, "error:events_with_bad_mc_truth", &one, 1));
      continue;
    }
    kst_status s = kst_pv_checker_add_event(chk, &mc, views, n);
    kst_mc_event_free(&mc);
    KST_TRY(s);
  }
  return kst_ok();
}

static void *acc_create(void) { return kst_pv_checker_new(); }
static kst_status acc_merge(void *into, const void *from) { return kst_pv_checker_merge((kst_pv_checker *)into, (const kst_pv_checker *)from); }
static void acc_destroy(void *acc) { kst_pv_checker_free((kst_pv_checker *)acc); }

/* The PV report goes next to the track report: FILE.json gives FILE.pv.json. */
static kst_status acc_report(const void *acc, const char *instance, const kst_report_options *opt) {
  printf("%s: primary vertices against MC truth\n", instance);
  kst_pv_checker_print((const kst_pv_checker *)acc, stdout);
  if (!opt || !opt->json_path) return kst_ok();
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".pv.json", path, sizeof path);
  KST_TRY(kst_pv_checker_write_json((const kst_pv_checker *)acc, path, &files));
  if (opt->plots_dir) KST_TRY(kst_pv_checker_plot(path, opt->plots_dir));
  return kst_ok();
}

static const kst_accumulator_ops checker_ops = {acc_create, acc_merge, acc_report, acc_destroy};

static const pv_checker_hooks pv_checker_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(pv_checker, PV_CHECKER_PARAMS, KST_NO_PROPS, pv_checker_hook_table,
              .description = "matches primary vertices to MC vertices and tallies efficiency, false rate and resolution",
              .flags = KST_ALG_VALIDATOR,
              .accumulator = &checker_ops);
