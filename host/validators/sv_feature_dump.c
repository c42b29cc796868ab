/* sv_feature_dump: a CSV file per batch (DIR/sv_features_FIRST.csv): a comment with the events looked at, then per
   vertex the event, whether the event has a
   signal decay (1: its charged daughters all long, 0: not all, -1: no signal), the label (1 when both tracks match
   particles of the signal decay) and every feature of device/vertex/sv_features.h, as the device computes them. */
#include "host/validators/sv_feature_dump.h"

#include <stdio.h>

#include "device/vertex/sv_features.h"
#include "host/validators/long_views.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"

/* Whether VELO track t's long track matches a particle of the signal decay. */
static int signal_track(const kst_long_view_source *src, const kst_mc_event *mc, uint32_t t) {
  uint32_t ids[KST_LONG_VIEW_MAX_IDS];
  kst_long_track_view v;
  kst_long_view_of(src, t, 1, ids, &v);
  const int32_t p = kst_long_track_match(mc, &v);
  return p >= 0 && mc->particles[p].from_signal;
}

static kst_status after_sync(kst_ctx *ctx, const sv_feature_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t n = b->n_events;
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, n))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  if (a->dev_sv_counts.count != n || (n && a->dev_svs.count % n) || a->dev_velo_track_offsets.count != (uint64_t)n + 1)
    return kst_error(KST_ERR_CONFIG, "the tracks and vertices are not of this batch");
  const uint32_t slots = n ? (uint32_t)(a->dev_svs.count / n) : 0u;
  const kst_long_view_source src = KST_LONG_VIEW_SOURCE(a, n);
  char path[4096];
  snprintf(path, sizeof path, "%s/sv_features_%llu.csv", kst_ctx_dump_dir(ctx), (unsigned long long)b->first);
  FILE *f = fopen(path, "w");
  if (!f) return kst_error(KST_ERR_IO, "%s: cannot write the dump", path);
  /* the events looked at, with or without vertices: rates are fractions of them */
  fprintf(f, "# events %u\n", a->dev_event_list.data[0]);
  fprintf(f, "event,signal_event,label");
  for (uint32_t k = 0; k < KST_SVF_COUNT; ++k) fprintf(f, ",%s", kst_sv_feature_name(k));
  fprintf(f, "\n");
  kst_status s = kst_ok();
  for (uint32_t i = 0; i < a->dev_event_list.data[0] && !s.code; ++i) {
    const uint32_t e = a->dev_event_list.data[1u + i];
    kst_mc_event mc;
    s = kst_mc_event_from_mdf(&b->events[e], &mc);
    if (s.code) break;
    const int state = kst_mc_signal_state(&mc);
    for (uint32_t k = 0; k < a->dev_sv_counts.data[e] && k < slots; ++k) {
      const kst_sv *v = &a->dev_svs.data[(uint64_t)e * slots + k];
      const int label = state >= 0 && signal_track(&src, &mc, v->a) && signal_track(&src, &mc, v->b);
      fprintf(f, "%llu,%d,%d", (unsigned long long)(b->first + e), state, label);
      for (uint32_t c = 0; c < KST_SVF_COUNT; ++c) fprintf(f, ",%.9g", (double)kst_sv_feature(v, c));
      fprintf(f, "\n");
    }
    kst_mc_event_free(&mc);
  }
  if (fclose(f) != 0 && !s.code) s = kst_error(KST_ERR_IO, "%s: write failed", path);
  return s;
}

static const sv_feature_dump_hooks sv_feature_dump_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(sv_feature_dump, SV_FEATURE_DUMP_PARAMS, KST_NO_PROPS, sv_feature_dump_hook_table,
              .description = "writes every two-track vertex's features and truth label as CSV for training networks, "
                             "with --dump DIR --validate",
              .flags = KST_ALG_DUMP | KST_ALG_VALIDATOR);
