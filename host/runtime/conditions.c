/* Conditions: resolve each declared condition's file, load it once, upload it once; workers only read them. */
#include "host/runtime/conditions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/sequence.h"
#include "host/runtime/runtime.h"
#include "kst_backend.h"

const char *kst_condition_origin_name(kst_condition_origin origin) {
  switch (origin) {
    case KST_CONDITION_COMMAND_LINE: return "command line";
    case KST_CONDITION_SEQUENCE: return "sequence";
    case KST_CONDITION_DETECTOR_DIR: return "detector folder";
    case KST_CONDITION_BESIDE_INPUT: return "beside the input";
    case KST_CONDITION_DEFAULT: return "shipped default";
  }
  return "?";
}

kst_status kst_condition_resolve(const kst_condition_type *type, const char *given, kst_condition_origin given_origin,
                                 const char *first_input, char *path, size_t path_size, kst_condition_origin *origin) {
  int n = -1;
  if (given) {
    n = snprintf(path, path_size, "%s", given);
    *origin = given_origin;
  }
  if (n < 0 && type->beside_input && first_input) {
    /* Data and its detector description travel together: the LHCb sample's folder holds its geometry. */
    const char *slash = strrchr(first_input, '/');
    const int dir = slash ? (int)(slash - first_input) : 1;
    n = snprintf(path, path_size, "%.*s/%s", dir, slash ? first_input : ".", type->beside_input);
    *origin = KST_CONDITION_BESIDE_INPUT;
    if (n >= 0 && (size_t)n < path_size && access(path, R_OK) != 0) n = -1;
  }
  if (n < 0) {
    if (!type->default_file) return kst_error(KST_ERR_CONFIG, "condition %s: no file given and none shipped", type->name);
    n = snprintf(path, path_size, "%s/%s", KST_SOURCE_DIR, type->default_file);
    *origin = KST_CONDITION_DEFAULT;
  }
  if ((size_t)n >= path_size) return kst_error(KST_ERR_CONFIG, "condition %s: file name too long", type->name);
  return kst_ok();
}

kst_status kst_condition_override(const char *const *overrides, unsigned n, const char *name, const char **file) {
  *file = NULL;
  for (unsigned i = 0; i < n; ++i) {
    const char *eq = strchr(overrides[i], '=');
    if (!eq || eq == overrides[i] || !eq[1])
      return kst_error(KST_ERR_CONFIG, "--condition '%s': write NAME=FILE", overrides[i]);
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(eq - overrides[i]), overrides[i]);
    if (!kst_condition_type_find(key)) {
      const char *names[KST_MAX_CONDITIONS];
      unsigned k = 0;
      for (const kst_condition_type *const *t = kst_condition_types; *t && k < KST_MAX_CONDITIONS; ++t) names[k++] = (*t)->name;
      const char *close = kst_closest_name(key, names, k);
      return kst_error(KST_ERR_CONFIG, "--condition %s: no condition called '%s'%s%s%s", overrides[i], key,
                       close ? " (did you mean '" : "", close ? close : "", close ? "'?)" : "");
    }
    if (strcmp(key, name) == 0) *file = eq + 1;
  }
  return kst_ok();
}

/* Loads one condition and uploads its bytes. */
static kst_status load_one(kst_condition *c, const kst_condition_type *type) {
  c->type = type;
  if (!(c->host = calloc(1, type->host_size))) return kst_error(KST_ERR_NOMEM, "condition %s: out of memory", type->name);
  KST_TRY(kst_error_wrap(type->load(c->host, c->path), "condition %s", type->name));
  kst_stream *s;
  void *dev = NULL;
  KST_TRY(kst_stream_create(&s));
  kst_status st = kst_device_alloc(&dev, type->host_size);
  if (!st.code) st = kst_copy_h2d(dev, c->host, type->host_size, s);
  if (!st.code) st = kst_stream_sync(s);
  kst_stream_destroy(s);
  if (st.code) {
    kst_device_free(dev);
    return kst_error_wrap(st, "uploading condition %s", type->name);
  }
  c->device = dev;
  return kst_ok();
}

kst_status kst_conditions_resolve(kst_conditions *c, const kst_sequence *seq, const kst_run_options *opt,
                                  const char *first_input) {
  memset(c, 0, sizeof *c);
  for (uint32_t i = 0; i < seq->n; ++i)
    for (uint32_t k = 0; k < KST_ALG_MAX_CONDITIONS && seq->inst[i].desc->conditions[k]; ++k) {
      const char *name = seq->inst[i].desc->conditions[k];
      if (kst_conditions_find(c, name)) continue;
      const kst_condition_type *type = kst_condition_type_find(name);
      if (!type) return kst_error(KST_ERR_CONFIG, "%s (%s) declares condition '%s', which no loader provides",
                                  seq->inst[i].name, seq->inst[i].desc->name, name);
      if (c->n == KST_MAX_CONDITIONS) return kst_error(KST_ERR_CONFIG, "more than %d conditions", KST_MAX_CONDITIONS);
      const char *given = NULL;
      kst_condition_origin given_origin = KST_CONDITION_COMMAND_LINE;
      KST_TRY(kst_condition_override(opt->conditions, opt->n_conditions, name, &given));
      if (!given && opt->geometry && strcmp(name, "velo_geometry") == 0) given = opt->geometry;
      if (!given && (given = kst_sequence_condition_file(seq, name))) given_origin = KST_CONDITION_SEQUENCE;
      char in_dir[KST_CONDITION_PATH];
      if (!given && opt->detector_dir && type->beside_input) {
        /* the detector folder holds the files under their own names (what beside_input names, without its folder) */
        const char *base = strrchr(type->beside_input, '/');
        base = base ? base + 1 : type->beside_input;
        const int n = snprintf(in_dir, sizeof in_dir, "%s/%s", opt->detector_dir, base);
        if (n > 0 && (size_t)n < sizeof in_dir && access(in_dir, R_OK) == 0)
          given = in_dir, given_origin = KST_CONDITION_DETECTOR_DIR;
      }
      kst_condition *cond = &c->items[c->n++];
      cond->type = type;
      KST_TRY(kst_condition_resolve(type, given, given_origin, first_input, cond->path, sizeof cond->path, &cond->origin));
    }
  return kst_ok();
}

kst_status kst_conditions_load(kst_conditions *c, const kst_sequence *seq, const kst_run_options *opt,
                               const char *first_input) {
  KST_TRY(kst_conditions_resolve(c, seq, opt, first_input));
  for (unsigned i = 0; i < c->n; ++i) KST_TRY(load_one(&c->items[i], c->items[i].type));
  return kst_ok();
}

/* Prints one line per condition of the run: name, file and where the file came from. */
void kst_conditions_print(const kst_conditions *c, FILE *out) {
  for (unsigned i = 0; i < c->n; ++i)
    fprintf(out, "condition:    %s = %s (%s)\n", c->items[i].type->name, c->items[i].path,
            kst_condition_origin_name(c->items[i].origin));
}

const kst_condition *kst_conditions_find(const kst_conditions *c, const char *name) {
  for (unsigned i = 0; i < c->n; ++i)
    if (strcmp(c->items[i].type->name, name) == 0) return &c->items[i];
  return NULL;
}

void kst_conditions_free(kst_conditions *c) {
  for (unsigned i = 0; i < c->n; ++i) {
    kst_device_free((void *)c->items[i].device);
    free(c->items[i].host);
  }
  memset(c, 0, sizeof *c);
}
