/* track_feature_dump: a CSV file per batch (DIR/track_features_FIRST.csv): a comment with the events looked at, then
   per long track its event, whether it is a ghost (it matches no particle by LHCb's rules), whether it matches a long
   particle of p > 5 GeV in 2 < eta < 5 other than an electron (the efficiency category the ghost cut must keep), and
   every feature of device/fit/track_features.h, as the device computes them. */
#include "host/validators/track_feature_dump.h"

#include <stdio.h>
#include <stdlib.h>

#include "device/fit/track_features.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"

static kst_status after_sync(kst_ctx *ctx, const track_feature_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t n = b->n_events;
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, n))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  if (a->dev_velo_track_offsets.count != (uint64_t)n + 1 || a->dev_long_states_beam.count != a->dev_long_tracks.count)
    return kst_error(KST_ERR_CONFIG, "the tracks are not of this batch");
  const kst_long_view_source src = KST_LONG_VIEW_SOURCE(a, n);
  char path[4096];
  snprintf(path, sizeof path, "%s/track_features_%llu.csv", kst_ctx_dump_dir(ctx), (unsigned long long)b->first);
  FILE *f = fopen(path, "w");
  if (!f) return kst_error(KST_ERR_IO, "%s: cannot write the dump", path);
  fprintf(f, "# events %u\nevent,ghost,long_p5", a->dev_event_list.data[0]);
  for (uint32_t k = 0; k < KST_TRF_COUNT; ++k) fprintf(f, ",%s", kst_track_feature_name(k));
  fprintf(f, "\n");
  kst_status s = kst_ok();
  uint32_t ids[KST_LONG_VIEW_MAX_IDS];
  for (uint32_t i = 0; i < a->dev_event_list.data[0] && !s.code; ++i) {
    const uint32_t e = a->dev_event_list.data[1u + i];
    kst_mc_event mc;
    s = kst_mc_event_from_mdf(&b->events[e], &mc);
    if (s.code) break;
    for (uint32_t t = src.track_offsets[e]; t < src.track_offsets[e + 1]; ++t) {
      const kst_long_track *l = &a->dev_long_tracks.data[t];
      if (!l->n_hits) continue;
      kst_long_track_view v;
      kst_long_view_of(&src, t, 1, ids, &v);
      const int32_t p = kst_long_track_match(&mc, &v);
      const kst_mc_particle *q = p >= 0 ? &mc.particles[p] : NULL;
      const int long_p5 = q && q->is_long && q->eta > 2.0f && q->eta < 5.0f && q->p > 5000.0f && abs(q->pid) != 11;
      fprintf(f, "%llu,%d,%d", (unsigned long long)(b->first + e), p < 0, long_p5);
      for (uint32_t c = 0; c < KST_TRF_COUNT; ++c)
        fprintf(f, ",%.9g", (double)kst_track_feature(l, &a->dev_long_states_beam.data[t], src.n_hits[t], c));
      fprintf(f, "\n");
    }
    kst_mc_event_free(&mc);
  }
  if (fclose(f) != 0 && !s.code) s = kst_error(KST_ERR_IO, "%s: write failed", path);
  return s;
}

static const track_feature_dump_hooks track_feature_dump_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(track_feature_dump, TRACK_FEATURE_DUMP_PARAMS, KST_NO_PROPS, track_feature_dump_hook_table,
              .description = "writes every long track's features and truth (ghost, long p > 5 GeV) as CSV for training "
                             "the ghost network, with --dump DIR --validate",
              .flags = KST_ALG_DUMP | KST_ALG_VALIDATOR);
