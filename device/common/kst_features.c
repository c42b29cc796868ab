/* Parsing and checking a network's feature list. */
#include "device/common/kst_features.h"

#include "device/common/kst_algorithm.h"

#include <stdio.h>
#include <string.h>

/* The catalog's names joined by sep into out. */
static void names_of(const kst_feature_catalog *c, const kst_feature_list *f, char *out, size_t size) {
  size_t at = 0;
  out[0] = 0;
  const uint32_t n = f ? f->n : c->count;
  for (uint32_t k = 0; k < n && at < size; ++k)
    at += (size_t)snprintf(out + at, size - at, "%s%s", k ? "," : "", c->name(f ? f->code[k] : k));
}

kst_status kst_features_parse(const kst_feature_catalog *c, const char *text, kst_feature_list *f) {
  f->n = 0;
  for (const char *p = text; *p;) {
    const char *end = strchr(p, ',');
    const size_t len = end ? (size_t)(end - p) : strlen(p);
    if (f->n == KST_NET_MAX_INPUTS) return kst_error(KST_ERR_CONFIG, "features: more than %u", KST_NET_MAX_INPUTS);
    uint32_t code = 0;
    while (code < c->count && !(strlen(c->name(code)) == len && strncmp(c->name(code), p, len) == 0)) ++code;
    if (code == c->count) {
      char known[1024];
      names_of(c, NULL, known, sizeof known);
      return kst_error(KST_ERR_CONFIG, "features: '%.*s' is not a %s feature (known: %s)", (int)len, p, c->kind, known);
    }
    f->code[f->n++] = code;
    p = end ? end + 1 : p + len;
  }
  return f->n ? kst_ok() : kst_error(KST_ERR_CONFIG, "features: empty");
}

kst_status kst_features_check(const kst_feature_catalog *c, const kst_feature_list *f, const kst_network *net,
                              const char *condition) {
  int same = net->n_inputs == f->n;
  for (uint32_t k = 0; same && k < f->n; ++k) same = strcmp(net->features[k], c->name(f->code[k])) == 0;
  if (same) return kst_ok();
  char have[KST_NET_MAX_INPUTS * (KST_NET_NAME + 1)] = "", want[sizeof have];
  for (uint32_t k = 0; k < net->n_inputs; ++k) strcat(strcat(have, k ? "," : ""), net->features[k]);
  names_of(c, f, want, sizeof want);
  return kst_error(KST_ERR_CONFIG, "the %s takes features \"%s\", but the property features is \"%s\"", condition, have, want);
}

kst_status kst_network_inputs(const kst_ctx *ctx, const kst_feature_catalog *c, const char *text, const char *condition,
                              kst_feature_list *f, const kst_network **device) {
  const kst_network *host = (const kst_network *)kst_ctx_condition_host(ctx, condition);
  *device = (const kst_network *)kst_ctx_condition_device(ctx, condition);
  if (!host || !*device) return kst_error(KST_ERR_CONFIG, "the %s condition is not loaded", condition);
  KST_TRY(kst_features_parse(c, text, f));
  return kst_features_check(c, f, host, condition);
}
