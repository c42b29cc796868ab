/* Property values: parsing JSON into typed bytes with range checks, formatting back, and name suggestions. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configuration/sequence.h"

static int parse_scalar(const kst_prop_desc *d, const cJSON *v, uint8_t *out, char *msg, size_t n) {
  const char *want = kst_prop_type_name(d->type);
  if (d->type == KST_PROP_BOOL) {
    if (!cJSON_IsBool(v)) return snprintf(msg, n, "expected %s (true or false)", want), 0;
    bool b = cJSON_IsTrue(v);
    memcpy(out, &b, sizeof b);
    return 1;
  }
  if (!cJSON_IsNumber(v)) return snprintf(msg, n, "expected %s, got %s", want, cJSON_IsString(v) ? "a string" : "another JSON type"), 0;
  double x = v->valuedouble;
  if (d->min <= d->max && (x < d->min || x > d->max))
    return snprintf(msg, n, "value %g is out of range [%g, %g]", x, d->min, d->max), 0;
  if (d->type == KST_PROP_FLOAT) {
    if (!isfinite(x) || fabs(x) > 3.4e38) return snprintf(msg, n, "value %g does not fit a float", x), 0;
    float f = (float)x;
    memcpy(out, &f, sizeof f);
    return 1;
  }
  if (x != floor(x)) return snprintf(msg, n, "expected %s, got %g", want, x), 0;
  if (d->type == KST_PROP_INT) {
    if (x < -2147483648.0 || x > 2147483647.0) return snprintf(msg, n, "value %g does not fit a 32-bit integer", x), 0;
    int32_t i = (int32_t)x;
    memcpy(out, &i, sizeof i);
    return 1;
  }
  if (x < 0 || x > 4294967295.0) return snprintf(msg, n, "expected %s, got %g", want, x), 0;
  uint32_t u = (uint32_t)x;
  memcpy(out, &u, sizeof u);
  return 1;
}

/* Parses a cJSON value into out; shared by defaults and sequence files. */
int kst__property_from_json(const kst_prop_desc *d, const cJSON *v, void *out, char **owned, char *msg, size_t n) {
  if (d->type == KST_PROP_STRING) {
    if (!cJSON_IsString(v)) return snprintf(msg, n, "expected a string"), 0;
    char *s = strdup(v->valuestring);
    if (!s) return snprintf(msg, n, "out of memory"), 0;
    free(*owned);
    *owned = s;
    memcpy(out, &s, sizeof s);
    return 1;
  }
  if (d->count == 1) return parse_scalar(d, v, (uint8_t *)out, msg, n);
  if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != (int)d->count)
    return snprintf(msg, n, "expected an array of %u %s values", d->count, kst_prop_type_name(d->type)), 0;
  uint32_t elem = d->size / d->count;
  for (uint32_t i = 0; i < d->count; ++i) {
    char inner[160];
    if (!parse_scalar(d, cJSON_GetArrayItem(v, (int)i), (uint8_t *)out + i * elem, inner, sizeof inner))
      return snprintf(msg, n, "element %u: %s", i, inner), 0;
  }
  return 1;
}

int kst_property_parse(const kst_prop_desc *desc, const char *json, void *out, char **owned, char *msg, size_t n) {
  cJSON *v = cJSON_Parse(json);
  if (!v) return snprintf(msg, n, "'%s' is not valid JSON", json), 0;
  int ok = kst__property_from_json(desc, v, out, owned, msg, n);
  cJSON_Delete(v);
  return ok;
}

static int format_scalar(const kst_prop_desc *d, const uint8_t *v, char *out, size_t n) {
  switch (d->type) {
    case KST_PROP_BOOL: {
      bool b;
      memcpy(&b, v, sizeof b);
      return snprintf(out, n, "%s", b ? "true" : "false");
    }
    case KST_PROP_INT: {
      int32_t i;
      memcpy(&i, v, sizeof i);
      return snprintf(out, n, "%d", i);
    }
    case KST_PROP_UINT: {
      uint32_t u;
      memcpy(&u, v, sizeof u);
      return snprintf(out, n, "%u", u);
    }
    case KST_PROP_FLOAT: {
      float f;
      memcpy(&f, v, sizeof f);
      return snprintf(out, n, "%g", f);
    }
    case KST_PROP_STRING: {
      const char *s;
      memcpy(&s, v, sizeof s);
      return snprintf(out, n, "\"%s\"", s ? s : "");
    }
  }
  return 0;
}

void kst_property_format(const kst_prop_desc *d, const void *value, char *out, size_t n) {
  if (d->count == 1 || d->type == KST_PROP_STRING) {
    format_scalar(d, (const uint8_t *)value, out, n);
    return;
  }
  size_t at = 0;
  uint32_t elem = d->size / d->count;
  for (uint32_t i = 0; i < d->count && at + 1 < n; ++i) {
    at += (size_t)snprintf(out + at, n - at, i ? ", " : "[");
    if (at < n) at += (size_t)format_scalar(d, (const uint8_t *)value + i * elem, out + at, n - at);
  }
  if (at + 1 < n) snprintf(out + at, n - at, "]");
}

static uint32_t edit_distance(const char *a, const char *b) {
  uint32_t la = (uint32_t)strlen(a), lb = (uint32_t)strlen(b);
  if (la > 63 || lb > 63) return 1000;
  uint32_t row[64];
  for (uint32_t j = 0; j <= lb; ++j) row[j] = j;
  for (uint32_t i = 1; i <= la; ++i) {
    uint32_t diag = row[0];
    row[0] = i;
    for (uint32_t j = 1; j <= lb; ++j) {
      uint32_t up = row[j];
      uint32_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *kst_closest_name(const char *name, const char *const *candidates, uint32_t n) {
  const char *best = NULL;
  uint32_t best_d = 1000;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t d = edit_distance(name, candidates[i]);
    if (d < best_d) best_d = d, best = candidates[i];
  }
  /* Suggest only what a typo could explain: up to a third of the name's length, at least 2 edits. */
  uint32_t limit = (uint32_t)strlen(name) / 3;
  if (limit < 2) limit = 2;
  return best_d <= limit ? best : NULL;
}
