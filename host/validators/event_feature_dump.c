/* event_feature_dump: a CSV file per batch (DIR/event_features_FIRST.csv): a comment with the events looked at, then
   per event its number, whether it has a signal decay (1: daughters all long, 0: not all, -1: none) and every feature
   of device/event/event_features.h, as the device computes them. */
#include "host/validators/event_feature_dump.h"

#include <stdio.h>

#include "device/event/event_features.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"

static kst_status after_sync(kst_ctx *ctx, const event_feature_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t n = b->n_events;
  if (!kst_event_list_valid(a->dev_event_list.data, a->dev_event_list.count, n))
    return kst_error(KST_ERR_INVALID, "dev_event_list is not a valid event list of the batch");
  if (a->dev_velo_track_offsets.count != (uint64_t)n + 1 || a->dev_sv_counts.count != n || a->dev_pv_counts.count != n ||
      (n && a->dev_svs.count % n))
    return kst_error(KST_ERR_CONFIG, "the tracks and vertices are not of this batch");
  const uint32_t slots = n ? (uint32_t)(a->dev_svs.count / n) : 0u;
  char path[4096];
  snprintf(path, sizeof path, "%s/event_features_%llu.csv", kst_ctx_dump_dir(ctx), (unsigned long long)b->first);
  FILE *f = fopen(path, "w");
  if (!f) return kst_error(KST_ERR_IO, "%s: cannot write the dump", path);
  fprintf(f, "# events %u\nevent,signal_event", a->dev_event_list.data[0]);
  for (uint32_t k = 0; k < KST_EVF_COUNT; ++k) fprintf(f, ",%s", kst_event_feature_name(k));
  fprintf(f, "\n");
  kst_status s = kst_ok();
  for (uint32_t i = 0; i < a->dev_event_list.data[0] && !s.code; ++i) {
    const uint32_t e = a->dev_event_list.data[1u + i], t0 = a->dev_velo_track_offsets.data[e];
    kst_mc_event mc;
    s = kst_mc_event_from_mdf(&b->events[e], &mc);
    if (s.code) break;
    const kst_event_inputs in = {&a->dev_long_tracks.data[t0], &a->dev_long_states_beam.data[t0],
                                 &a->dev_track_pv.data[t0], a->dev_velo_track_offsets.data[e + 1] - t0,
                                 a->dev_pv_counts.data[e], a->dev_sv_counts.data[e] < slots ? a->dev_sv_counts.data[e] : slots,
                                 &a->dev_svs.data[(uint64_t)e * slots]};
    float x[KST_EVF_COUNT];
    kst_event_features(&in, x);
    fprintf(f, "%llu,%d", (unsigned long long)(b->first + e), kst_mc_signal_state(&mc));
    for (uint32_t k = 0; k < KST_EVF_COUNT; ++k) fprintf(f, ",%.9g", (double)x[k]);
    fprintf(f, "\n");
    kst_mc_event_free(&mc);
  }
  if (fclose(f) != 0 && !s.code) s = kst_error(KST_ERR_IO, "%s: write failed", path);
  return s;
}

static const event_feature_dump_hooks event_feature_dump_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(event_feature_dump, EVENT_FEATURE_DUMP_PARAMS, KST_NO_PROPS, event_feature_dump_hook_table,
              .description = "writes every event's features as CSV for training the anomaly autoencoder, with --dump "
                             "DIR --validate",
              .flags = KST_ALG_DUMP | KST_ALG_VALIDATOR);
