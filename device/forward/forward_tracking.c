/* forward_tracking: descriptor and hooks; one long-track slot per VELO track, so no count needs a sync. */
#include "device/forward/forward_tracking.h"

#include "device/event_model/magnet.h"

static kst_status set_sizes(kst_ctx *ctx, forward_tracking_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  KST_TRY(kst_expect_count("dev_velo_track_offsets", a->dev_velo_track_offsets.count, events + 1));
  KST_TRY(kst_expect_count("dev_velo_track_n_hits", a->dev_velo_track_n_hits.count, a->dev_velo_states_end.count));
  KST_TRY(kst_expect_count("dev_scifi_hit_offsets", a->dev_scifi_hit_offsets.count, events * KST_SCIFI_OFFSETS_PER_EVENT));
  a->dev_long_tracks.count = a->dev_velo_states_end.count;
  a->dev_long_scifi_hits.count = a->dev_velo_states_end.count * KST_LONG_MAX_SCIFI_HITS;
  a->dev_long_keep.count = a->dev_velo_states_end.count;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const forward_tracking_args *a) {
  const kst_magnet *magnet = (const kst_magnet *)kst_ctx_condition_device(ctx, "magnet_polarity");
  if (!magnet) return kst_error(KST_ERR_CONFIG, "the magnet_polarity condition is not loaded");
  kst_stream *s = kst_ctx_stream(ctx);
  /* Slots of unlisted events and past each event's tracks read as "no long track". */
  KST_TRY(kst_memset(a->dev_long_tracks.data, 0, a->dev_long_tracks.count * sizeof(kst_long_track), s));
  return kst_forward_tracking_launch(*a, magnet, s);
}

static const forward_tracking_hooks forward_tracking_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(forward_tracking, FORWARD_TRACKING_PARAMS, FORWARD_TRACKING_PROPS, forward_tracking_hook_table,
              .description = "extends VELO tracks into the SciFi: x-layer hits that agree at a reference plane under "
                             "the magnet model, stereo hits, a fit of the T segment, and q/p from the bend",
              .conditions = {"magnet_polarity"});
