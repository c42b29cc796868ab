/* MC truth bank readers: bounds-checked parsing of LHCb's MC particle and MC vertex payloads. */
#include "checker/mc_truth.h"

#include <stdlib.h>
#include <string.h>

/* A read cursor that never passes size. */
typedef struct cursor {
  const uint8_t *d;
  size_t size, off;
} cursor;

static int has(const cursor *c, size_t n) { return c->size - c->off >= n; }

static uint32_t rd_u32(cursor *c) {
  const uint8_t *p = c->d + c->off;
  c->off += 4;
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int32_t rd_i32(cursor *c) {
  uint32_t u = rd_u32(c);
  int32_t v;
  memcpy(&v, &u, sizeof v);
  return v;
}

static float rd_f32(cursor *c) {
  uint32_t u = rd_u32(c);
  float v;
  memcpy(&v, &u, sizeof v);
  return v;
}

static double rd_f64(cursor *c) {
  uint64_t lo = rd_u32(c), hi = rd_u32(c);
  uint64_t u = lo | hi << 32;
  double v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* Fixed part of one particle before the three id lists. */
static size_t fixed_size(int version) {
  return 4 + 4 + 4 * 4 + 3 * 4 + 8 + (version >= 2 ? 1 : 0) + 4 * 4 + 3 * 4 + 4;
}

/* Reads one particle's fixed fields into p (when not NULL). */
static void read_fixed(cursor *c, int version, kst_mc_particle *p) {
  kst_mc_particle t;
  memset(&t, 0, sizeof t);
  t.key = rd_u32(c);
  t.pid = rd_i32(c);
  t.p = rd_f32(c), t.pt = rd_f32(c), t.eta = rd_f32(c), t.phi = rd_f32(c);
  t.ovx = rd_f32(c), t.ovy = rd_f32(c), t.ovz = rd_f32(c);
  const uint8_t *f = c->d + c->off;
  t.is_long = f[0], t.is_down = f[1], t.has_velo = f[2], t.has_ut = f[3], t.has_scifi = f[4];
  t.from_b = f[5], t.from_c = f[6], t.from_s = f[7];
  t.from_signal = version >= 2 ? f[8] : 0;
  c->off += version >= 2 ? 9 : 8;
  t.mother_key = rd_i32(c), t.mother_pid = rd_i32(c);
  t.decay_mother_key = rd_i32(c), t.decay_mother_pid = rd_i32(c);
  t.decay_mother_pt = rd_f32(c), t.decay_mother_tau = rd_f32(c), t.charge = rd_f32(c);
  t.n_rec_pvs = rd_u32(c);
  if (p) *p = t;
}

static const char *const kst_list_names[3] = {"VELO", "UT", "SciFi"};

/* Walks the payload. With parts == NULL it only validates and counts ids; otherwise it fills
 * parts and ids, which the first pass sized. */
static kst_status walk(const uint8_t *data, size_t size, int version, uint32_t *n_parts,
                       uint64_t *n_ids, kst_mc_particle *parts, uint32_t *ids) {
  cursor c = {data, size, 0};
  if (!has(&c, 4))
    return kst_error(KST_ERR_FORMAT, "MC particles: %zu bytes, too short for the particle count", size);
  uint32_t n = rd_u32(&c);
  size_t fixed = fixed_size(version);
  /* cheap early reject so a corrupt count cannot drive a huge allocation */
  if ((uint64_t)n * (fixed + 12) > size - 4)
    return kst_error(KST_ERR_FORMAT, "MC particles: count %u needs at least %llu bytes, payload has %zu",
                     n, (unsigned long long)n * (fixed + 12) + 4, size);
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (!has(&c, fixed))
      return kst_error(KST_ERR_FORMAT, "MC particle %u: fixed fields truncated at byte offset %zu (size %zu)",
                       i, c.off, size);
    kst_mc_particle *p = parts ? &parts[i] : NULL;
    read_fixed(&c, version, p);
    uint32_t *first[3], *count[3];
    if (p) {
      first[0] = &p->velo_first, count[0] = &p->n_velo;
      first[1] = &p->ut_first, count[1] = &p->n_ut;
      first[2] = &p->scifi_first, count[2] = &p->n_scifi;
    }
    for (int l = 0; l < 3; l++) {
      if (!has(&c, 4))
        return kst_error(KST_ERR_FORMAT, "MC particle %u: %s id count truncated at byte offset %zu (size %zu)",
                         i, kst_list_names[l], c.off, size);
      size_t at = c.off;
      uint32_t k = rd_u32(&c);
      if ((size - c.off) / 4 < k)
        return kst_error(KST_ERR_FORMAT,
                         "MC particle %u: %s id count %u at byte offset %zu runs past the data (size %zu)",
                         i, kst_list_names[l], k, at, size);
      if (p) {
        *first[l] = (uint32_t)total, *count[l] = k;
        for (uint32_t j = 0; j < k; j++) ids[total + j] = rd_u32(&c);
      } else {
        c.off += 4 * (size_t)k;
      }
      total += k;
    }
  }
  if (c.off != size)
    return kst_error(KST_ERR_FORMAT, "MC particles: %zu trailing bytes after particle %u at byte offset %zu",
                     size - c.off, n, c.off);
  if (total > UINT32_MAX) return kst_error(KST_ERR_CAPACITY, "MC particles: more than 2^32 ids");
  *n_parts = n;
  *n_ids = total;
  return kst_ok();
}

kst_status kst_mc_parse_particles(kst_mc_event *ev, const uint8_t *data, size_t size, int version) {
  if (!ev || (!data && size)) return kst_error(KST_ERR_INVALID, "kst_mc_parse_particles: NULL argument");
  if (version != 1 && version != 2)
    return kst_error(KST_ERR_UNSUPPORTED, "MC particles: bank version %d (known: 1, 2)", version);
  uint32_t n;
  uint64_t n_ids;
  KST_TRY(walk(data, size, version, &n, &n_ids, NULL, NULL));
  kst_mc_particle *parts = malloc((n ? n : 1) * sizeof *parts);
  uint32_t *ids = malloc((n_ids ? n_ids : 1) * sizeof *ids);
  if (!parts || !ids) {
    free(parts);
    free(ids);
    return kst_error(KST_ERR_NOMEM, "MC particles: out of memory for %u particles", n);
  }
  walk(data, size, version, &n, &n_ids, parts, ids); /* same data: cannot fail now */
  free(ev->particles);
  free(ev->ids);
  ev->particles = parts;
  ev->n_particles = n;
  ev->ids = ids;
  ev->n_ids = (uint32_t)n_ids;
  return kst_ok();
}

kst_status kst_mc_parse_vertices(kst_mc_event *ev, const uint8_t *data, size_t size) {
  if (!ev || (!data && size)) return kst_error(KST_ERR_INVALID, "kst_mc_parse_vertices: NULL argument");
  cursor c = {data, size, 0};
  if (!has(&c, 4))
    return kst_error(KST_ERR_FORMAT, "MC vertices: %zu bytes, too short for the vertex count", size);
  int32_t n = rd_i32(&c);
  if (n < 0) return kst_error(KST_ERR_FORMAT, "MC vertices: negative count %d at byte offset 0", n);
  if ((size - 4) / 28 < (size_t)n)
    return kst_error(KST_ERR_FORMAT, "MC vertices: count %d needs %zu bytes, payload has %zu", n,
                     4 + 28 * (size_t)n, size);
  if (size != 4 + 28 * (size_t)n)
    return kst_error(KST_ERR_FORMAT, "MC vertices: %zu trailing bytes after vertex %d at byte offset %zu",
                     size - 4 - 28 * (size_t)n, n, 4 + 28 * (size_t)n);
  kst_mc_vertex *v = malloc((n ? (size_t)n : 1) * sizeof *v);
  if (!v) return kst_error(KST_ERR_NOMEM, "MC vertices: out of memory for %d vertices", n);
  for (int32_t i = 0; i < n; i++) {
    v[i].n_tracks = rd_i32(&c);
    v[i].x = rd_f64(&c), v[i].y = rd_f64(&c), v[i].z = rd_f64(&c);
  }
  free(ev->vertices);
  ev->vertices = v;
  ev->n_vertices = (uint32_t)n;
  return kst_ok();
}

void kst_mc_event_free(kst_mc_event *ev) {
  if (!ev) return;
  free(ev->particles);
  free(ev->ids);
  free(ev->vertices);
  memset(ev, 0, sizeof *ev);
}

static int by_source(const void *a, const void *b) {
  const kst_mc_bank_ref *x = *(const kst_mc_bank_ref *const *)a;
  const kst_mc_bank_ref *y = *(const kst_mc_bank_ref *const *)b;
  return (x->source_id > y->source_id) - (x->source_id < y->source_id);
}

kst_status kst_mc_concat_banks(const kst_mc_bank_ref *banks, size_t n_banks, uint8_t **out,
                               size_t *out_size) {
  if (!out || !out_size || (!banks && n_banks))
    return kst_error(KST_ERR_INVALID, "kst_mc_concat_banks: NULL argument");
  *out = NULL;
  *out_size = 0;
  if (n_banks == 0) return kst_ok();
  const kst_mc_bank_ref **order = malloc(n_banks * sizeof *order);
  if (!order) return kst_error(KST_ERR_NOMEM, "MC banks: out of memory");
  size_t total = 0;
  for (size_t k = 0; k < n_banks; k++) {
    order[k] = &banks[k];
    total += banks[k].size;
  }
  qsort(order, n_banks, sizeof *order, by_source);
  for (size_t k = 1; k < n_banks; k++)
    if (order[k]->source_id == order[k - 1]->source_id) {
      unsigned sid = order[k]->source_id;
      free(order);
      return kst_error(KST_ERR_FORMAT, "MC banks: two banks with source id %u", sid);
    }
  uint8_t *buf = malloc(total ? total : 1);
  if (!buf) {
    free(order);
    return kst_error(KST_ERR_NOMEM, "MC banks: out of memory for %zu bytes", total);
  }
  size_t pos = 0;
  for (size_t k = 0; k < n_banks; k++) {
    if (order[k]->size) memcpy(buf + pos, order[k]->payload, order[k]->size);
    pos += order[k]->size;
  }
  free(order);
  *out = buf;
  *out_size = total;
  return kst_ok();
}

/* ---------- encoders (inverse of the parsers, for writing MDF) ---------- */

/* A write cursor into a buffer that was sized exactly beforehand. */
typedef struct wcursor {
  uint8_t *d;
  size_t off;
} wcursor;

static void wr_u32(wcursor *c, uint32_t v) {
  uint8_t *p = c->d + c->off;
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
  c->off += 4;
}

static void wr_i32(wcursor *c, int32_t v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  wr_u32(c, u);
}

static void wr_f32(wcursor *c, float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  wr_u32(c, u);
}

static void wr_f64(wcursor *c, double v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  wr_u32(c, (uint32_t)u);
  wr_u32(c, (uint32_t)(u >> 32));
}

/* A particle's id range must lie inside the event's id array before we copy from it. */
static int range_ok(uint32_t first, uint32_t n, uint32_t n_ids) {
  return first <= n_ids && n <= n_ids - first;
}

kst_status kst_mc_encode_particles(const kst_mc_event *ev, int version, uint8_t **out, size_t *size) {
  if (!ev || !out || !size || (ev->n_particles && !ev->particles))
    return kst_error(KST_ERR_INVALID, "kst_mc_encode_particles: NULL argument");
  if (version != 1 && version != 2)
    return kst_error(KST_ERR_UNSUPPORTED, "MC particles: cannot encode bank version %d (known: 1, 2)", version);
  *out = NULL;
  *size = 0;
  size_t total = 4;
  for (uint32_t i = 0; i < ev->n_particles; i++) {
    const kst_mc_particle *p = &ev->particles[i];
    if (!range_ok(p->velo_first, p->n_velo, ev->n_ids) || !range_ok(p->ut_first, p->n_ut, ev->n_ids) ||
        !range_ok(p->scifi_first, p->n_scifi, ev->n_ids))
      return kst_error(KST_ERR_INVALID, "MC particle %u: an id range runs past the event's %u ids", i, ev->n_ids);
    if (p->n_velo && !ev->ids) return kst_error(KST_ERR_INVALID, "kst_mc_encode_particles: NULL ids");
    total += fixed_size(version) + 12 + 4 * ((size_t)p->n_velo + p->n_ut + p->n_scifi);
  }
  uint8_t *buf = malloc(total);
  if (!buf) return kst_error(KST_ERR_NOMEM, "MC particles: out of memory for %zu bytes", total);
  wcursor c = {buf, 0};
  wr_u32(&c, ev->n_particles);
  for (uint32_t i = 0; i < ev->n_particles; i++) {
    const kst_mc_particle *p = &ev->particles[i];
    wr_u32(&c, p->key);
    wr_i32(&c, p->pid);
    wr_f32(&c, p->p), wr_f32(&c, p->pt), wr_f32(&c, p->eta), wr_f32(&c, p->phi);
    wr_f32(&c, p->ovx), wr_f32(&c, p->ovy), wr_f32(&c, p->ovz);
    const uint8_t flags[9] = {p->is_long, p->is_down, p->has_velo, p->has_ut, p->has_scifi,
                              p->from_b,  p->from_c,  p->from_s,   p->from_signal};
    size_t n_flags = version >= 2 ? 9 : 8;
    memcpy(buf + c.off, flags, n_flags);
    c.off += n_flags;
    wr_i32(&c, p->mother_key), wr_i32(&c, p->mother_pid);
    wr_i32(&c, p->decay_mother_key), wr_i32(&c, p->decay_mother_pid);
    wr_f32(&c, p->decay_mother_pt), wr_f32(&c, p->decay_mother_tau), wr_f32(&c, p->charge);
    wr_u32(&c, p->n_rec_pvs);
    const uint32_t first[3] = {p->velo_first, p->ut_first, p->scifi_first};
    const uint32_t count[3] = {p->n_velo, p->n_ut, p->n_scifi};
    for (int l = 0; l < 3; l++) {
      wr_u32(&c, count[l]);
      for (uint32_t j = 0; j < count[l]; j++) wr_u32(&c, ev->ids[first[l] + j]);
    }
  }
  *out = buf;
  *size = c.off;
  return kst_ok();
}

kst_status kst_mc_encode_vertices(const kst_mc_event *ev, uint8_t **out, size_t *size) {
  if (!ev || !out || !size || (ev->n_vertices && !ev->vertices))
    return kst_error(KST_ERR_INVALID, "kst_mc_encode_vertices: NULL argument");
  *out = NULL;
  *size = 0;
  if (ev->n_vertices > INT32_MAX)
    return kst_error(KST_ERR_CAPACITY, "MC vertices: %u do not fit the i32 count", ev->n_vertices);
  size_t total = 4 + 28 * (size_t)ev->n_vertices;
  uint8_t *buf = malloc(total);
  if (!buf) return kst_error(KST_ERR_NOMEM, "MC vertices: out of memory for %zu bytes", total);
  wcursor c = {buf, 0};
  wr_i32(&c, (int32_t)ev->n_vertices);
  for (uint32_t i = 0; i < ev->n_vertices; i++) {
    const kst_mc_vertex *v = &ev->vertices[i];
    wr_i32(&c, v->n_tracks);
    wr_f64(&c, v->x), wr_f64(&c, v->y), wr_f64(&c, v->z);
  }
  *out = buf;
  *size = c.off;
  return kst_ok();
}

int kst_mc_signal_state(const kst_mc_event *mc) {
  int any = 0, all_long = 1;
  for (uint32_t p = 0; p < mc->n_particles; ++p) {
    const kst_mc_particle *q = &mc->particles[p];
    if (!q->from_signal) continue;
    any = 1;
    const int tracked = q->charge != 0.0f && (abs(q->pid) == 11 || abs(q->pid) == 13 || abs(q->pid) == 211 ||
                                              abs(q->pid) == 321 || abs(q->pid) == 2212);
    if (tracked && !(q->is_long && q->eta > 2.0f && q->eta < 5.0f)) all_long = 0;
  }
  return any ? all_long : -1;
}
