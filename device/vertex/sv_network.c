/* sv_network: descriptor and hooks; the feature names are checked when the sequence loads and against the network's
   own list when the run starts. */
#include "device/vertex/sv_network.h"

#include <stdio.h>
#include <string.h>

#include "device/vertex/sv_features.h"

/* The codes of a comma-separated feature list; KST_ERR_CONFIG naming an unknown name. */
static kst_status parse(const char *text, kst_feature_list *f, const char **names, char (*storage)[KST_NET_NAME]) {
  f->n = 0;
  for (const char *p = text; *p;) {
    const char *end = strchr(p, ',');
    const size_t len = end ? (size_t)(end - p) : strlen(p);
    if (f->n == KST_NET_MAX_INPUTS) return kst_error(KST_ERR_CONFIG, "features: more than %u", KST_NET_MAX_INPUTS);
    char name[KST_NET_NAME];
    snprintf(name, sizeof name, "%.*s", (int)(len < KST_NET_NAME - 1 ? len : KST_NET_NAME - 1), p);
    const int code = kst_sv_feature_code(name);
    if (code < 0 || len >= KST_NET_NAME) {
      char known[512] = "";
      for (uint32_t k = 0; k < KST_SVF_COUNT; ++k) strcat(strcat(known, k ? ", " : ""), kst_sv_feature_name(k));
      return kst_error(KST_ERR_CONFIG, "features: '%.*s' is not a vertex feature (known: %s)", (int)len, p, known);
    }
    if (names) snprintf(storage[f->n], KST_NET_NAME, "%s", name), names[f->n] = storage[f->n];
    f->code[f->n++] = (uint32_t)code;
    p = end ? end + 1 : p + len;
  }
  return f->n ? kst_ok() : kst_error(KST_ERR_CONFIG, "features: empty");
}

static kst_status check(const sv_network_props *p) {
  kst_feature_list f;
  return parse(p->features, &f, NULL, NULL);
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
  const kst_network *host = (const kst_network *)kst_ctx_condition_host(ctx, "two_track_network");
  const kst_network *device = (const kst_network *)kst_ctx_condition_device(ctx, "two_track_network");
  if (!host || !device) return kst_error(KST_ERR_CONFIG, "the two_track_network condition is not loaded");
  kst_feature_list f;
  const char *names[KST_NET_MAX_INPUTS];
  char storage[KST_NET_MAX_INPUTS][KST_NET_NAME];
  KST_TRY(parse(a->props.features, &f, names, storage));
  /* a network trained on other features must not be fed these */
  for (uint32_t k = 0; k < f.n || k < host->n_inputs; ++k)
    if (k >= f.n || k >= host->n_inputs || strcmp(host->features[k], names[k]) != 0) {
      char have[KST_NET_MAX_INPUTS * (KST_NET_NAME + 2)] = "";
      for (uint32_t i = 0; i < host->n_inputs; ++i) strcat(strcat(have, i ? "," : ""), host->features[i]);
      return kst_error(KST_ERR_CONFIG, "the two_track_network takes features \"%s\", but the property features is \"%s\"",
                       have, a->props.features);
    }
  kst_stream *s = kst_ctx_stream(ctx);
  KST_TRY(kst_memset(a->dev_sv_scores.data, 0, a->dev_sv_scores.count * sizeof(float), s));
  return kst_sv_network_launch(*a, f, device, s);
}

static const sv_network_hooks sv_network_hook_table = {.set_sizes = set_sizes, .run = run, .check = check};
KST_ALGORITHM(sv_network, SV_NETWORK_PARAMS, SV_NETWORK_PROPS, sv_network_hook_table,
              .description = "scores every two-track vertex with the two_track_network condition (its features named "
                             "in the property features)",
              .conditions = {"two_track_network"});
