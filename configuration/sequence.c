/* The sequence loader: reads JSON, checks every instance, binds inputs to producers and plans lifetimes. */
#include "configuration/sequence.h"

#include "configuration/condition_types.h"
#include "configuration/file.h"
#include "configuration/json.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kst__property_from_json(const kst_prop_desc *d, const cJSON *v, void *out, char **owned, char *msg, size_t n);

typedef struct loader {
  const char *file;
  kst_sequence *seq;
  kst_problems *pb;
  int own_inputs; /* every input is a buffer of its own instance (kst_sequence_single) */
} loader;

static void add_problem(loader *L, int warning, const char *path, const char *fmt, ...) {
  char text[600];
  int at = snprintf(text, sizeof text, "%s: %s: %s: ", L->file, warning ? "warning" : "error", path);
  va_list ap;
  va_start(ap, fmt);
  if (at > 0 && at < (int)sizeof text) vsnprintf(text + at, sizeof text - (size_t)at, fmt, ap);
  va_end(ap);
  /* Counted first: a problem whose text cannot be stored must still fail the load. */
  if (warning) L->pb->n_warnings++;
  else L->pb->n_errors++;
  char **lines = realloc(L->pb->lines, (L->pb->n + 1) * sizeof *lines);
  char *copy = strdup(text);
  if (!lines || !copy) {
    free(copy);
    if (lines) L->pb->lines = lines;
    return;
  }
  L->pb->lines = lines;
  lines[L->pb->n++] = copy;
}

/* Appends " (did you mean 'x'?)" when a close name exists. */
static const char *hint(char *buf, size_t n, const char *name, const char *const *cands, uint32_t nc) {
  const char *c = kst_closest_name(name, cands, nc);
  if (c) snprintf(buf, n, " (did you mean '%s'?)", c);
  else buf[0] = '\0';
  return buf;
}

static void check_keys(loader *L, const cJSON *obj, const char *path, const char *const *allowed, uint32_t n) {
  for (const cJSON *k = obj->child; k; k = k->next) {
    uint32_t i = 0;
    while (i < n && strcmp(k->string, allowed[i]) != 0) ++i;
    if (i < n) continue;
    char h[96];
    add_problem(L, 0, path, "unknown key '%s'%s", k->string, hint(h, sizeof h, k->string, allowed, n));
  }
}

static int valid_name(const char *s) {
  if (!*s || strlen(s) >= KST_NAME_MAX) return 0;
  for (; *s; ++s)
    if (!isalnum((unsigned char)*s) && *s != '_') return 0;
  return 1;
}

static kst_status init_instance(kst_instance *in, const kst_alg_desc *d) {
  uint32_t total = 0;
  in->desc = d;
  in->prop_offset = calloc(d->n_props + 1, sizeof *in->prop_offset);
  in->prop_set = calloc(d->n_props + 1, 1);
  in->strings = calloc(d->n_props + 1, sizeof *in->strings);
  in->buffer = calloc(d->n_params + 1, sizeof *in->buffer);
  for (uint32_t p = 0; p < d->n_props; ++p) {
    in->prop_offset[p] = total;
    total += (d->props[p].size + 7u) & ~7u;
  }
  in->props = calloc(total + 8, 1);
  if (!in->prop_offset || !in->prop_set || !in->strings || !in->buffer || !in->props)
    return kst_error(KST_ERR_NOMEM, "out of memory loading the sequence");
  for (uint32_t p = 0; p < d->n_props; ++p) {
    char msg[200];
    if (!kst_property_parse(&d->props[p], d->props[p].default_json, in->props + in->prop_offset[p], &in->strings[p], msg,
                            sizeof msg))
      return kst_error(KST_ERR_CONFIG, "algorithm %s: default of property %s is bad: %s", d->name, d->props[p].name, msg);
  }
  return kst_ok();
}

/* Property i of instance src, for an algorithm's check hook. */
static const void *instance_prop(const void *src, uint32_t i) {
  const kst_instance *in = (const kst_instance *)src;
  return in->props + in->prop_offset[i];
}

static void load_properties(loader *L, kst_instance *in, const cJSON *props, const char *path) {
  const kst_alg_desc *d = in->desc;
  if (!cJSON_IsObject(props)) {
    add_problem(L, 0, path, "'properties' must be an object");
    return;
  }
  for (const cJSON *k = props->child; k; k = k->next) {
    char ppath[200], msg[200];
    snprintf(ppath, sizeof ppath, "%s.%s", path, k->string);
    int p = kst_prop_index(d, k->string);
    if (p < 0) {
      const char *names[64];
      uint32_t n = 0;
      for (uint32_t i = 0; i < d->n_props && n < 64; ++i) names[n++] = d->props[i].name;
      char h[96];
      add_problem(L, 0, ppath, "algorithm '%s' has no property '%s'%s", d->name, k->string, hint(h, sizeof h, k->string, names, n));
      continue;
    }
    if (!kst__property_from_json(&d->props[p], k, in->props + in->prop_offset[p], &in->strings[p], msg, sizeof msg))
      add_problem(L, 0, ppath, "%s (property '%s' is %s%s)", msg, k->string, d->props[p].count > 1 ? "an array of " : "",
                  kst_prop_type_name(d->props[p].type));
    else
      in->prop_set[p] = 1;
  }
}

/* Event lists, selection words and line candidates bind by their element type: a filter's output list, whatever its
   name, replaces the list before it for every algorithm after it, and each selection line's outputs extend the
   selections and candidates of the lines before it (docs/selections.md). */
static int is_event_list(const kst_param_desc *d) {
  return strcmp(d->type_name, "kst_event_list_word") == 0 || strcmp(d->type_name, "kst_selection_word") == 0 ||
         strcmp(d->type_name, "kst_line_candidate") == 0;
}

/* Whether two parameters bind by type and have the same one. */
static int same_typed_chain(const kst_param_desc *want, const kst_param_desc *got) {
  return is_event_list(got) && strcmp(want->type_name, got->type_name) == 0;
}

/* Binds input param p of instance i to an output: explicit "instance.param", else the latest of the same name (the
   latest event list, for an event list). */
static void bind_input(loader *L, uint32_t i, uint32_t p, const cJSON *explicit_binding, const char *path) {
  kst_sequence *seq = L->seq;
  kst_instance *in = &seq->inst[i];
  const kst_param_desc *want = &in->desc->params[p];
  int want_device = kst_param_on_device(want->kind);
  int src_i = -1, src_p = -1;
  char h[96];
  if (explicit_binding) {
    char target[160];
    const char *dot;
    if (!cJSON_IsString(explicit_binding) || !(dot = strchr(explicit_binding->valuestring, '.')) ||
        dot - explicit_binding->valuestring >= KST_NAME_MAX) {
      add_problem(L, 0, path, "a binding is written \"instance.parameter\"");
      return;
    }
    snprintf(target, sizeof target, "%.*s", (int)(dot - explicit_binding->valuestring), explicit_binding->valuestring);
    src_i = kst_sequence_find(seq, target);
    if (src_i < 0 || (uint32_t)src_i >= i) {
      const char *names[256];
      uint32_t n = 0;
      for (uint32_t j = 0; j < i && n < 256; ++j) names[n++] = seq->inst[j].name;
      add_problem(L, 0, path, "no earlier instance called '%s'%s%s", target,
                  src_i >= 0 ? " (it comes later in the sequence)" : "", hint(h, sizeof h, target, names, n));
      return;
    }
    const kst_alg_desc *sd = seq->inst[src_i].desc;
    src_p = kst_param_index(sd, dot + 1);
    if (src_p < 0 || kst_param_is_input(sd->params[src_p].kind) || sd->params[src_p].kind == KST_DEVICE_SCRATCH) {
      const char *names[64];
      uint32_t n = 0;
      for (uint32_t j = 0; j < sd->n_params && n < 64; ++j)
        if (sd->params[j].kind == KST_HOST_OUTPUT || sd->params[j].kind == KST_DEVICE_OUTPUT) names[n++] = sd->params[j].name;
      add_problem(L, 0, path, "instance '%s' (%s) has no output '%s'%s", target, sd->name, dot + 1,
                  hint(h, sizeof h, dot + 1, names, n));
      return;
    }
  } else {
    for (int j = (int)i - 1; j >= 0 && src_i < 0; --j) {
      if (!seq->inst[j].desc) continue;
      const kst_alg_desc *jd = seq->inst[j].desc;
      for (uint32_t q = 0; q < jd->n_params && src_i < 0; ++q) {
        const kst_param_kind k = jd->params[q].kind;
        const int named = is_event_list(want) ? same_typed_chain(want, &jd->params[q]) : strcmp(jd->params[q].name, want->name) == 0;
        if (named && (k == KST_HOST_OUTPUT || k == KST_DEVICE_OUTPUT) && kst_param_on_device(k) == want_device)
          src_i = j, src_p = (int)q;
      }
    }
    if (src_i < 0) {
      add_problem(L, 0, path, "input '%s' (%s, %s) of '%s' has no producer: no earlier instance outputs %s%s%s (bind "
                  "it with \"inputs\": {\"%s\": \"instance.output\"})", want->name, kst_param_kind_name(want->kind),
                  want->type_name, in->name,
                  !is_event_list(want) ? "'" : strcmp(want->type_name, "kst_event_list_word") == 0 ? "an event list" :
                  strcmp(want->type_name, "kst_selection_word") == 0 ? "selections" : "line candidates",
                  is_event_list(want) ? "" : want->name, is_event_list(want) ? "" : "'", want->name);
      return;
    }
  }
  const kst_param_desc *got = &seq->inst[src_i].desc->params[src_p];
  if (kst_param_on_device(got->kind) != want_device) {
    add_problem(L, 0, path, "'%s' is a %s but '%s.%s' is a %s", want->name, kst_param_kind_name(want->kind),
                seq->inst[src_i].name, got->name, kst_param_kind_name(got->kind));
    return;
  }
  if (strcmp(got->type_name, want->type_name) != 0 || got->elem_size != want->elem_size) {
    add_problem(L, 0, path, "element type mismatch: '%s' wants %s but '%s.%s' holds %s", want->name, want->type_name,
                seq->inst[src_i].name, got->name, got->type_name);
    return;
  }
  uint32_t b = seq->inst[src_i].buffer[src_p];
  in->buffer[p] = b;
  seq->buffers[b].n_consumers++;
  if (i > seq->buffers[b].last) seq->buffers[b].last = i;
}

static void plan_lifetimes(kst_sequence *seq) {
  /* Host buffers stay for the whole batch: a queued copy may read or write them until the synchronisation. */
  for (uint32_t b = 0; b < seq->n_buffers; ++b)
    if (!seq->buffers[b].on_device) seq->buffers[b].last = seq->n;
}

static void collect_bank_types(loader *L) {
  kst_sequence *seq = L->seq;
  for (uint32_t i = 0; i < seq->n; ++i) {
    const kst_instance *in = &seq->inst[i];
    if (!in->desc->bank_type_prop) continue;
    int p = kst_prop_index(in->desc, in->desc->bank_type_prop);
    uint32_t t;
    memcpy(&t, in->props + in->prop_offset[p], sizeof t);
    uint32_t k = 0;
    while (k < seq->n_bank_types && seq->bank_types[k] != t) ++k;
    if (k < seq->n_bank_types) continue;
    if (seq->n_bank_types == sizeof seq->bank_types) {
      char path[64];
      snprintf(path, sizeof path, "$.sequence[%u]", i);
      add_problem(L, 0, path, "too many bank types (at most %zu)", sizeof seq->bank_types);
      return;
    }
    seq->bank_types[seq->n_bank_types++] = (uint8_t)t;
  }
}

static void load_instances(loader *L, const cJSON *list) {
  static const char *const keys[] = {"type", "name", "properties", "inputs", "description"};
  kst_sequence *seq = L->seq;
  uint32_t n = (uint32_t)cJSON_GetArraySize(list);
  seq->inst = calloc(n + 1, sizeof *seq->inst);
  seq->buffers = calloc(1, sizeof *seq->buffers);
  if (!seq->inst || !seq->buffers) return add_problem(L, 0, "$", "out of memory");
  uint32_t i = 0;
  for (const cJSON *e = list->child; e; e = e->next, ++i) {
    char path[96], h[96];
    snprintf(path, sizeof path, "$.sequence[%u]", i);
    seq->n = i + 1;
    kst_instance *in = &seq->inst[i];
    if (!cJSON_IsObject(e)) {
      add_problem(L, 0, path, "each entry must be an object with \"type\" and \"name\"");
      continue;
    }
    check_keys(L, e, path, keys, 5);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
    if (!cJSON_IsString(type)) {
      add_problem(L, 0, path, "missing \"type\" (a string naming an algorithm; see `kestrel algorithms`)");
      continue;
    }
    const kst_alg_desc *d = kst_algorithm_find(type->valuestring);
    if (!d) {
      const char *names[256];
      uint32_t nn = 0;
      for (const kst_alg_desc *const *a = kst_algorithms; *a && nn < 256; ++a) names[nn++] = (*a)->name;
      add_problem(L, 0, path, "unknown algorithm type '%s'%s", type->valuestring,
                  hint(h, sizeof h, type->valuestring, names, nn));
      continue;
    }
    kst_status st = init_instance(in, d);
    if (st.code) {
      add_problem(L, 0, path, "%s", st.msg);
      for (uint32_t q = 0; in->strings && q < d->n_props; ++q) free(in->strings[q]), in->strings[q] = NULL;
      in->desc = NULL;
      continue;
    }
    const char *nm = cJSON_IsString(name) ? name->valuestring : d->name;
    if (name && !cJSON_IsString(name)) add_problem(L, 0, path, "\"name\" must be a string");
    if (!valid_name(nm)) add_problem(L, 0, path, "bad instance name '%s' (letters, digits and _, under %d characters)", nm, KST_NAME_MAX);
    snprintf(in->name, sizeof in->name, "%s", nm);
    for (uint32_t j = 0; j < i; ++j)
      if (seq->inst[j].desc && strcmp(seq->inst[j].name, in->name) == 0)
        add_problem(L, 0, path, "duplicate instance name '%s' (first used at $.sequence[%u])", in->name, j);
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(e, "properties");
    char ppath[128];
    snprintf(ppath, sizeof ppath, "%s.properties", path);
    const uint32_t errors = L->pb->n_errors;
    if (props) load_properties(L, in, props, ppath);
    /* Rules across properties, once each has a valid value: what a run would refuse, loading refuses. */
    const kst_status checked = L->pb->n_errors == errors ? d->check(instance_prop, in) : kst_ok();
    if (checked.code) add_problem(L, 0, ppath, "%s: %s", d->name, checked.msg);
    /* Outputs get buffers first, so an instance cannot bind to itself. */
    for (uint32_t p = 0; p < d->n_params; ++p) {
      if (kst_param_is_input(d->params[p].kind) && !L->own_inputs) continue;
      kst_buffer_info *nb = realloc(seq->buffers, (seq->n_buffers + 1) * sizeof *nb);
      if (!nb) return add_problem(L, 0, path, "out of memory");
      seq->buffers = nb;
      kst_buffer_info *b = &nb[seq->n_buffers];
      memset(b, 0, sizeof *b);
      b->producer = i;
      b->param = p;
      b->on_device = kst_param_on_device(d->params[p].kind);
      b->elem_size = d->params[p].elem_size;
      b->first = b->last = i;
      in->buffer[p] = seq->n_buffers++;
    }
    const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(e, "inputs");
    char ipath[128];
    snprintf(ipath, sizeof ipath, "%s.inputs", path);
    if (inputs && !cJSON_IsObject(inputs)) add_problem(L, 0, ipath, "'inputs' must be an object");
    if (cJSON_IsObject(inputs))
      for (const cJSON *k = inputs->child; k; k = k->next) {
        int p = kst_param_index(d, k->string);
        if (p >= 0 && kst_param_is_input(d->params[p].kind)) continue;
        const char *names[64];
        uint32_t nn = 0;
        for (uint32_t q = 0; q < d->n_params && nn < 64; ++q)
          if (kst_param_is_input(d->params[q].kind)) names[nn++] = d->params[q].name;
        add_problem(L, 0, ipath, "algorithm '%s' has no input '%s'%s", d->name, k->string, hint(h, sizeof h, k->string, names, nn));
      }
    for (uint32_t p = 0; p < d->n_params && !L->own_inputs; ++p) {
      if (!kst_param_is_input(d->params[p].kind)) continue;
      const cJSON *bnd = cJSON_IsObject(inputs) ? cJSON_GetObjectItemCaseSensitive(inputs, d->params[p].name) : NULL;
      char bpath[200];
      snprintf(bpath, sizeof bpath, bnd ? "%s.%s" : "%s", bnd ? ipath : path, d->params[p].name);
      bind_input(L, i, p, bnd, bpath);
    }
  }
}

/* The "conditions" object: {"name": "file", ...}; every name must be a known condition type. */
static void load_conditions(loader *L, const cJSON *obj) {
  kst_sequence *seq = L->seq;
  if (!obj) return;
  if (!cJSON_IsObject(obj)) {
    add_problem(L, 0, "$.conditions", "'conditions' must be an object of condition name to file");
    return;
  }
  const char *names[KST_MAX_CONDITIONS];
  uint32_t nn = 0;
  for (const kst_condition_type *const *t = kst_condition_types; *t && nn < KST_MAX_CONDITIONS; ++t) names[nn++] = (*t)->name;
  const char *slash = strrchr(L->file, '/');
  for (const cJSON *k = obj->child; k; k = k->next) {
    char path[160], h[96];
    snprintf(path, sizeof path, "$.conditions.%s", k->string);
    if (!kst_condition_type_find(k->string)) {
      add_problem(L, 0, path, "no condition called '%s'%s", k->string, hint(h, sizeof h, k->string, names, nn));
      continue;
    }
    if (!cJSON_IsString(k) || !*k->valuestring) {
      add_problem(L, 0, path, "a condition's value is the name of its file");
      continue;
    }
    if (seq->n_condition_files == sizeof seq->condition_names / sizeof seq->condition_names[0]) {
      add_problem(L, 0, path, "too many conditions");
      continue;
    }
    const uint32_t c = seq->n_condition_files++;
    snprintf(seq->condition_names[c], sizeof seq->condition_names[c], "%s", k->string);
    int n = k->valuestring[0] == '/' || !slash
                ? snprintf(seq->condition_files[c], sizeof seq->condition_files[c], "%s", k->valuestring)
                : snprintf(seq->condition_files[c], sizeof seq->condition_files[c], "%.*s/%s", (int)(slash - L->file),
                           L->file, k->valuestring);
    if (n < 0 || (size_t)n >= sizeof seq->condition_files[c]) add_problem(L, 0, path, "file name too long");
  }
}

const char *kst_sequence_condition_file(const kst_sequence *seq, const char *name) {
  for (uint32_t c = 0; c < seq->n_condition_files; ++c)
    if (strcmp(seq->condition_names[c], name) == 0) return seq->condition_files[c];
  return NULL;
}

/* Parses json as kst_sequence_parse does; with own_inputs, as kst_sequence_single needs it. */
static kst_status parse(kst_sequence *seq, const char *json, const char *name, kst_problems *pb, int own_inputs);

kst_status kst_sequence_parse(kst_sequence *seq, const char *json, const char *name, kst_problems *pb) {
  return parse(seq, json, name, pb, 0);
}

kst_status kst_sequence_single(kst_sequence *seq, const char *type, const char *properties_json, kst_problems *pb) {
  char json[4096];
  const int n = snprintf(json, sizeof json, "{\"sequence\": [{\"type\": \"%s\", \"name\": \"alg\", \"properties\": %s}]}",
                         type, properties_json && *properties_json ? properties_json : "{}");
  if (n < 0 || (size_t)n >= sizeof json) {
    memset(seq, 0, sizeof *seq);
    memset(pb, 0, sizeof *pb);
    return kst_error(KST_ERR_CONFIG, "%s: properties too long", type);
  }
  return parse(seq, json, type, pb, 1);
}

static kst_status parse(kst_sequence *seq, const char *json, const char *name, kst_problems *pb, int own_inputs) {
  static const char *const root_keys[] = {"sequence", "description", "conditions"};
  loader L = {name, seq, pb, own_inputs};
  memset(seq, 0, sizeof *seq);
  memset(pb, 0, sizeof *pb);
  snprintf(seq->path, sizeof seq->path, "%s", name);
  char why[160];
  cJSON *root = kst_json_parse(json, why, sizeof why);
  if (!root) {
    add_problem(&L, 0, "$", "%s", why);
    return kst_error(KST_ERR_CONFIG, "%s: not valid JSON", name);
  }
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "sequence");
  if (!cJSON_IsObject(root)) add_problem(&L, 0, "$", "the top level must be an object with a \"sequence\" array");
  else check_keys(&L, root, "$", root_keys, 3);
  load_conditions(&L, cJSON_GetObjectItemCaseSensitive(root, "conditions"));
  if (!cJSON_IsArray(list)) add_problem(&L, 0, "$.sequence", "missing \"sequence\" array of algorithm instances");
  else if (cJSON_GetArraySize(list) == 0) add_problem(&L, 0, "$.sequence", "the sequence is empty");
  else load_instances(&L, list);
  cJSON_Delete(root);
  if (pb->n_errors == 0) {
    for (uint32_t b = 0; b < seq->n_buffers; ++b) {
      const kst_buffer_info *bi = &seq->buffers[b];
      const kst_instance *in = &seq->inst[bi->producer];
      /* Host outputs are usually staging for a copy; scratch is private by definition. */
      kst_param_kind kind = in->desc->params[bi->param].kind;
      if (bi->n_consumers || in->desc->has_after_sync() || kind == KST_DEVICE_SCRATCH || kind == KST_HOST_OUTPUT ||
          own_inputs)
        continue;
      char path[96];
      snprintf(path, sizeof path, "$.sequence[%u]", bi->producer);
      add_problem(&L, 1, path, "output '%s.%s' is never used", in->name, in->desc->params[bi->param].name);
    }
    plan_lifetimes(seq);
    collect_bank_types(&L);
  }
  if (pb->n_errors) {
    /* A refused sequence owns nothing: callers free only what loaded. */
    kst_sequence_free(seq);
    return kst_error(KST_ERR_CONFIG, "%s: %u error%s in the sequence", name, pb->n_errors, pb->n_errors > 1 ? "s" : "");
  }
  return kst_ok();
}

kst_status kst_sequence_load(kst_sequence *seq, const char *path, kst_problems *pb) {
  memset(seq, 0, sizeof *seq);
  memset(pb, 0, sizeof *pb);
  uint8_t *text;
  size_t size;
  KST_TRY(kst_error_wrap(kst_read_file(path, &text, &size), "sequence file"));
  kst_status s = kst_sequence_parse(seq, (const char *)text, path, pb);
  free(text);
  return s;
}

int kst_sequence_find(const kst_sequence *seq, const char *name) {
  for (uint32_t i = 0; i < seq->n; ++i)
    if (seq->inst[i].desc && strcmp(seq->inst[i].name, name) == 0) return (int)i;
  return -1;
}

void kst_sequence_free(kst_sequence *seq) {
  for (uint32_t i = 0; i < seq->n; ++i) {
    kst_instance *in = &seq->inst[i];
    if (in->strings && in->desc)
      for (uint32_t p = 0; p < in->desc->n_props; ++p) free(in->strings[p]);
    free(in->strings);
    free(in->props);
    free(in->prop_offset);
    free(in->prop_set);
    free(in->buffer);
  }
  free(seq->inst);
  free(seq->buffers);
  memset(seq, 0, sizeof *seq);
}

void kst_problems_free(kst_problems *p) {
  for (uint32_t i = 0; i < p->n; ++i) free(p->lines[i]);
  free(p->lines);
  memset(p, 0, sizeof *p);
}
