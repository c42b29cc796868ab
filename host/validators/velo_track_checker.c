/* velo_track_checker: feeds the consolidated tracks, copied back with the batch's results, to the track checker. */
#include "host/validators/velo_track_checker.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "host/validators/mc_from_mdf.h"
#include "checker/track_checker.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

/* Pseudorapidity of a straight track from its slopes; backward tracks (tz < 0 is not known here) count as forward. */
static float track_eta(const kst_velo_state *s) {
  const double t = sqrt((double)s->tx * s->tx + (double)s->ty * s->ty);
  return t > 0 ? (float)-log(tan(atan(t) / 2.0)) : 20.0f;
}

static kst_status after_sync(kst_ctx *ctx, const velo_track_checker_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  /* Only the listed events are checked: those a filter dropped have no tracks or vertices to judge. */
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, b->n_events))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  KST_TRY(kst_expect_count("dev_velo_errors", a->dev_velo_errors.count, b->n_events));
  kst_track_checker *chk = (kst_track_checker *)kst_ctx_accumulator(ctx);
  const uint32_t *toff = a->dev_velo_track_offsets.data;
  const uint32_t *ids_of_hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count).id;
  uint32_t max_tracks = 0;
  for (uint32_t e = 0; e < b->n_events; ++e)
    if (toff[e + 1] - toff[e] > max_tracks) max_tracks = toff[e + 1] - toff[e];
  kst_track_view *views = malloc((max_tracks + 1) * sizeof *views);
  float *eta = malloc((max_tracks + 1) * sizeof *eta);
  uint32_t *ids = malloc((a->dev_velo_track_hits.count + 1) * sizeof *ids);
  kst_status st = views && eta && ids ? kst_ok() : kst_error(KST_ERR_NOMEM, "out of memory");
  for (uint32_t k = 0; k < a->dev_event_list.data[0] && !st.code; ++k) {
    const uint32_t e = a->dev_event_list.data[1u + k];
    /* An event decoding rejected has no hits to judge: its particles stay out of the denominators. */
    if (a->dev_velo_errors.data[e]) continue;
    uint32_t at = 0, n = toff[e + 1] - toff[e];
    for (uint32_t i = 0; i < n; ++i) {
      const uint32_t t = toff[e] + i, begin = a->dev_velo_track_hit_begin.data[t];
      views[i].ids = &ids[at];
      views[i].n = a->dev_velo_track_n_hits.data[t];
      for (uint32_t h = 0; h < views[i].n; ++h) ids[at++] = ids_of_hits[a->dev_velo_track_hits.data[begin + h]];
      eta[i] = track_eta(&a->dev_velo_states_beam.data[t]);
    }
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) {
      /* Bad MC truth spoils the check of this event only. */
      const uint64_t one = 1;
      KST_TRY(kst_ctx_count_add(ctx, "error:events_with_bad_mc_truth", &one, 1));
      continue;
    }
    st = kst_track_checker_add_event(chk, &mc, views, n, eta);
    kst_mc_event_free(&mc);
  }
  free(views);
  free(eta);
  free(ids);
  return st;
}

static void *acc_create(void) { return kst_track_checker_new(); }
static kst_status acc_merge(void *into, const void *from) { return kst_track_checker_merge((kst_track_checker *)into, (const kst_track_checker *)from); }
static void acc_destroy(void *acc) { kst_track_checker_free((kst_track_checker *)acc); }

static kst_status acc_report(const void *acc, const char *instance, const kst_report_options *opt) {
  printf("%s: VELO tracks against MC truth\n", instance);
  kst_track_checker_print((const kst_track_checker *)acc, stdout);
  if (!opt || !opt->json_path) return kst_ok();
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, "", path, sizeof path);
  KST_TRY(kst_track_checker_write_json((const kst_track_checker *)acc, path, &files));
  if (opt->plots_dir) KST_TRY(kst_checker_plot(opt->json_path, opt->plots_dir));
  return kst_ok();
}

static const kst_accumulator_ops checker_ops = {acc_create, acc_merge, acc_report, acc_destroy};

static const velo_track_checker_hooks velo_track_checker_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(velo_track_checker, VELO_TRACK_CHECKER_PARAMS, KST_NO_PROPS, velo_track_checker_hook_table,
              .description = "matches VELO tracks to MC particles and tallies LHCb's efficiency, ghost and clone rates",
              .flags = KST_ALG_VALIDATOR,
              .accumulator = &checker_ops);
