/* vertex_checker: each listed event's long tracks (matched to MC particles) and vertices go to the vertex checker. */
#include "host/validators/vertex_checker_alg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "checker/track_checker.h"
#include "checker/vertex_checker.h"
#include "host/validators/long_views.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"
#include "host/runtime/report_files.h"

/* The checker's view of a straight-line state. */
static kst_vertex_state state_of(const kst_velo_state *s) {
  return (kst_vertex_state){s->x, s->y, s->z, s->tx, s->ty, s->c00, s->c11};
}

/* One event: match its long tracks, translate its vertices' tracks to indices among them, and accumulate. */
static kst_status check_event(kst_vertex_checker *chk, const vertex_checker_args *a, const kst_long_view_source *src,
                              kst_long_views *views, kst_checked_track *tracks, kst_checked_sv *svs, uint32_t max_svs,
                              const kst_mc_event *mc, uint32_t e) {
  const uint32_t n = kst_long_views_event(views, src, e);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t t = views->slots[i];
    const kst_velo_state *f = &a->dev_long_states_beam.data[t];
    const float p = 1.0f / fabsf(a->dev_long_tracks.data[t].qop), t2 = f->tx * f->tx + f->ty * f->ty;
    tracks[i] = (kst_checked_track){kst_long_track_match(mc, &views->views[i]), p * sqrtf(t2 / (1.0f + t2)),
                                    state_of(f), state_of(&a->dev_velo_states_beam.data[t])};
  }
  uint32_t m = 0;
  const kst_sv *sv = &a->dev_svs.data[(uint64_t)e * max_svs];
  for (uint32_t v = 0; v < a->dev_sv_counts.data[e] && v < max_svs; ++v) {
    uint32_t ia = n, ib = n;
    for (uint32_t i = 0; i < n; ++i) {
      if (views->slots[i] == sv[v].a) ia = i;
      if (views->slots[i] == sv[v].b) ib = i;
    }
    if (ia == n || ib == n) return kst_error(KST_ERR_INVALID, "vertex %u of event %u names a track that is not long", v, e);
    svs[m++] = (kst_checked_sv){ia, ib, sv[v].x, sv[v].y, sv[v].z,
                                {sv[v].cov[0], sv[v].cov[1], sv[v].cov[2], sv[v].cov[3], sv[v].cov[4], sv[v].cov[5]}};
  }
  return kst_vertex_checker_add_event(chk, mc, tracks, n, svs, m);
}

static kst_status after_sync(kst_ctx *ctx, const vertex_checker_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, b->n_events))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  if (a->dev_sv_counts.count != b->n_events || (b->n_events && a->dev_svs.count % b->n_events))
    return kst_error(KST_ERR_CONFIG, "dev_svs and dev_sv_counts are not the outputs of one two_track_vertices");
  const uint32_t max_svs = b->n_events ? (uint32_t)(a->dev_svs.count / b->n_events) : 0u;
  kst_vertex_checker *chk = (kst_vertex_checker *)kst_ctx_accumulator(ctx);
  const kst_long_view_source src = KST_LONG_VIEW_SOURCE(a, b->n_events);
  kst_long_views views;
  KST_TRY(kst_long_views_alloc(&views, &src));
  kst_checked_track *tracks = malloc((views.max_tracks + 1) * sizeof *tracks);
  kst_checked_sv *svs = malloc(((size_t)max_svs + 1) * sizeof *svs);
  kst_status st = tracks && svs ? kst_ok() : kst_error(KST_ERR_NOMEM, "vertex checker: out of memory");
  for (uint32_t k = 0; k < a->dev_event_list.data[0] && !st.code; ++k) {
    const uint32_t e = a->dev_event_list.data[1u + k];
    if (a->dev_velo_errors.data[e] || a->dev_scifi_errors.data[e]) continue;
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) {
      const uint64_t one = 1;
      st = kst_ctx_count_add(ctx, "error:events_with_bad_mc_truth", &one, 1);
      continue;
    }
    st = check_event(chk, a, &src, &views, tracks, svs, max_svs, &mc, e);
    kst_mc_event_free(&mc);
  }
  free(tracks);
  free(svs);
  kst_long_views_free(&views);
  return st;
}

static void *acc_create(void) { return kst_vertex_checker_new(); }
static kst_status acc_merge(void *into, const void *from) {
  return kst_vertex_checker_merge((kst_vertex_checker *)into, (const kst_vertex_checker *)from);
}
static void acc_destroy(void *acc) { kst_vertex_checker_free((kst_vertex_checker *)acc); }

/* The report goes next to the VELO one: FILE.json gives FILE.vertex.json. */
static kst_status acc_report(const void *acc, const char *instance, const kst_report_options *opt) {
  printf("%s: impact parameters and secondary vertices against MC truth\n", instance);
  kst_vertex_checker_print((const kst_vertex_checker *)acc, stdout);
  if (!opt || !opt->json_path) return kst_ok();
  char path[4096];
  const kst_report_files files = kst_report_beside(opt, ".vertex.json", path, sizeof path);
  KST_TRY(kst_vertex_checker_write_json((const kst_vertex_checker *)acc, path, &files));
  if (opt->plots_dir) KST_TRY(kst_checker_plot_script("vertex_plots.py", path, opt->plots_dir));
  return kst_ok();
}

static const kst_accumulator_ops checker_ops = {acc_create, acc_merge, acc_report, acc_destroy};

static const vertex_checker_hooks vertex_checker_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(vertex_checker, VERTEX_CHECKER_PARAMS, KST_NO_PROPS, vertex_checker_hook_table,
              .description = "IP resolution of long tracks from a PV against 1/pT (fitted and VELO states), and the "
                             "two-track vertices of signal decays: efficiency, resolution and pulls",
              .flags = KST_ALG_VALIDATOR, .accumulator = &checker_ops);
