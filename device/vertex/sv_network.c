/* sv_network: descriptor and hooks; the feature names are checked when the sequence loads and against the network's
   own list when the run starts. */
#include "device/vertex/sv_network.h"

#include "device/common/kst_features.h"
#include "device/vertex/sv_features.h"

static const kst_feature_catalog catalog = {"vertex", KST_SVF_COUNT, kst_sv_feature_name};

static kst_status check(const sv_network_props *p) {
  kst_feature_list f;
  return kst_features_parse(&catalog, p->features, &f);
}

static kst_status set_sizes(kst_ctx *ctx, sv_network_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  if (a->dev_sv_counts.count != events || (events && a->dev_svs.count % events))
    return kst_error(KST_ERR_CONFIG, "dev_svs and dev_sv_counts are not the outputs of one two_track_vertices");
  a->dev_sv_scores.count = a->dev_svs.count;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const sv_network_args *a) {
  kst_feature_list f;
  const kst_network *device;
  KST_TRY(kst_network_inputs(ctx, &catalog, a->props.features, "two_track_network", &f, &device));
  kst_stream *s = kst_ctx_stream(ctx);
  KST_TRY(kst_memset(a->dev_sv_scores.data, 0, a->dev_sv_scores.count * sizeof(float), s));
  return kst_sv_network_launch(*a, f, device, s);
}

static const sv_network_hooks sv_network_hook_table = {.set_sizes = set_sizes, .run = run, .check = check};
KST_ALGORITHM(sv_network, SV_NETWORK_PARAMS, SV_NETWORK_PROPS, sv_network_hook_table,
              .description = "scores every two-track vertex with the two_track_network condition (its features named "
                             "in the property features)",
              .conditions = {"two_track_network"});
