/* velopix JSON to MDF converter: retina-cluster encoding of hits and MC particle/vertex banks. */
#include "input/velopix_convert.h"

#include "device/decoding/velo_cluster.h"
#include "input/velo_banks.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/mc_truth.h"
#include "input/mdf.h"
#include "input/velopix.h"

/* MC payload pieces are cut at a multiple of 4 so no bank needs padding. */

uint32_t kst_retina_word(int cx, int xfrac, int cy, int yfrac) {
  return (uint32_t)(cx & 0x3FF) << 12 | (uint32_t)(xfrac & 3) << 10 | (uint32_t)(cy & 0xFF) << 2 |
         (uint32_t)(yfrac & 3);
}

uint32_t kst_retina_lhcbid(int sensor, uint32_t word) { return kst_velo_cluster_id((uint32_t)sensor, word); }

/* Nearest decodable (column, quarter) for lx: the decoder's grid points are local_x[c] + q/4 *
 * x_pitch[c], and since local_x[c+1] = local_x[c] + x_pitch[c], rounding q to 4 is the next
 * column's q = 0 (the carry). Outside the decodable span we clamp to its ends. */
static void quantise_x(const kst_velo_geometry *g, float lx, int *cx, int *xfrac) {
  const int last = KST_VELO_COLUMNS - 1;
  float frac;
  int c = lx < g->local_x[0] ? -2 : kst_geometry_column_of(g, lx, &frac);
  if (c == -2) { /* the outer half of column 0 cannot be decoded: its centre is closest */
    *cx = 0, *xfrac = 0;
    return;
  }
  if (c < 0) {
    *cx = last, *xfrac = 3;
    return;
  }
  int q = (int)lroundf(frac * 4.f);
  if (q == 4) {
    if (c < last) c++, q = 0;
    else q = 3;
  }
  *cx = c, *xfrac = q;
}

/* Nearest (row, quarter) for ly = (cy + 0.5 + yfrac/4) * pitch, clamped to the sensor. */
static void quantise_y(const kst_velo_geometry *g, float ly, int *cy, int *yfrac) {
  long t = lround(((double)ly / g->pixel_size - 0.5) * 4.0);
  if (t < 0) t = 0;
  if (t > 4 * KST_VELO_ROWS - 1) t = 4 * KST_VELO_ROWS - 1;
  *cy = (int)(t >> 2), *yfrac = (int)(t & 3);
}

int kst_velopix_encode_hit(const kst_velo_geometry *g, int module, const float p[3], kst_velopix_cluster *c) {
  if (!g || !p || !c || module < 0 || module >= KST_VELO_MODULES) return 0;
  const int last = KST_VELO_COLUMNS - 1;
  /* the physical pixel edges, not the decodable span: a hit there is still on the sensor */
  const float x_lo = g->local_x[0] - 0.5f * g->x_pitch[0];
  const float x_hi = g->local_x[last] + 0.5f * g->x_pitch[last];
  const float y_hi = KST_VELO_ROWS * g->pixel_size;
  int found = 0;
  for (int k = 0; k < KST_VELO_SENSORS_PER_MODULE; k++) {
    int s = module * KST_VELO_SENSORS_PER_MODULE + k;
    float lx, ly, lz;
    kst_geometry_global_to_local(g, s, p, &lx, &ly, &lz);
    if (!(fabsf(lz) <= KST_VELOPIX_MAX_LZ && lx >= x_lo && lx < x_hi && ly >= 0.f && ly < y_hi)) continue;
    kst_velopix_cluster t;
    t.sensor = s;
    quantise_x(g, lx, &t.cx, &t.xfrac);
    quantise_y(g, ly, &t.cy, &t.yfrac);
    t.word = kst_retina_word(t.cx, t.xfrac, t.cy, t.yfrac);
    t.lhcbid = kst_retina_lhcbid(s, t.word);
    float dlx = g->local_x[t.cx] + (t.xfrac / 4.f) * g->x_pitch[t.cx];
    float dly = (t.cy + 0.5f + t.yfrac / 4.f) * g->pixel_size;
    kst_geometry_local_to_global(g, s, dlx, dly, t.pos);
    double dx = (double)t.pos[0] - p[0], dy = (double)t.pos[1] - p[1], dz = (double)t.pos[2] - p[2];
    t.error = (float)sqrt(dx * dx + dy * dy + dz * dz);
    /* overlapping sensors: keep the one that reproduces the hit best */
    if (!found || t.error < c->error) *c = t;
    found = 1;
  }
  return found;
}

/* ---------- one event ---------- */

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}


/* Per-event scratch, freed in one place whatever fails. */
typedef struct event_work {
  kst_velopix_event ev;
  kst_velopix_cluster *cl;
  uint64_t *keys;     /* sensor << 32 | word, for the bank order */
  uint32_t *ids;
  uint8_t *retina;    /* all 208 retina payloads back to back */
  kst_mc_event mc;    /* particles with LHCbIDs */
  uint8_t *mc_payload, *vx_payload;
  kst_mdf_bank_out *banks;
} event_work;

static void work_free(event_work *w) {
  kst_velopix_free(&w->ev);
  free(w->cl);
  free(w->keys);
  free(w->ids);
  free(w->retina);
  kst_mc_event_free(&w->mc);
  free(w->mc_payload);
  free(w->vx_payload);
  free(w->banks);
  memset(w, 0, sizeof *w);
}

/* Builds the particle list with LHCbIDs; fields velopix lacks get LHCb's "none" values. */
static kst_status build_mc(event_work *w, kst_convert_stats *st) {
  const kst_mc_event *in = &w->ev.mc;
  uint32_t n = in->n_particles;
  w->mc.particles = malloc((n ? n : 1) * sizeof *w->mc.particles);
  w->mc.ids = malloc((in->n_ids ? in->n_ids : 1) * sizeof *w->mc.ids);
  if (!w->mc.particles || !w->mc.ids) return kst_error(KST_ERR_NOMEM, "out of memory for %u MC particles", n);
  uint32_t n_ids = 0;
  for (uint32_t i = 0; i < n; i++) {
    kst_mc_particle p = in->particles[i];
    p.ovx = p.ovy = p.ovz = 0.f;
    p.from_signal = 0;
    p.mother_key = p.decay_mother_key = -1;
    p.mother_pid = p.decay_mother_pid = 0;
    p.decay_mother_pt = p.decay_mother_tau = 0.f;
    p.n_rec_pvs = 0;
    uint32_t first = n_ids;
    for (uint32_t j = 0; j < p.n_velo; j++) {
      uint32_t h = in->ids[p.velo_first + j]; /* the reader checked h < n_hits */
      if (w->cl[h].sensor < 0) st->dropped_mc_ids++;
      else w->mc.ids[n_ids++] = w->cl[h].lhcbid;
    }
    p.velo_first = first, p.n_velo = n_ids - first;
    p.ut_first = p.scifi_first = n_ids, p.n_ut = p.n_scifi = 0;
    w->mc.particles[i] = p;
  }
  w->mc.n_particles = n;
  w->mc.n_ids = n_ids;
  st->particles += n;
  return kst_ok();
}

/* Reads, encodes and writes one event; *sum_error accumulates the per-cluster errors. */
static kst_status convert_event(event_work *w, const char *path, uint32_t number, const kst_velo_geometry *g,
                                kst_mdf_writer *out, kst_convert_stats *st, double *sum_error) {
  KST_TRY(kst_velopix_read(&w->ev, path));
  const kst_velopix_event *ev = &w->ev;
  uint32_t n = ev->n_hits;
  w->cl = malloc((n ? n : 1) * sizeof *w->cl);
  w->keys = malloc((n ? n : 1) * sizeof *w->keys);
  w->ids = malloc((n ? n : 1) * sizeof *w->ids);
  w->retina = malloc(4 * ((size_t)KST_VELO_SENSORS + n));
  if (!w->cl || !w->keys || !w->ids || !w->retina)
    return kst_error(KST_ERR_NOMEM, "%s: out of memory for %u hits", path, n);

  uint32_t n_enc = 0;
  for (int m = 0; m < KST_VELO_MODULES; m++)
    for (uint32_t h = ev->module_prefix[m]; h < ev->module_prefix[m + 1]; h++) {
      const float p[3] = {ev->x[h], ev->y[h], ev->z[h]};
      if (!kst_velopix_encode_hit(g, m, p, &w->cl[h])) {
        w->cl[h].sensor = -1;
        st->hits_without_sensor++;
        continue;
      }
      w->keys[n_enc] = (uint64_t)w->cl[h].sensor << 32 | w->cl[h].word;
      w->ids[n_enc++] = w->cl[h].lhcbid;
      *sum_error += w->cl[h].error;
      if (w->cl[h].error > st->max_error_mm)
        st->max_error_mm = w->cl[h].error, st->max_error_event = number, st->max_error_hit = h;
    }
  st->hits += n;
  st->clusters += n_enc;

  /* word order within a sensor makes the output independent of the JSON hit order */
  qsort(w->keys, n_enc, sizeof *w->keys, cmp_u64);
  qsort(w->ids, n_enc, sizeof *w->ids, cmp_u32);
  for (uint32_t k = 1; k < n_enc; k++) {
    st->duplicate_words += w->keys[k] == w->keys[k - 1];
    st->duplicate_lhcbids += w->ids[k] == w->ids[k - 1];
  }

  KST_TRY(build_mc(w, st));
  size_t mc_size, vx_size;
  KST_TRY(kst_error_wrap(kst_mc_encode_particles(&w->mc, KST_VELOPIX_MC_VERSION, &w->mc_payload, &mc_size),
                         "%s", path));
  KST_TRY(kst_error_wrap(kst_mc_encode_vertices(&w->mc, &w->vx_payload, &vx_size), "%s", path));
  size_t n_mc_banks = kst_mc_particle_bank_count(mc_size);
  if (n_mc_banks > 0x10000u)
    return kst_error(KST_ERR_CAPACITY, "%s: MC particles need %zu banks, more than the source ids", path, n_mc_banks);
  w->banks = malloc((n_mc_banks + 1 + KST_VELO_SENSORS) * sizeof *w->banks);
  if (!w->banks) return kst_error(KST_ERR_NOMEM, "%s: out of memory for banks", path);
  uint32_t nb = kst_mc_particle_banks(w->mc_payload, mc_size, KST_VELOPIX_MC_VERSION, w->banks);
  w->banks[nb++] = (kst_mdf_bank_out){KST_MC_VERTEX_BANK, KST_MC_VERTEX_BANK_VERSION, 0, w->vx_payload,
                                      (uint32_t)vx_size};
  st->mc_banks += n_mc_banks;
  KST_TRY(kst_error_wrap(kst_retina_banks(w->keys, n_enc, w->retina, w->banks + nb), "%s", path));
  nb += KST_VELO_SENSORS;
  return kst_error_wrap(kst_mdf_write_event(out, KST_VELOPIX_RUN, number, number, w->banks, nb),
                        "writing event %u from %s", number, path);
}

/* ---------- the directory ---------- */

/* N of "velo_event_N.json" with N written canonically (no sign, no leading zeros). */
static int event_number(const char *name, uint32_t *n) {
  static const char prefix[] = "velo_event_";
  if (strncmp(name, prefix, sizeof prefix - 1)) return 0;
  const char *d = name + sizeof prefix - 1;
  size_t len = strspn(d, "0123456789");
  if (len == 0 || len > 10 || strcmp(d + len, ".json") || (d[0] == '0' && len > 1)) return 0;
  uint64_t v = 0;
  for (size_t k = 0; k < len; k++) v = v * 10 + (uint64_t)(d[k] - '0');
  if (v > UINT32_MAX) return 0;
  *n = (uint32_t)v;
  return 1;
}

/* The event numbers found in dir, sorted; *out is malloc'd. */
static kst_status list_events(const char *dir, uint32_t **out, uint32_t *n_out) {
  DIR *d = opendir(dir);
  if (!d) return kst_error(KST_ERR_IO, "%s: cannot open directory: %s", dir, strerror(errno));
  uint32_t *v = NULL, n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    uint32_t num;
    if (!event_number(e->d_name, &num)) continue;
    if (n == cap) {
      uint32_t *nv = realloc(v, (cap = cap ? 2 * cap : 256) * sizeof *v);
      if (!nv) {
        free(v);
        closedir(d);
        return kst_error(KST_ERR_NOMEM, "%s: out of memory listing events", dir);
      }
      v = nv;
    }
    v[n++] = num;
  }
  closedir(d);
  if (n == 0) {
    free(v);
    return kst_error(KST_ERR_IO, "%s: no velo_event_N.json files", dir);
  }
  qsort(v, n, sizeof *v, cmp_u32);
  *out = v;
  *n_out = n;
  return kst_ok();
}

kst_status kst_velopix_convert(const char *dir, const char *out_path, const kst_velo_geometry *g,
                               uint32_t max_events, kst_convert_stats *stats) {
  if (!dir || !out_path || !g) return kst_error(KST_ERR_INVALID, "kst_velopix_convert: NULL argument");
  kst_convert_stats local;
  kst_convert_stats *st = stats ? stats : &local;
  memset(st, 0, sizeof *st);
  uint32_t *numbers = NULL, n_files = 0;
  KST_TRY(list_events(dir, &numbers, &n_files));
  uint32_t n = max_events && max_events < n_files ? max_events : n_files;
  kst_mdf_writer *w = NULL;
  kst_status s = kst_mdf_writer_open(&w, out_path);
  size_t path_cap = strlen(dir) + 32;
  char *path = malloc(path_cap);
  if (s.code == KST_OK && !path) s = kst_error(KST_ERR_NOMEM, "out of memory");
  double sum_error = 0.0;
  for (uint32_t i = 0; s.code == KST_OK && i < n; i++) {
    snprintf(path, path_cap, "%s/velo_event_%u.json", dir, numbers[i]);
    event_work work;
    memset(&work, 0, sizeof work);
    s = convert_event(&work, path, numbers[i], g, w, st, &sum_error);
    work_free(&work);
    if (s.code == KST_OK) st->events++;
  }
  /* A partial file would look like a short, valid one: on failure the writer leaves the target as it was. */
  if (s.code != KST_OK) kst_mdf_writer_abort(w);
  else s = kst_mdf_writer_close(w);
  free(path);
  free(numbers);
  st->mean_error_mm = st->clusters ? sum_error / (double)st->clusters : 0.0;
  return s;
}
