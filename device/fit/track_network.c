/* track_network: descriptor and hooks; the feature names are checked when the sequence loads and against the
   network's own list when the run starts. */
#include "device/fit/track_network.h"

#include "device/fit/track_features.h"

static const kst_feature_catalog catalog = {"track", KST_TRF_COUNT, kst_track_feature_name};

static kst_status check(const track_network_props *p) {
  kst_feature_list f;
  return kst_features_parse(&catalog, p->features, &f);
}

static kst_status set_sizes(kst_ctx *ctx, track_network_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  KST_TRY(kst_expect_count("dev_velo_track_offsets", a->dev_velo_track_offsets.count, events + 1));
  KST_TRY(kst_expect_count("dev_long_states_beam", a->dev_long_states_beam.count, a->dev_long_tracks.count));
  KST_TRY(kst_expect_count("dev_velo_track_n_hits", a->dev_velo_track_n_hits.count, a->dev_long_tracks.count));
  a->dev_ghost_probs.count = a->dev_long_tracks.count;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const track_network_args *a) {
  kst_feature_list f;
  const kst_network *device;
  KST_TRY(kst_network_inputs(ctx, &catalog, a->props.features, "ghost_network", &f, &device));
  return kst_track_network_launch(*a, f, device, kst_ctx_stream(ctx));
}

static const track_network_hooks track_network_hook_table = {.set_sizes = set_sizes, .run = run, .check = check};
KST_ALGORITHM(track_network, TRACK_NETWORK_PARAMS, TRACK_NETWORK_PROPS, track_network_hook_table,
              .description = "the ghost probability of every long track from the ghost_network condition (its features "
                             "named in the property features); 1 for VELO tracks without a long track",
              .conditions = {"ghost_network"});
