/* Tests of the event simulator: ids vs decoding, physics vs expectations and real samples, determinism, CLI. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/validators/mc_from_mdf.h"
#include "checker/mc_truth.h"
#include "configuration/geometry.h"
#include "input/mdf.h"
#include "input/simulation/generate.h"
#include "input/simulation/rng.h"
#include "input/simulation/smath.h"
#include "input/velopix.h"

#define IDEAL_GEOMETRY "configuration/velo_ideal_geometry.json"
#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"
#define REAL_GEOMETRY "../shared/data/lhcb/velo_geometry.bin"
#define VELOPIX_DIR "../shared/data/velopix/minbias"
#define VELOPIX_EVENTS 200
#define C_MM_PER_PS 0.299792458

int kst_cmd_generate(int argc, char **argv); /* host/cmd_generate.c; cli.h gets it when main.c does */

static kst_velo_geometry g_ideal;

static void load_ideal(void) {
  kst_status s = kst_geometry_load(&g_ideal, IDEAL_GEOMETRY);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
}

static void temp_path(char *buf, size_t n, const char *tag) {
  snprintf(buf, n, "/tmp/kst_sim_%s_XXXXXX", tag);
  int fd = mkstemp(buf);
  cr_assert_geq(fd, 0);
  close(fd);
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* ---------- decoding, written here from the formats doc (section 2) ---------- */

typedef struct cluster {
  uint32_t id;
  float x, y, z;
} cluster;

static int cmp_cluster(const void *a, const void *b) { return cmp_u32(&((const cluster *)a)->id, &((const cluster *)b)->id); }

static cluster decode(const kst_velo_geometry *g, uint32_t sensor, uint32_t w) {
  uint32_t cx = (w >> 12) & 0x3FF, xf = (w >> 10) & 3, cy = (w >> 2) & 0xFF, yf = w & 3;
  cr_assert_lt(cx, (uint32_t)KST_VELO_COLUMNS);
  float lx = g->local_x[cx] + (xf / 4.f) * g->x_pitch[cx], ly = (cy + 0.5f + yf / 4.f) * 0.055f;
  const float *m = g->transform[sensor];
  uint32_t ch = (uint32_t)(xf != 0) << 27 | (uint32_t)(yf != 0) << 26 | sensor << 18 | (cx >> 8) << 16 |
                (cx & 0xFF) << 8 | cy;
  return (cluster){2u << 28 | (ch & 0x0FFFFFFF), m[0] * lx + m[1] * ly + m[9], m[3] * lx + m[4] * ly + m[10],
                   m[6] * lx + m[7] * ly + m[11]};
}

/* All retina clusters of a record (one v3 bank per sensor; words in order when `ours`), sorted by id;
 * malloc'd. LHCb's own banks are not in word order. */
static cluster *record_clusters(const kst_velo_geometry *g, const kst_mdf_event *ev, int ours, uint32_t *n_out) {
  kst_mdf_bank b;
  uint32_t pos = 0, n = 0, cap = 4096;
  cluster *c = malloc(cap * sizeof *c);
  int seen[KST_VELO_SENSORS] = {0};
  while (kst_mdf_bank_next(ev, &pos, &b)) {
    if (b.type != 73) continue;
    cr_assert_eq(b.version, 3);
    cr_assert_lt(b.source_id, KST_VELO_SENSORS);
    cr_assert_eq(seen[b.source_id]++, 0, "two banks for sensor %u", b.source_id);
    uint32_t count = rd32(b.payload);
    cr_assert_eq(b.payload_size, 4 + 4 * count);
    for (uint32_t k = 0; k < count; k++) {
      uint32_t w = rd32(b.payload + 4 + 4 * k);
      if (k && ours) cr_assert_lt(rd32(b.payload + 4 * k), w, "words of sensor %u out of order", b.source_id);
      if (n == cap) c = realloc(c, (cap *= 2) * sizeof *c);
      c[n++] = decode(g, b.source_id, w & 0x3FFFFF); /* real files use bits above 21; the decoder ignores them */
    }
  }
  qsort(c, n, sizeof *c, cmp_cluster);
  *n_out = n;
  return c;
}

/* ---------- sample statistics, the same code for generated and real events ---------- */

typedef struct sample {
  uint32_t events;
  double clusters, particles, has_velo, has_velo_pv, is_long, pvs, pvs_visible, pvs_rec;
  double sum_pt_pv, sum_p_pv, n_pv; /* hasVelo particles made at a PV (primaries) */
  double *eta, *p, *pt, *res;       /* of hasVelo particles; res: |line-fit residuals| in mm */
  size_t n, cap, n_res, cap_res;
} sample;

static void add_kinematics(sample *s, const kst_mc_particle *q) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 65536;
    s->eta = realloc(s->eta, s->cap * sizeof *s->eta);
    s->p = realloc(s->p, s->cap * sizeof *s->p);
    s->pt = realloc(s->pt, s->cap * sizeof *s->pt);
  }
  s->eta[s->n] = q->eta, s->p[s->n] = q->p, s->pt[s->n] = q->pt;
  s->n++;
}

/* Least-squares lines x(z) and y(z) through n hits; appends |residuals|. */
static void add_residuals(sample *s, const double *x, const double *y, const double *z, int n) {
  double sz = 0, szz = 0, sx = 0, sxz = 0, sy = 0, syz = 0;
  for (int k = 0; k < n; k++) sz += z[k], szz += z[k] * z[k], sx += x[k], sxz += x[k] * z[k], sy += y[k], syz += y[k] * z[k];
  double d = n * szz - sz * sz;
  if (fabs(d) < 1e-9) return;
  double bx = (n * sxz - sx * sz) / d, ax = (sx - bx * sz) / n, by = (n * syz - sy * sz) / d, ay = (sy - by * sz) / n;
  for (int k = 0; k < n; k++) {
    if (s->n_res + 2 > s->cap_res) s->res = realloc(s->res, (s->cap_res = s->cap_res ? 2 * s->cap_res : 65536) * sizeof *s->res);
    s->res[s->n_res++] = fabs(x[k] - ax - bx * z[k]);
    s->res[s->n_res++] = fabs(y[k] - ay - by * z[k]);
  }
}

static void sample_free(sample *s) {
  free(s->eta), free(s->p), free(s->pt), free(s->res);
  memset(s, 0, sizeof *s);
}

/* Fit lines to particles above 2 GeV with at least 3 hits, hits found by id among the clusters. */
static void particle_residuals(sample *s, const kst_mc_event *mc, const kst_mc_particle *q, const cluster *c, uint32_t n) {
  if (q->p <= 2000.f || q->n_velo < 3 || q->n_velo > 64) return;
  double x[64], y[64], z[64];
  int m = 0;
  for (uint32_t j = 0; j < q->n_velo; j++) {
    cluster key = {mc->ids[q->velo_first + j], 0, 0, 0};
    const cluster *f = bsearch(&key, c, n, sizeof *c, cmp_cluster);
    if (f) x[m] = f->x, y[m] = f->y, z[m] = f->z, m++;
  }
  if (m >= 3) add_residuals(s, x, y, z, m);
}

/* Reads an MDF file with MC truth (ours or LHCb's) into s. */
static void sample_from_mdf(sample *s, const char *path, const kst_velo_geometry *g, int ours) {
  kst_mdf_file f = {0};
  kst_status st = kst_mdf_open(&f, path);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  kst_mdf_event ev;
  int done = 0;
  for (;;) {
    st = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    if (done) break;
    kst_mc_event mc;
    st = kst_mc_event_from_mdf(&ev, &mc);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    uint32_t n;
    cluster *c = record_clusters(g, &ev, ours, &n);
    s->events++;
    s->clusters += n;
    s->particles += mc.n_particles;
    for (uint32_t v = 0; v < mc.n_vertices; v++) {
      s->pvs_visible += mc.vertices[v].n_tracks > 0;
      s->pvs_rec += mc.vertices[v].n_tracks >= KST_SIM_REC_PV_TRACKS;
      s->has_velo_pv += mc.vertices[v].n_tracks;
    }
    s->pvs += mc.n_vertices;
    for (uint32_t i = 0; i < mc.n_particles; i++) {
      const kst_mc_particle *q = &mc.particles[i];
      if (!q->has_velo) continue;
      s->has_velo++;
      s->is_long += q->is_long;
      add_kinematics(s, q);
      particle_residuals(s, &mc, q, c, n);
      for (uint32_t v = 0; v < mc.n_vertices; v++)
        if (fabs(q->ovx - mc.vertices[v].x) < 1e-3 && fabs(q->ovy - mc.vertices[v].y) < 1e-3 &&
            fabs(q->ovz - mc.vertices[v].z) < 1e-3) {
          s->sum_pt_pv += q->pt, s->sum_p_pv += q->p, s->n_pv++;
          break;
        }
    }
    free(c);
    kst_mc_event_free(&mc);
  }
  kst_mdf_close(&f);
}

/* Reads the velopix JSON events (hits are global points already) into s. */
static void sample_from_velopix(sample *s) {
  for (int e = 0; e < VELOPIX_EVENTS; e++) {
    char path[256];
    snprintf(path, sizeof path, VELOPIX_DIR "/velo_event_%d.json", e);
    kst_velopix_event v;
    kst_status st = kst_velopix_read(&v, path);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    s->events++;
    s->clusters += v.n_hits;
    s->particles += v.mc.n_particles;
    for (uint32_t i = 0; i < v.mc.n_particles; i++) {
      const kst_mc_particle *q = &v.mc.particles[i];
      if (!q->has_velo) continue;
      s->has_velo++;
      s->is_long += q->is_long;
      add_kinematics(s, q);
      if (q->p <= 2000.f || q->n_velo < 3 || q->n_velo > 64) continue;
      double x[64], y[64], z[64];
      for (uint32_t j = 0; j < q->n_velo; j++) {
        uint32_t h = v.mc.ids[q->velo_first + j];
        x[j] = v.x[h], y[j] = v.y[h], z[j] = v.z[h];
      }
      add_residuals(s, x, y, z, (int)q->n_velo);
    }
    kst_velopix_free(&v);
  }
}

typedef struct summary {
  double clusters, has_velo, has_velo_pv, is_long, pvs, pvs_visible, pvs_rec;
  double frac_fwd, frac_back, mean_pt, mean_p, mean_pt_pv, mean_p_pv, residual_um;
  double eta_q[5], p_q[5];
} summary;

static summary summarise(sample *s) {
  summary r;
  memset(&r, 0, sizeof r);
  double n = s->events;
  r.clusters = s->clusters / n, r.has_velo = s->has_velo / n, r.has_velo_pv = s->has_velo_pv / n;
  r.is_long = s->is_long / n, r.pvs = s->pvs / n, r.pvs_visible = s->pvs_visible / n, r.pvs_rec = s->pvs_rec / n;
  double fwd = 0, back = 0, pt = 0, p = 0;
  for (size_t i = 0; i < s->n; i++) {
    fwd += s->eta[i] > 2.0 && s->eta[i] < 5.0;
    back += s->eta[i] < 0.0;
    pt += s->pt[i], p += s->p[i];
  }
  r.frac_fwd = fwd / s->n, r.frac_back = back / s->n, r.mean_pt = pt / s->n, r.mean_p = p / s->n;
  r.mean_pt_pv = s->n_pv ? s->sum_pt_pv / s->n_pv : NAN, r.mean_p_pv = s->n_pv ? s->sum_p_pv / s->n_pv : NAN;
  qsort(s->eta, s->n, sizeof *s->eta, cmp_double);
  qsort(s->p, s->n, sizeof *s->p, cmp_double);
  qsort(s->res, s->n_res, sizeof *s->res, cmp_double);
  const double q[5] = {0.10, 0.25, 0.50, 0.75, 0.90};
  for (int k = 0; k < 5; k++) {
    r.eta_q[k] = s->eta[(size_t)(q[k] * (s->n - 1))];
    r.p_q[k] = s->p[(size_t)(q[k] * (s->n - 1))];
  }
  r.residual_um = s->n_res ? 1e3 * s->res[s->n_res / 2] : NAN;
  return r;
}

static void log_summary(const char *name, uint32_t events, const summary *r) {
  cr_log_info("| %-26s | %5u | %7.1f | %6.1f | %6.1f | %5.1f | %5.2f | %5.2f | %5.2f | %.3f | %.3f | %3.0f | %5.0f | "
              "%3.0f | %5.0f | %5.2f %5.2f %5.2f %5.2f %5.2f | %5.0f %5.0f %5.0f %6.0f %6.0f | %4.1f |",
              name, events, r->clusters, r->has_velo, r->has_velo_pv, r->is_long, r->pvs, r->pvs_visible, r->pvs_rec,
              r->frac_fwd, r->frac_back, r->mean_pt, r->mean_p, r->mean_pt_pv, r->mean_p_pv, r->eta_q[0], r->eta_q[1], r->eta_q[2], r->eta_q[3],
              r->eta_q[4], r->p_q[0], r->p_q[1], r->p_q[2], r->p_q[3], r->p_q[4], r->residual_um);
}

/* ---------- tests ---------- */

Test(simulation, decoded_ids_agree_with_mc_ids_and_banks_have_the_real_layout, .timeout = 120) {
  load_ideal();
  kst_sim_options o;
  kst_sim_options_default(&o);
  o.seed = 7;
  o.noise_per_event = 20.0; /* plenty of noise, to show it is told apart */
  char path[64];
  temp_path(path, sizeof path, "ids");
  const uint32_t n_events = 60;
  kst_sim_stats st;
  kst_status s = kst_sim_generate_file(&o, &g_ideal, n_events, path, &st);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_eq(st.events, n_events);
  kst_sim *sim;
  cr_assert_eq(kst_sim_create(&sim, &o, &g_ideal).code, KST_OK);
  kst_sim_event again = {0};

  kst_mdf_file f = {0};
  cr_assert_eq(kst_mdf_open(&f, path).code, KST_OK);
  kst_mdf_event ev;
  int done = 0;
  uint64_t n_mc_ids = 0, n_clusters = 0, n_noise = 0, n_shared = 0;
  for (uint32_t e = 0;; e++) {
    cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
    if (done) {
      cr_assert_eq(e, n_events);
      break;
    }
    /* bank inventory: ODIN v6, 208 retina banks, MC particles v2 (pieces 0, 1, ...), one MC vertex bank */
    kst_mdf_bank b;
    uint32_t pos = 0, n_odin = 0, n_retina = 0, n_mcp = 0, n_mcv = 0;
    while (kst_mdf_bank_next(&ev, &pos, &b)) {
      if (b.type == 16) {
        n_odin++;
        cr_assert_eq(b.version, 6);
        cr_assert_eq(b.payload_size, 40u);
        cr_assert_eq(rd32(b.payload), o.run, "ODIN word 0 is the run number");
        cr_assert_eq(rd32(b.payload + 16), (uint32_t)(o.first_event + e), "ODIN word 4 is the event number");
      } else if (b.type == 73) {
        n_retina++;
      } else if (b.type == 32) {
        cr_assert_eq(b.version, 2);
        cr_assert_eq(b.source_id, n_mcp++);
      } else if (b.type == 33) {
        n_mcv++;
      } else {
        cr_assert_fail("unexpected bank type %u", b.type);
      }
    }
    cr_assert_eq(n_odin, 1);
    cr_assert_eq(n_retina, 208u);
    cr_assert_geq(n_mcp, 1u);
    cr_assert_eq(n_mcv, 1);
    cr_assert_eq(ev.run, o.run);

    kst_mc_event mc;
    s = kst_mc_event_from_mdf(&ev, &mc);
    cr_assert_eq(s.code, KST_OK, "%s", s.msg);
    uint32_t n;
    cluster *c = record_clusters(&g_ideal, &ev, 1, &n);
    for (uint32_t k = 1; k < n; k++) cr_assert_neq(c[k].id, c[k - 1].id, "event %u: two clusters share an id", e);
    /* the noise clusters of this event, from the generator itself (event e alone gives the same event) */
    cr_assert_eq(kst_sim_generate_event(sim, e, &again).code, KST_OK);
    cr_assert_eq(again.n_clusters, n);
    uint32_t *noise = malloc((again.n_noise + 1) * sizeof *noise), nn = 0;
    for (uint32_t k = 0; k < again.n_clusters; k++)
      if (again.clusters[k].key < 0) noise[nn++] = again.clusters[k].lhcbid;
    qsort(noise, nn, sizeof *noise, cmp_u32);
    /* every MC VELO id is a decoded cluster, and no MC id is a noise cluster */
    uint32_t *ids = malloc((mc.n_ids + 1) * sizeof *ids);
    memcpy(ids, mc.ids, mc.n_ids * sizeof *ids);
    qsort(ids, mc.n_ids, sizeof *ids, cmp_u32);
    uint32_t distinct = 0;
    for (uint32_t k = 0; k < mc.n_ids; k++) {
      if (k && ids[k] == ids[k - 1]) {
        n_shared++; /* two particles through one pixel share its cluster */
        continue;
      }
      distinct++;
      cluster key = {ids[k], 0, 0, 0};
      cr_assert_not_null(bsearch(&key, c, n, sizeof *c, cmp_cluster), "event %u: MC id %08x not decoded", e, ids[k]);
      cr_assert_null(bsearch(&ids[k], noise, nn, sizeof *noise, cmp_u32));
    }
    /* every decoded cluster that is not noise is an MC id */
    uint32_t not_mc = 0;
    for (uint32_t k = 0; k < n; k++) {
      if (bsearch(&c[k].id, ids, mc.n_ids, sizeof *ids, cmp_u32)) continue;
      cr_assert_not_null(bsearch(&c[k].id, noise, nn, sizeof *noise, cmp_u32), "event %u: cluster %08x is neither MC nor noise",
                         e, c[k].id);
      not_mc++;
    }
    cr_assert_eq(not_mc, nn);
    cr_assert_eq(distinct + nn, n, "event %u: %u MC ids + %u noise != %u clusters", e, distinct, nn, n);
    /* hasVelo means 3 or more clusters; a PV counts its hasVelo particles made right there */
    for (uint32_t i = 0; i < mc.n_particles; i++) {
      const kst_mc_particle *q = &mc.particles[i];
      cr_assert_eq(q->key, i);
      cr_assert_eq(q->has_velo, q->n_velo >= 3);
      cr_assert_eq(q->is_long, q->has_velo && q->has_scifi);
      if (q->mother_key >= 0) cr_assert_lt((uint32_t)q->mother_key, i, "mother keys resolve to earlier particles");
    }
    for (uint32_t v = 0; v < mc.n_vertices; v++) {
      int32_t count = 0;
      for (uint32_t i = 0; i < mc.n_particles; i++) {
        const kst_mc_particle *q = &mc.particles[i];
        count += q->has_velo && q->ovx == (float)mc.vertices[v].x && q->ovy == (float)mc.vertices[v].y &&
                 q->ovz == (float)mc.vertices[v].z;
      }
      cr_assert_eq(mc.vertices[v].n_tracks, count, "event %u PV %u", e, v);
    }
    n_mc_ids += distinct, n_clusters += n, n_noise += nn;
    free(ids), free(noise), free(c);
    kst_mc_event_free(&mc);
  }
  cr_assert_eq(n_noise, st.noise);
  cr_assert_gt(n_noise, 0u);
  cr_log_info("%u events: %llu clusters = %llu distinct MC VELO ids (all decoded, 100%%) + %llu noise; %llu ids shared "
              "by two particles", n_events, (unsigned long long)n_clusters, (unsigned long long)n_mc_ids,
              (unsigned long long)n_noise, (unsigned long long)n_shared);
  kst_sim_event_free(&again);
  kst_sim_destroy(sim);
  kst_mdf_close(&f);
  remove(path);
}

/* Expectations for 1,000 default events (pile-up 7.6), with the reasons: */
Test(simulation, minimum_bias_meets_expectations_and_resembles_real_samples, .timeout = 300) {
  load_ideal();
  kst_sim_options o;
  kst_sim_options_default(&o);
  o.seed = 20240601;
  char path[64];
  temp_path(path, sizeof path, "mb");
  kst_status s = kst_sim_generate_file(&o, &g_ideal, 1000, path, NULL);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  sample ours = {0};
  sample_from_mdf(&ours, path, &g_ideal, 1);
  remove(path);
  summary r = summarise(&ours);
  cr_log_info("| sample | events | clusters | hasVelo | hasVelo from PV | long | PVs | PVs with a track | PVs >= 4 tracks | "
              "2<eta<5 | eta<0 | <pT> | <p> | <pT> from PV | <p> from PV | eta q10 q25 q50 q75 q90 | "
              "p q10 q25 q50 q75 q90 (MeV) | residual um |");
  log_summary("generated (seed 20240601)", ours.events, &r);

  /* Poisson pile-up: 7.6 +- 0.09 on 1000 events */
  cr_assert(fabs(r.pvs - 7.6) < 0.35, "PVs per event %.2f, expected 7.6", r.pvs);
  /* diffractive interactions (29%) with light systems put nothing in the VELO: 85-95% of PVs have a track */
  cr_assert(r.pvs_visible > 0.85 * r.pvs && r.pvs_visible < 0.95 * r.pvs, "visible PVs %.2f of %.2f", r.pvs_visible, r.pvs);
  /* dN/deta 7.5 (non-diffractive), VELO acceptance ~ -4 < eta < -1.5 and 1.6 < eta < 5.3: ~30 per interaction */
  cr_assert(r.has_velo > 220 && r.has_velo < 330, "hasVelo per event %.1f", r.has_velo);
  cr_assert(r.clusters > 1500 && r.clusters < 2500, "clusters per event %.1f", r.clusters);
  /* the forward arm is longer than the backward one */
  cr_assert(r.frac_fwd > 0.40 && r.frac_fwd < 0.52, "fraction in 2 < eta < 5: %.3f", r.frac_fwd);
  cr_assert(r.frac_back > 0.33 && r.frac_back < 0.45, "fraction with eta < 0: %.3f", r.frac_back);
  /* Tsallis n = 6.6, T = 135 MeV: <pT> of pions 2nT/(n-3) = 495 MeV, heavier species above */
  cr_assert(r.mean_pt > 440 && r.mean_pt < 530, "mean pT %.0f MeV", r.mean_pt);
  /* 13 um cluster smearing plus quarter-pixel steps and 1% X0 per module: LHCb-like 9-10 um */
  cr_assert(r.residual_um > 8.0 && r.residual_um < 11.0, "median residual %.2f um", r.residual_um);
  sample_free(&ours);

  if (access(REAL_MDF, R_OK) || access(REAL_GEOMETRY, R_OK) || access(VELOPIX_DIR "/velo_event_0.json", R_OK)) {
    /* Info, not a warning: this Criterion exits with status 1 after any warning, which would fail CI. */
    cr_log_info("shared data absent (%s, %s): comparison with real samples skipped", REAL_MDF, VELOPIX_DIR);
    return;
  }
  static kst_velo_geometry g_real;
  cr_assert_eq(kst_geometry_load(&g_real, REAL_GEOMETRY).code, KST_OK);
  sample mdf = {0}, vp = {0};
  sample_from_mdf(&mdf, REAL_MDF, &g_real, 0);
  sample_from_velopix(&vp);
  summary m = summarise(&mdf), v = summarise(&vp);
  log_summary("LHCb MDF sample", mdf.events, &m);
  log_summary("velopix minbias (no PVs)", vp.events, &v);
  /* the real samples as measured (these pin the reading code, not the generator) */
  cr_assert_eq(mdf.events, 10u);
  cr_assert_eq((uint64_t)mdf.clusters, 20652u);
  cr_assert_eq((uint64_t)mdf.has_velo, 2877u);
  cr_assert_eq((uint64_t)mdf.pvs, 76u);
  cr_assert_eq(vp.events, (uint32_t)VELOPIX_EVENTS);
  /* the generator against them: within 20% per event, fractions within 0.05, residuals within 1.5 um */
  double real_velo = 0.5 * (m.has_velo + v.has_velo), real_clusters = 0.5 * (m.clusters + v.clusters);
  cr_assert(fabs(r.has_velo / real_velo - 1.0) < 0.20, "hasVelo %.1f vs real %.1f", r.has_velo, real_velo);
  cr_assert(fabs(r.clusters / real_clusters - 1.0) < 0.20, "clusters %.1f vs real %.1f", r.clusters, real_clusters);
  cr_assert(fabs(r.pvs / m.pvs - 1.0) < 0.10, "PVs %.2f vs real %.2f", r.pvs, m.pvs);
  cr_assert(fabs(r.frac_fwd - v.frac_fwd) < 0.05, "2<eta<5 fraction %.3f vs real %.3f", r.frac_fwd, v.frac_fwd);
  cr_assert(fabs(r.frac_back - v.frac_back) < 0.05, "eta<0 fraction %.3f vs real %.3f", r.frac_back, v.frac_back);
  /* kinematics against the real primaries: the real sample's secondaries (20%, mostly conversion
   * electrons) are soft and we do not make them */
  cr_assert(fabs(r.mean_pt / m.mean_pt_pv - 1.0) < 0.10, "mean pT %.0f vs real %.0f", r.mean_pt, m.mean_pt_pv);
  cr_assert(fabs(r.mean_p / m.mean_p_pv - 1.0) < 0.15, "mean p %.0f vs real %.0f", r.mean_p, m.mean_p_pv);
  cr_assert(fabs(r.eta_q[2] - v.eta_q[2]) < 0.3, "median eta %.2f vs real %.2f", r.eta_q[2], v.eta_q[2]);
  cr_assert(fabs(r.residual_um - m.residual_um) < 1.5, "residual %.2f vs real %.2f um", r.residual_um, m.residual_um);
  sample_free(&mdf);
  sample_free(&vp);
}

/* Mass of two stored daughters from their (p, pT, eta, phi) and PDG masses. */
static double pair_mass(const kst_mc_particle *a, double ma, const kst_mc_particle *b, double mb) {
  double v[2][4];
  const kst_mc_particle *q[2] = {a, b};
  const double m[2] = {ma, mb};
  for (int k = 0; k < 2; k++) {
    double pz = (q[k]->eta >= 0 ? 1.0 : -1.0) * sqrt(fmax((double)q[k]->p * q[k]->p - (double)q[k]->pt * q[k]->pt, 0.0));
    v[k][0] = q[k]->pt * cos(q[k]->phi), v[k][1] = q[k]->pt * sin(q[k]->phi), v[k][2] = pz;
    v[k][3] = sqrt((double)q[k]->p * q[k]->p + m[k] * m[k]);
  }
  double e = v[0][3] + v[1][3], x = v[0][0] + v[1][0], y = v[0][1] + v[1][1], z = v[0][2] + v[1][2];
  return sqrt(e * e - x * x - y * y - z * z);
}

Test(simulation, decays_have_right_masses_lifetimes_and_flags, .timeout = 120) {
  load_ideal();
  kst_sim_options o;
  kst_sim_options_default(&o);
  o.seed = 99;
  o.charm_fraction = 0.5; /* more charm, to test it on a few hundred events */
  kst_sim *sim;
  cr_assert_eq(kst_sim_create(&sim, &o, &g_ideal).code, KST_OK);
  kst_sim_event ev = {0};
  uint32_t n_k0s = 0, n_d0 = 0, n_flight = 0, n_backward = 0;
  for (uint32_t e = 0; e < 200; e++) {
    cr_assert_eq(kst_sim_generate_event(sim, e, &ev).code, KST_OK);
    const kst_mc_event *mc = &ev.mc;
    for (uint32_t i = 0; i < mc->n_particles; i++) {
      const kst_mc_particle *q = &mc->particles[i];
      n_backward += q->has_velo && q->eta < 0;
      if (q->mother_key < 0) {
        cr_assert_eq(q->decay_mother_pid, -999999);
        continue;
      }
      const kst_mc_particle *mo = &mc->particles[q->mother_key];
      cr_assert_eq(q->mother_pid, mo->pid);
      int mother_pid = abs(mo->pid);
      if (mother_pid == 310) cr_assert(q->from_s);
      if (mother_pid == 421 || mother_pid == 411) cr_assert(q->from_c);
      if (mother_pid == 511 || mother_pid == 521 || mother_pid == 531) cr_assert(q->from_b);
      /* the flight of a b/c hadron matches its proper time: L = (p/m) c tau */
      if (q->decay_mother_key == q->mother_key && q->decay_mother_tau > 0.01f && (mother_pid == 421 || mother_pid == 411)) {
        double dx = q->ovx - mo->ovx, dy = q->ovy - mo->ovy, dz = q->ovz - mo->ovz;
        double m = mother_pid == 421 ? 1864.84 : 1869.66;
        double tau = sqrt(dx * dx + dy * dy + dz * dz) * m / mo->p / C_MM_PER_PS;
        cr_assert(fabs(tau - q->decay_mother_tau) < 1e-3 + 1e-3 * tau, "tau %g vs %g", tau, q->decay_mother_tau);
        n_flight++;
      }
      /* two-body masses: K0S -> pi+ pi-, and D0 -> K- pi+ (its 3-body channels sit below) */
      if (i + 1 < mc->n_particles && mc->particles[i + 1].mother_key == q->mother_key) {
        const kst_mc_particle *r = &mc->particles[i + 1];
        if (mother_pid == 310 && abs(q->pid) == 211 && abs(r->pid) == 211 && q->charge + r->charge == 0) {
          cr_assert(fabs(pair_mass(q, 139.57039, r, 139.57039) - 497.611) < 0.5, "K0S mass %.2f",
                    pair_mass(q, 139.57039, r, 139.57039));
          n_k0s++;
        }
        if (mother_pid == 421 && abs(q->pid) == 321 && abs(r->pid) == 211) {
          double mass = pair_mass(q, 493.677, r, 139.57039);
          cr_assert(mass < 1864.84 + 1.0, "D0 daughters above the D0 mass: %.2f", mass);
          n_d0 += fabs(mass - 1864.84) < 1.0;
        }
      }
    }
  }
  cr_log_info("200 events: %u K0S->pi+pi- at 497.6 MeV, %u D0->K-pi+ at 1864.8 MeV, %u flights match tau", n_k0s, n_d0,
              n_flight);
  cr_assert_gt(n_k0s, 100u);
  cr_assert_gt(n_d0, 5u);
  cr_assert_gt(n_flight, 50u);
  cr_assert_gt(n_backward, 1000u, "particles go backward too");
  kst_sim_event_free(&ev);
  kst_sim_destroy(sim);
}

Test(simulation, signal_channels_force_one_decay_per_event, .timeout = 120) {
  load_ideal();
  static const struct {
    const char *name;
    int32_t head;
    int n;
    int32_t products[6]; /* sorted */
    double tau; /* PDG mean lifetime, ps */
  } cases[] = {
      {"B0->K+pi-", 511, 2, {-211, 321}, 1.519},
      {"Bs->phi(K+K-)phi(K+K-)", 531, 6, {-321, -321, 321, 321, 333, 333}, 1.520},
      {"D0->K-pi+", 421, 2, {-321, 211}, 0.4103},
      {"B+->J/psi(mu+mu-)K+", 521, 4, {-13, 13, 321, 443}, 1.638},
      {"D+->K-pi+pi+", 411, 3, {-321, 211, 211}, 1.040},
      {"Lambda_b0->pK-", 5122, 2, {-321, 2212}, 1.470},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    kst_sim_options o;
    kst_sim_options_default(&o);
    o.seed = 5 + c;
    cr_assert_eq(kst_sim_signal_parse(cases[c].name, &o.signal).code, KST_OK);
    cr_assert_str_eq(kst_sim_signal_name(o.signal), cases[c].name);
    kst_sim *sim;
    cr_assert_eq(kst_sim_create(&sim, &o, &g_ideal).code, KST_OK);
    kst_sim_event ev = {0};
    double sum_tau = 0;
    const uint32_t n_events = 150;
    for (uint32_t e = 0; e < n_events; e++) {
      cr_assert_eq(kst_sim_generate_event(sim, e, &ev).code, KST_OK);
      int heads = 0, n = 0;
      int32_t got[16];
      for (uint32_t i = 0; i < ev.mc.n_particles; i++) {
        const kst_mc_particle *q = &ev.mc.particles[i];
        if (!q->from_signal) continue;
        if (q->mother_key < 0) {
          cr_assert_eq(q->pid, cases[c].head, "%s", cases[c].name);
          heads++;
          continue;
        }
        cr_assert(ev.mc.particles[q->mother_key].from_signal);
        if (cases[c].head != 421 && cases[c].head != 411) cr_assert(q->from_b);
        cr_assert_eq(q->decay_mother_pid, cases[c].head);
        if (n < 16) got[n] = q->pid;
        n++;
        sum_tau += q->decay_mother_tau / cases[c].n;
        if (q->charge != 0) { /* LHCb's 10-400 mrad cut on the signal's charged daughters */
          double pz = sqrt((double)q->p * q->p - (double)q->pt * q->pt);
          cr_assert(q->eta > 0 && q->pt >= 0.00999 * pz && q->pt <= 0.42289 * pz, "%s daughter outside 10-400 mrad",
                    cases[c].name);
        }
      }
      cr_assert_eq(heads, 1, "%s: event %u has %d signal hadrons", cases[c].name, e, heads);
      cr_assert_eq(n, cases[c].n);
      for (int a = 1; a < n; a++)
        for (int b = a; b > 0 && got[b] < got[b - 1]; b--) {
          int32_t t = got[b];
          got[b] = got[b - 1], got[b - 1] = t;
        }
      for (int k = 0; k < n; k++) cr_assert_eq(got[k], cases[c].products[k], "%s: products", cases[c].name);
    }
    double mean_tau = sum_tau / n_events;
    cr_log_info("%s: %u events, mean proper time %.3f ps", cases[c].name, n_events, mean_tau);
    /* an exponential's mean has an error of tau / sqrt(n): allow 3 of them */
    cr_assert(fabs(mean_tau - cases[c].tau) < 3.0 * cases[c].tau / sqrt(n_events), "%s: mean tau %.3f ps, PDG %.3f",
              cases[c].name, mean_tau, cases[c].tau);
    kst_sim_event_free(&ev);
    kst_sim_destroy(sim);
  }
}

/* FNV-1a of a file's bytes. */
static uint64_t file_hash(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f);
  uint64_t h = 1469598103934665603ull;
  int ch;
  *size = 0;
  while ((ch = fgetc(f)) != EOF) h = (h ^ (uint64_t)ch) * 1099511628211ull, ++*size;
  fclose(f);
  return h;
}

static int same_bytes(const char *a, const char *b) {
  size_t na, nb;
  return file_hash(a, &na) == file_hash(b, &nb) && na == nb;
}

Test(simulation, same_seed_same_bytes_different_seed_different_bytes, .timeout = 120) {
  load_ideal();
  kst_sim_options o;
  kst_sim_options_default(&o);
  o.seed = 42;
  char a[64], b[64], c[64];
  temp_path(a, sizeof a, "a"), temp_path(b, sizeof b, "b"), temp_path(c, sizeof c, "c");
  cr_assert_eq(kst_sim_generate_file(&o, &g_ideal, 30, a, NULL).code, KST_OK);
  cr_assert_eq(kst_sim_generate_file(&o, &g_ideal, 30, b, NULL).code, KST_OK);
  cr_assert(same_bytes(a, b), "two runs with seed 42 differ");
  o.seed = 43;
  cr_assert_eq(kst_sim_generate_file(&o, &g_ideal, 30, c, NULL).code, KST_OK);
  cr_assert(!same_bytes(a, c), "seeds 42 and 43 give the same file");

  /* any event can be remade alone: event 17 encoded by itself is record 17 of the file */
  o.seed = 42;
  kst_sim *sim;
  cr_assert_eq(kst_sim_create(&sim, &o, &g_ideal).code, KST_OK);
  kst_sim_event ev = {0};
  cr_assert_eq(kst_sim_generate_event(sim, 17, &ev).code, KST_OK);
  uint8_t *buf;
  size_t size;
  cr_assert_eq(kst_sim_encode_event(sim, &ev, &buf, &size).code, KST_OK);
  kst_mdf_file f = {0};
  cr_assert_eq(kst_mdf_open(&f, a).code, KST_OK);
  kst_mdf_event rec;
  int done;
  for (int k = 0; k <= 17; k++) cr_assert_eq(kst_mdf_next(&f, &rec, &done).code, KST_OK);
  cr_assert_eq(rec.record_size, size);
  cr_assert_eq(memcmp(f.data + rec.offset, buf, size), 0);
  free(buf);
  kst_mdf_close(&f);
  kst_sim_event_free(&ev);
  kst_sim_destroy(sim);

  /* the same bytes on any machine: no libm in the output path, so this hash holds everywhere. Change it
   * only with a deliberate change of the generator (the failure prints the new value). */
  o.seed = 2024;
  cr_assert_eq(kst_sim_generate_file(&o, &g_ideal, 10, a, NULL).code, KST_OK);
  size_t n;
  uint64_t h = file_hash(a, &n);
  cr_log_info("seed 2024, 10 events: %zu bytes, FNV-1a %016llx", n, (unsigned long long)h);
  cr_expect_eq(h, 0xc318a0aad4e91a5aull, "golden hash changed: now %016llx (%zu bytes)", (unsigned long long)h, n);
  remove(a), remove(b), remove(c);
}

Test(simulation, portable_math_and_prng) {
  double worst = 0;
  for (int i = -2000; i <= 2000; i++) {
    double x = i * 0.0173;
    worst = fmax(worst, fabs(kst_sm_exp(x) - exp(x)) / exp(x));
    if (x > 0) worst = fmax(worst, fabs(kst_sm_log(x) - log(x)) / fmax(fabs(log(x)), 1.0));
    double s, c;
    kst_sm_sincos(x, &s, &c);
    worst = fmax(worst, fmax(fabs(s - sin(x)), fabs(c - cos(x))));
    worst = fmax(worst, fabs(kst_sm_atan2(sin(3 * x), cos(5 * x)) - atan2(sin(3 * x), cos(5 * x))));
  }
  cr_assert_lt(worst, 4e-15, "portable math is off by %g", worst);
  cr_assert_float_eq(kst_sm_eta(1.0, -10.0), -asinh(10.0), 1e-13);
  /* xoshiro256** from splitmix64: the stream is fixed forever (it defines every generated file) */
  kst_rng r;
  kst_rng_seed(&r, 1, 0);
  uint64_t first = kst_rng_next(&r);
  cr_log_info("kst_rng(1, 0) first output %016llx", (unsigned long long)first);
  kst_rng_seed(&r, 1, 0);
  cr_assert_eq(kst_rng_next(&r), first);
  double sum = 0, sum2 = 0, sum_p = 0;
  for (int i = 0; i < 200000; i++) {
    double g = kst_rng_gauss(&r);
    sum += g, sum2 += g * g;
    sum_p += kst_rng_poisson(&r, 7.6);
  }
  cr_assert(fabs(sum / 200000) < 0.01 && fabs(sum2 / 200000 - 1.0) < 0.01, "gauss mean %g var %g", sum / 2e5, sum2 / 2e5);
  cr_assert(fabs(sum_p / 200000 - 7.6) < 0.03, "poisson mean %g", sum_p / 2e5);
}

/* Runs the command with stderr captured; returns its exit code and fills err. */
static int cli(char *err, size_t err_size, const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
               const char *a6) {
  char *argv[8] = {"generate", (char *)a1, (char *)a2, (char *)a3, (char *)a4, (char *)a5, (char *)a6, NULL};
  int argc = 1;
  while (argc < 7 && argv[argc]) argc++;
  char path[64];
  temp_path(path, sizeof path, "err");
  fflush(stdout), fflush(stderr);
  int saved = dup(2), fd = open(path, O_WRONLY | O_TRUNC);
  dup2(fd, 2);
  int rc = kst_cmd_generate(argc, argv);
  fflush(stderr);
  dup2(saved, 2);
  close(fd), close(saved);
  FILE *f = fopen(path, "r");
  size_t n = fread(err, 1, err_size - 1, f);
  err[n] = 0;
  fclose(f);
  remove(path);
  return rc;
}

Test(simulation, command_line_errors_are_clear) {
  char err[1024], out[64];
  temp_path(out, sizeof out, "cli");
  cr_assert_eq(cli(err, sizeof err, "-n", "2", "-o", out, "--signal", "B0->mu+mu-"), 2);
  cr_assert_not_null(strstr(err, "unknown signal 'B0->mu+mu-'"), "%s", err);
  cr_assert_not_null(strstr(err, "B+->J/psi(mu+mu-)K+"), "the message lists the known signals: %s", err);
  cr_assert_eq(cli(err, sizeof err, "-n", "2", "-o", out, "--pileup", "-1"), 2);
  cr_assert_not_null(strstr(err, "--pileup cannot be negative"), "%s", err);
  cr_assert_eq(cli(err, sizeof err, "-n", "2", "-o", out, "--pileup", "lots"), 2);
  cr_assert_eq(cli(err, sizeof err, "-n", "0", "-o", out, NULL, NULL), 2);
  cr_assert_not_null(strstr(err, "-n needs a whole number from 1"), "%s", err);
  cr_assert_eq(cli(err, sizeof err, "-n", "2", NULL, NULL, NULL, NULL), 2);
  cr_assert_not_null(strstr(err, "missing -o"), "%s", err);
  cr_assert_eq(cli(err, sizeof err, "-o", out, NULL, NULL, NULL, NULL), 2);
  cr_assert_not_null(strstr(err, "missing -n"), "%s", err);
  cr_assert_eq(cli(err, sizeof err, "-n", "2", "-o", out, "--seed", "-3"), 2);
  cr_assert_eq(cli(err, sizeof err, "-n", "2", "-o", out, "--frobnicate", NULL), 2);
  cr_assert_not_null(strstr(err, "unknown option '--frobnicate'"), "%s", err);
  cr_assert_eq(cli(err, sizeof err, "-n", "2", "-o", out, "--geometry", "/nonexistent.json"), 1);
  cr_assert_eq(cli(err, sizeof err, "--help", NULL, NULL, NULL, NULL, NULL), 0);
  cr_assert_eq(cli(err, sizeof err, "-n", "3", "-o", out, "--pileup", "0"), 0);
  uint32_t n_events;
  cr_assert_eq(kst_mdf_count(out, &n_events).code, KST_OK);
  cr_assert_eq(n_events, 3u);
  /* the library refuses the same things with KST_ERR_INVALID */
  kst_sim_options o;
  kst_sim_options_default(&o);
  o.pileup = -1;
  kst_status s = kst_sim_options_check(&o);
  cr_assert_eq(s.code, KST_ERR_INVALID);
  cr_assert_not_null(strstr(s.msg, "pileup"), "%s", s.msg);
  kst_sim_options_default(&o);
  load_ideal();
  cr_assert_eq(kst_sim_generate_file(&o, &g_ideal, 0, out, NULL).code, KST_ERR_INVALID);
  remove(out);
  /* A full device fails the write, is named in the error and is not removed (the runs are as root). */
  struct stat sb;
  if (stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode)) {
    cr_assert_eq(cli(err, sizeof err, "-n", "20", "-o", "/dev/full", NULL, NULL), 1);
    cr_assert_not_null(strstr(err, "/dev/full"), "%s", err);
    cr_assert(stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode), "/dev/full is still a device");
  }
}
