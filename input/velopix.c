/* velopix JSON event reader: validates keys, prefix sums and hit indices before trusting them. */
#include "input/velopix.h"

#include "configuration/file.h"
#include "configuration/json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VP_PARTICLE_FIELDS 16 /* key, pid, p, pt, eta, phi, 8 flags, charge, hits */


/* An integral JSON number within [lo, hi]. */
static int json_int(const cJSON *v, double lo, double hi, double *out) {
  if (!cJSON_IsNumber(v)) return 0;
  double d = v->valuedouble;
  if (!(d >= lo && d <= hi) || d != floor(d)) return 0;
  *out = d;
  return 1;
}

/* A 0/1 flag, written as a number or a boolean. */
static int json_flag(const cJSON *v, uint8_t *out) {
  double d;
  if (cJSON_IsBool(v)) {
    *out = cJSON_IsTrue(v) ? 1 : 0;
    return 1;
  }
  if (!json_int(v, 0, 255, &d)) return 0;
  *out = (uint8_t)d;
  return 1;
}

static kst_status read_coords(const cJSON *root, const char *key, float **out, uint32_t n,
                              const char *path) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
  if (!cJSON_IsArray(a)) return kst_error(KST_ERR_FORMAT, "%s: missing array \"%s\"", path, key);
  if ((uint32_t)cJSON_GetArraySize(a) != n)
    return kst_error(KST_ERR_FORMAT, "%s: \"%s\" has %d entries, module_prefix_sum[%d] says %u", path,
                     key, cJSON_GetArraySize(a), KST_VELO_MODULES, n);
  float *v = malloc((n ? n : 1) * sizeof *v);
  if (!v) return kst_error(KST_ERR_NOMEM, "%s: out of memory", path);
  uint32_t k = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, a) {
    if (!cJSON_IsNumber(e)) {
      free(v);
      return kst_error(KST_ERR_FORMAT, "%s: \"%s\"[%u] is not a number", path, key, k);
    }
    v[k++] = (float)e->valuedouble;
  }
  *out = v;
  return kst_ok();
}

static kst_status read_prefix(const cJSON *root, uint32_t prefix[KST_VELO_MODULES + 1], const char *path) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, "module_prefix_sum");
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != KST_VELO_MODULES + 1)
    return kst_error(KST_ERR_FORMAT, "%s: \"module_prefix_sum\" must be an array of %d integers", path,
                     KST_VELO_MODULES + 1);
  int k = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, a) {
    double d;
    if (!json_int(e, 0, UINT32_MAX, &d))
      return kst_error(KST_ERR_FORMAT, "%s: module_prefix_sum[%d] is not a non-negative integer", path, k);
    prefix[k] = (uint32_t)d;
    if (k == 0 && prefix[0] != 0)
      return kst_error(KST_ERR_FORMAT, "%s: module_prefix_sum[0] is %u, expected 0", path, prefix[0]);
    if (k > 0 && prefix[k] < prefix[k - 1])
      return kst_error(KST_ERR_FORMAT, "%s: module_prefix_sum decreases at %d (%u after %u)", path, k,
                       prefix[k], prefix[k - 1]);
    k++;
  }
  return kst_ok();
}

/* Fills particle i from its 16-entry array; hit indices go to ids from *n_ids on. */
static kst_status read_particle(const cJSON *a, uint32_t i, uint32_t n_hits, kst_mc_particle *p,
                                uint32_t *ids, uint32_t *n_ids, const char *path) {
  if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != VP_PARTICLE_FIELDS)
    return kst_error(KST_ERR_FORMAT, "%s: particle %u must be an array of %d entries", path, i,
                     VP_PARTICLE_FIELDS);
  const cJSON *f[VP_PARTICLE_FIELDS];
  int k = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, a) f[k++] = e;
  double key, pid;
  if (!json_int(f[0], 0, UINT32_MAX, &key) || !json_int(f[1], INT32_MIN, INT32_MAX, &pid))
    return kst_error(KST_ERR_FORMAT, "%s: particle %u: key or pid is not an integer", path, i);
  for (k = 2; k <= 5; k++)
    if (!cJSON_IsNumber(f[k])) return kst_error(KST_ERR_FORMAT, "%s: particle %u: entry %d is not a number", path, i, k);
  if (!cJSON_IsNumber(f[14])) return kst_error(KST_ERR_FORMAT, "%s: particle %u: charge is not a number", path, i);
  memset(p, 0, sizeof *p);
  p->key = (uint32_t)key;
  p->pid = (int32_t)pid;
  p->p = (float)f[2]->valuedouble, p->pt = (float)f[3]->valuedouble;
  p->eta = (float)f[4]->valuedouble, p->phi = (float)f[5]->valuedouble;
  uint8_t *flags[8] = {&p->is_long, &p->is_down, &p->has_velo, &p->has_ut,
                       &p->has_scifi, &p->from_b, &p->from_c, &p->from_s};
  for (k = 0; k < 8; k++)
    if (!json_flag(f[6 + k], flags[k]))
      return kst_error(KST_ERR_FORMAT, "%s: particle %u: flag entry %d is not 0/1", path, i, 6 + k);
  p->charge = (float)f[14]->valuedouble;
  if (!cJSON_IsArray(f[15]))
    return kst_error(KST_ERR_FORMAT, "%s: particle %u: hit list is not an array", path, i);
  p->velo_first = *n_ids;
  k = 0;
  cJSON_ArrayForEach(e, f[15]) {
    double h;
    if (!json_int(e, 0, UINT32_MAX, &h) || h >= n_hits)
      return kst_error(KST_ERR_FORMAT, "%s: particle %u: hit %d is not an index below %u", path, i, k, n_hits);
    ids[(*n_ids)++] = (uint32_t)h;
    k++;
  }
  p->n_velo = (uint32_t)k;
  return kst_ok();
}

static kst_status read_particles(const cJSON *root, kst_velopix_event *ev, const char *path) {
  const cJSON *mc = cJSON_GetObjectItemCaseSensitive(root, "montecarlo");
  const cJSON *parts = cJSON_GetObjectItemCaseSensitive(mc, "particles");
  if (!cJSON_IsArray(parts)) return kst_error(KST_ERR_FORMAT, "%s: missing array \"montecarlo.particles\"", path);
  uint32_t n = (uint32_t)cJSON_GetArraySize(parts);
  size_t total = 0; /* hit lists are sized up front so ids is allocated once */
  const cJSON *p;
  cJSON_ArrayForEach(p, parts) {
    const cJSON *hits = cJSON_GetArrayItem(p, VP_PARTICLE_FIELDS - 1);
    if (cJSON_IsArray(hits)) total += (size_t)cJSON_GetArraySize(hits);
  }
  if (total > UINT32_MAX) return kst_error(KST_ERR_CAPACITY, "%s: too many particle hits", path);
  ev->mc.particles = calloc(n ? n : 1, sizeof *ev->mc.particles);
  ev->mc.ids = malloc((total ? total : 1) * sizeof *ev->mc.ids);
  if (!ev->mc.particles || !ev->mc.ids) return kst_error(KST_ERR_NOMEM, "%s: out of memory", path);
  uint32_t i = 0;
  cJSON_ArrayForEach(p, parts) {
    KST_TRY(read_particle(p, i, ev->n_hits, &ev->mc.particles[i], ev->mc.ids, &ev->mc.n_ids, path));
    i++;
  }
  ev->mc.n_particles = n;
  return kst_ok();
}

static kst_status parse_event(const cJSON *root, kst_velopix_event *ev, const char *path) {
  if (!cJSON_IsObject(root)) return kst_error(KST_ERR_FORMAT, "%s: top level is not an object", path);
  KST_TRY(read_prefix(root, ev->module_prefix, path));
  ev->n_hits = ev->module_prefix[KST_VELO_MODULES];
  KST_TRY(read_coords(root, "x", &ev->x, ev->n_hits, path));
  KST_TRY(read_coords(root, "y", &ev->y, ev->n_hits, path));
  KST_TRY(read_coords(root, "z", &ev->z, ev->n_hits, path));
  return read_particles(root, ev, path);
}

kst_status kst_velopix_read(kst_velopix_event *ev, const char *path) {
  if (!ev || !path) return kst_error(KST_ERR_INVALID, "kst_velopix_read: NULL argument");
  memset(ev, 0, sizeof *ev);
  char *text = NULL;
  size_t text_size;
  KST_TRY(kst_read_file(path, (uint8_t **)&text, &text_size));
  char why[160];
  cJSON *root = kst_json_parse(text, why, sizeof why);
  kst_status st;
  if (!root) {
    st = kst_error(KST_ERR_FORMAT, "%s: %s", path, why);
  } else {
    st = parse_event(root, ev, path);
    cJSON_Delete(root);
  }
  free(text);
  if (st.code != KST_OK) kst_velopix_free(ev);
  return st;
}

void kst_velopix_free(kst_velopix_event *ev) {
  if (!ev) return;
  free(ev->x);
  free(ev->y);
  free(ev->z);
  kst_mc_event_free(&ev->mc);
  memset(ev, 0, sizeof *ev);
}
