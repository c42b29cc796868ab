/* event_network: descriptor and hooks; the feature names are checked when the sequence loads and against the
   network's own list when the run starts. */
#include "device/event/event_network.h"

#include "device/event/event_features.h"

static const kst_feature_catalog catalog = {"event", KST_EVF_COUNT, kst_event_feature_name};

static kst_status check(const event_network_props *p) {
  kst_feature_list f;
  return kst_features_parse(&catalog, p->features, &f);
}

static kst_status set_sizes(kst_ctx *ctx, event_network_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  KST_TRY(kst_expect_count("dev_velo_track_offsets", a->dev_velo_track_offsets.count, events + 1));
  KST_TRY(kst_expect_count("dev_long_states_beam", a->dev_long_states_beam.count, a->dev_long_tracks.count));
  KST_TRY(kst_expect_count("dev_track_pv", a->dev_track_pv.count, a->dev_long_tracks.count));
  KST_TRY(kst_expect_count("dev_pv_counts", a->dev_pv_counts.count, events));
  if (a->dev_sv_counts.count != events || (events && a->dev_svs.count % events))
    return kst_error(KST_ERR_CONFIG, "dev_svs and dev_sv_counts are not the outputs of one two_track_vertices");
  a->dev_event_scores.count = events;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const event_network_args *a) {
  kst_feature_list f;
  const kst_network *device;
  KST_TRY(kst_network_inputs(ctx, &catalog, a->props.features, "anomaly_network", &f, &device));
  kst_stream *s = kst_ctx_stream(ctx);
  KST_TRY(kst_memset(a->dev_event_scores.data, 0, a->dev_event_scores.count * sizeof(float), s));
  return kst_event_network_launch(*a, f, device, s);
}

static const event_network_hooks event_network_hook_table = {.set_sizes = set_sizes, .run = run, .check = check};
KST_ALGORITHM(event_network, EVENT_NETWORK_PARAMS, EVENT_NETWORK_PROPS, event_network_hook_table,
              .description = "scores every event with the anomaly_network condition (an autoencoder's reconstruction "
                             "error over event features named in the property features)",
              .conditions = {"anomaly_network"});
