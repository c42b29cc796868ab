/* Network weights from JSON (docs/networks.md gives the schema) as the conditions of the networks the sequence runs:
   every key, shape and value is checked, and a problem names the file and the key. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configuration/condition_types.h"
#include "configuration/file.h"
#include "configuration/json.h"
#include "configuration/network.h"

/* Reads the numbers of array a, called key in messages (*n values; *n = -1: any count up to max, returned) into out. */
static kst_status array_numbers(const char *path, const char *key, const cJSON *a, float *out, int *n, int max) {
  if (!cJSON_IsArray(a)) return kst_error(KST_ERR_FORMAT, "%s: %s: missing, or not an array", path, key);
  const int have = cJSON_GetArraySize(a);
  if (*n >= 0 && have != *n) return kst_error(KST_ERR_FORMAT, "%s: %s: %d values, expected %d", path, key, have, *n);
  if (have > max) return kst_error(KST_ERR_FORMAT, "%s: %s: %d values, at most %d", path, key, have, max);
  int i = 0;
  for (const cJSON *v = a->child; v; v = v->next, ++i) {
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || fabs(v->valuedouble) > 3.0e38)
      return kst_error(KST_ERR_FORMAT, "%s: %s[%d]: not a finite number", path, key, i);
    out[i] = (float)v->valuedouble;
  }
  *n = have;
  return kst_ok();
}

/* The numbers of object o's array `key`. */
static kst_status numbers(const char *path, const cJSON *o, const char *key, float *out, int *n, int max) {
  return array_numbers(path, key, cJSON_GetObjectItemCaseSensitive(o, key), out, n, max);
}

static int activation_of(const char *name) {
  static const char *const names[] = {"linear", "relu", "groupsort", "sigmoid", "tanh"};
  for (int k = 0; k < 5; ++k)
    if (strcmp(name, names[k]) == 0) return k;
  return -1;
}

/* The layers: each {"weights": [[...] x width], "bias": [...], "activation": "..."}. */
static kst_status layers(const char *path, const cJSON *root, kst_network *n) {
  const cJSON *ls = cJSON_GetObjectItemCaseSensitive(root, "layers");
  if (!cJSON_IsArray(ls) || cJSON_GetArraySize(ls) < 1 || cJSON_GetArraySize(ls) > (int)KST_NET_MAX_LAYERS)
    return kst_error(KST_ERR_FORMAT, "%s: layers: missing, or not an array of 1 to %u layers", path, KST_NET_MAX_LAYERS);
  uint32_t width = n->n_inputs, at = 0, l = 0;
  char key[64];
  for (const cJSON *layer = ls->child; layer; layer = layer->next, ++l) {
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(layer, "weights");
    snprintf(key, sizeof key, "layers[%u].weights", l);
    if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) < 1 || cJSON_GetArraySize(w) > (int)KST_NET_MAX_WIDTH)
      return kst_error(KST_ERR_FORMAT, "%s: %s: missing, or not 1 to %u rows", path, key, KST_NET_MAX_WIDTH);
    const uint32_t out = (uint32_t)cJSON_GetArraySize(w);
    if (at + out * width + out > KST_NET_MAX_PARAMS)
      return kst_error(KST_ERR_FORMAT, "%s: %s: more than %u parameters in all", path, key, KST_NET_MAX_PARAMS);
    n->offset[l] = at, n->width[l] = out;
    uint32_t r = 0;
    for (const cJSON *row = w->child; row; row = row->next, ++r) {
      int count = (int)width;
      snprintf(key, sizeof key, "layers[%u].weights[%u]", l, r);
      KST_TRY(array_numbers(path, key, row, &n->params[at + r * width], &count, (int)width));
    }
    int count = (int)out;
    snprintf(key, sizeof key, "layers[%u].bias", l);
    KST_TRY(array_numbers(path, key, cJSON_GetObjectItemCaseSensitive(layer, "bias"), &n->params[at + out * width], &count,
                          (int)out));
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(layer, "activation");
    const int a = cJSON_IsString(act) ? activation_of(act->valuestring) : -1;
    if (a < 0) return kst_error(KST_ERR_FORMAT, "%s: layers[%u].activation: not linear, relu, groupsort, sigmoid or tanh", path, l);
    if (a == KST_ACT_GROUPSORT && out % 2)
      return kst_error(KST_ERR_FORMAT, "%s: layers[%u]: groupsort needs an even width, not %u", path, l, out);
    n->activation[l] = (uint32_t)a;
    at += out * width + out, width = out;
  }
  n->n_layers = l;
  if (n->kind == KST_NET_CLASSIFIER && width != 1)
    return kst_error(KST_ERR_FORMAT, "%s: layers: a classifier's last layer has 1 output, not %u", path, width);
  if (n->kind == KST_NET_AUTOENCODER && width != n->n_inputs)
    return kst_error(KST_ERR_FORMAT, "%s: layers: an autoencoder's last layer has its %u inputs, not %u", path,
                     n->n_inputs, width);
  return kst_ok();
}

kst_status kst_network_load(kst_network *n, const char *path) {
  uint8_t *data;
  size_t size;
  KST_TRY(kst_read_file(path, &data, &size));
  char why[256];
  char *text = malloc(size + 1);
  if (!text) return free(data), kst_error(KST_ERR_NOMEM, "%s: out of memory", path);
  memcpy(text, data, size);
  text[size] = 0;
  free(data);
  cJSON *root = kst_json_parse(text, why, sizeof why);
  free(text);
  if (!root) return kst_error(KST_ERR_FORMAT, "%s: %s", path, why);
  memset(n, 0, sizeof *n);
  kst_status s = kst_ok();
  const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
  if (!cJSON_IsString(format) || strcmp(format->valuestring, KST_NETWORK_FORMAT) != 0)
    s = kst_error(KST_ERR_FORMAT, "%s: format: missing, or not \"%s\"", path, KST_NETWORK_FORMAT);
  const cJSON *kind = cJSON_GetObjectItemCaseSensitive(root, "kind");
  if (!s.code) {
    if (!cJSON_IsString(kind) || (strcmp(kind->valuestring, "classifier") && strcmp(kind->valuestring, "autoencoder")))
      s = kst_error(KST_ERR_FORMAT, "%s: kind: missing, or not \"classifier\" or \"autoencoder\"", path);
    else n->kind = strcmp(kind->valuestring, "autoencoder") == 0 ? KST_NET_AUTOENCODER : KST_NET_CLASSIFIER;
  }
  const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
  if (!s.code && (!cJSON_IsArray(features) || cJSON_GetArraySize(features) < 1 ||
                  cJSON_GetArraySize(features) > (int)KST_NET_MAX_INPUTS))
    s = kst_error(KST_ERR_FORMAT, "%s: features: missing, or not 1 to %u names", path, KST_NET_MAX_INPUTS);
  uint32_t i = 0;
  for (const cJSON *f = s.code ? NULL : features->child; f; f = f->next, ++i) {
    if (!cJSON_IsString(f) || !f->valuestring[0] || strlen(f->valuestring) >= KST_NET_NAME) {
      s = kst_error(KST_ERR_FORMAT, "%s: features[%u]: not a name of 1 to %u characters", path, i, KST_NET_NAME - 1);
      break;
    }
    snprintf(n->features[i], KST_NET_NAME, "%s", f->valuestring);
  }
  n->n_inputs = i;
  int count = (int)i;
  if (!s.code) s = numbers(path, root, "mean", n->mean, &count, (int)KST_NET_MAX_INPUTS);
  count = (int)i;
  float std[KST_NET_MAX_INPUTS];
  if (!s.code) s = numbers(path, root, "std", std, &count, (int)KST_NET_MAX_INPUTS);
  for (uint32_t k = 0; k < i && !s.code; ++k) {
    if (!(std[k] > 0.0f)) s = kst_error(KST_ERR_FORMAT, "%s: std[%u]: %g, not positive", path, k, (double)std[k]);
    n->scale[k] = 1.0f / std[k];
  }
  if (!s.code && cJSON_GetObjectItemCaseSensitive(root, "monotonic")) {
    count = (int)i;
    s = numbers(path, root, "monotonic", n->monotonic, &count, (int)KST_NET_MAX_INPUTS);
  }
  if (!s.code) {
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(root, "sigmoid_output");
    if (sig && !cJSON_IsBool(sig)) s = kst_error(KST_ERR_FORMAT, "%s: sigmoid_output: not true or false", path);
    n->sigmoid_output = cJSON_IsTrue(sig);
  }
  if (!s.code) s = layers(path, root, n);
  cJSON_Delete(root);
  return s;
}

static kst_status load(void *host, const char *path) { return kst_network_load((kst_network *)host, path); }

/* LHCb's two-track selection as a network over vertex features (device/vertex/sv_features.h); the project trains
   the shipped one with tools/train_network.py. */
const kst_condition_type kst_condition_two_track_network = {
    .name = "two_track_network",
    .description = "two-track vertex classifier (Kestrel network JSON, docs/networks.md)",
    .default_file = "configuration/networks/two_track.json",
    .host_size = sizeof(kst_network),
    .load = load,
};

/* The probability that a long track is a ghost, from its fit and hit counts (device/fit/track_features.h); the
   project trains the shipped one with tools/train_network.py --target ghosts. */
const kst_condition_type kst_condition_ghost_network = {
    .name = "ghost_network",
    .description = "long-track ghost probability (Kestrel network JSON, docs/networks.md)",
    .default_file = "configuration/networks/ghost.json",
    .host_size = sizeof(kst_network),
    .load = load,
};

/* An autoencoder over event features (device/event/event_features.h) trained on minimum bias only: its
   reconstruction error scores how unusual an event is; tools/train_network.py --target events trains it. */
const kst_condition_type kst_condition_anomaly_network = {
    .name = "anomaly_network",
    .description = "event autoencoder for the anomaly line (Kestrel network JSON, docs/networks.md)",
    .default_file = "configuration/networks/anomaly.json",
    .host_size = sizeof(kst_network),
    .load = load,
};
