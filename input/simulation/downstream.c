/* Downstream response: Runge-Kutta transport through the magnet, UT sectors and SciFi mats from LHCb's detector files,
 * scattering and bremsstrahlung in their material, clusters merged where they share strips, and the bank words the
 * real decoders read (UT version 3, SciFi version 5). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configuration/scifi_geometry.h"
#include "configuration/ut_geometry.h"
#include "device/decoding/scifi_cluster.h"
#include "input/simulation/internal.h"
#include "input/simulation/smath.h"

#define UPSTREAM_MATERIAL_Z 1700.0 /* mm: where RICH1 and the VELO exit window are lumped */
#define MAGNET_Z_BEGIN 2700.0      /* mm: the yoke's aperture stops what flies wider (LHCb: 300 x 250 mrad) */
#define MAGNET_Z_END 7700.0
#define APERTURE_TX 0.33
#define APERTURE_TY 0.27
#define SECONDARY_UT_Z_MIN 2000.0 /* mm: secondaries of the UT's own material and what is just before it */
#define UT_HOLE_RADIUS 33.0  /* mm: the beam pipe's cut-out in the sensors around it (the file's sectors are whole) */
#define MIN_MOMENTUM 100.0         /* MeV: below this nothing reaches the UT */
#define ELECTRON_PID 11
#define LN2 0.69314718055994531

/* Cluster widths: UT strips 1..4 and SciFi channels 1..12, shaped after the sample's words (docs/simulation.md). */
static const double ut_width_cdf[4] = {0.50, 0.885, 0.975, 1.0};
static const double ft_width_cdf[12] = {0.12, 0.45, 0.76, 0.90, 0.95, 0.975, 0.988, 0.995, 0.997, 0.998, 0.999, 1.0};

static uint32_t draw_width(kst_rng *r, const double *cdf, uint32_t n) {
  const double u = kst_rng_uniform(r);
  uint32_t w = 0;
  while (w + 1 < n && u >= cdf[w]) w++;
  return w + 1;
}

#define SIM_PUSH(arr, value, what)                                                                    \
  do {                                                                                               \
    if ((arr).n == (arr).cap) {                                                                      \
      uint32_t cap_ = (arr).cap ? 2 * (arr).cap : 4096;                                              \
      void *p_ = realloc((arr).a, cap_ * sizeof *(arr).a);                                           \
      if (!p_) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for %s", what);            \
      (arr).a = p_, (arr).cap = cap_;                                                                \
    }                                                                                                \
    (arr).a[(arr).n++] = (value);                                                                    \
  } while (0)

kst_status kst_sim_downstream_load(kst_sim_downstream *d, const char *dir) {
  if (!d || !dir) return kst_error(KST_ERR_INVALID, "kst_sim_downstream_load: NULL argument");
  char path[4096];
  const char *names[3] = {"ut_boards.bin", "ut_geometry.bin", "scifi_geometry.bin"};
  for (int k = 0; k < 3; k++) {
    if (snprintf(path, sizeof path, "%s/%s", dir, names[k]) >= (int)sizeof path)
      return kst_error(KST_ERR_INVALID, "detector folder name too long");
    kst_status st = k == 0 ? kst_ut_readout_load(&d->ut_readout, path)
                    : k == 1 ? kst_ut_geometry_load(&d->ut, path)
                             : kst_scifi_geometry_load(&d->scifi, path);
    KST_TRY(st);
  }
  return kst_ok();
}

/* Orders the n indices by their box's x_lo (insertion sort: a few hundred, once) and returns the widest box. */
static float order_by_x(uint16_t *idx, uint32_t n, const float (*box)[4]) {
  float widest = 0.0f;
  for (uint32_t i = 0; i < n; i++) {
    const uint16_t v = idx[i];
    uint32_t j = i;
    for (; j > 0 && box[idx[j - 1]][0] > box[v][0]; j--) idx[j] = idx[j - 1];
    idx[j] = v;
    widest = fmaxf(widest, box[v][1] - box[v][0]);
  }
  return widest;
}

/* The first of the n indices (ordered by box x_lo) whose box may hold x: x_lo >= x - widest. */
static uint32_t first_by_x(const uint16_t *idx, uint32_t n, const float (*box)[4], double x, float widest) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    if (box[idx[mid]][0] < x - widest) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* UT: the lane that reads each sector, the sectors of each layer and their mean z. */
static kst_status init_ut(sim_downstream *ds) {
  const kst_ut_readout *r = &ds->files.ut_readout;
  const kst_ut_geometry *g = &ds->files.ut;
  for (int s = 0; s < KST_UT_SECTORS; s++) ds->ut_lane[s] = 0xFFFFu;
  for (int l = 0; l < KST_UT_LANES; l++)
    if (r->sector[l] != KST_UT_NO_SECTOR) ds->ut_lane[r->sector[l]] = (uint16_t)l;
  double zsum[KST_UT_LAYERS] = {0};
  for (int s = 0; s < KST_UT_SECTORS; s++) {
    if (ds->ut_lane[s] == 0xFFFFu) return kst_error(KST_ERR_FORMAT, "UT sector %d is read by no lane", s);
    const uint32_t layer = r->layer[ds->ut_lane[s]];
    if (layer >= KST_UT_LAYERS || ds->ut_n[layer] == SIM_UT_MAX_LAYER_SECTORS)
      return kst_error(KST_ERR_FORMAT, "UT sector %d: layer %u out of range or too full", s, layer);
    ds->ut_sectors[layer][ds->ut_n[layer]++] = (uint16_t)s;
    zsum[layer] += g->p0_z[s];
  }
  for (int l = 0; l < KST_UT_LAYERS; l++) ds->ut_z[l] = ds->ut_n[l] ? zsum[l] / ds->ut_n[l] : 0.0;
  for (int s = 0; s < KST_UT_SECTORS; s++) {
    /* the corners of the strip area: strips -0.5 and 511.5, each from its y begin to its end */
    float *b = ds->ut_box[s];
    b[0] = b[2] = INFINITY, b[1] = b[3] = -INFINITY;
    for (int c = 0; c < 4; c++) {
      const double n = c & 1 ? KST_UT_STRIPS_PER_LANE - 0.5 : -0.5, y = g->p0_y[s] + n * g->dp0di_y[s] + (c & 2 ? g->dy[s] : 0.0);
      const double x = g->p0_x[s] + n * g->dp0di_x[s] + g->dxdy[s] * y;
      b[0] = fminf(b[0], (float)x - 1.0f), b[1] = fmaxf(b[1], (float)x + 1.0f);
      b[2] = fminf(b[2], (float)y - 1.0f), b[3] = fmaxf(b[3], (float)y + 1.0f);
    }
  }
  for (int l = 0; l < KST_UT_LAYERS; l++) ds->ut_width[l] = order_by_x(ds->ut_sectors[l], ds->ut_n[l], ds->ut_box);
  return kst_ok();
}

/* SciFi: the used mats of each layer, each layer's plane, and which bank and link read each SiPM. */
static kst_status init_scifi(sim_downstream *ds) {
  const kst_scifi_geometry *g = &ds->files.scifi;
  for (int l = 0; l < KST_SCIFI_LAYERS; l++) {
    for (int m0 = 0; m0 < 128; m0++) {
      const int m = (l / 4) * 512 + (l % 4) * 128 + m0;
      if (!(g->half_pitch[m] > 0.0f)) continue;
      if (ds->ft_n[l] == 0) {
        ds->ft_dzdy[l] = g->dzdy[m];
        const double ey = g->mirror_y[m] + g->u_begin[m] * g->ddx_y[m];
        ds->ft_z0[l] = g->mirror_z[m] + g->u_begin[m] * g->ddx_z[m] - g->dzdy[m] * ey;
      }
      if (ds->ft_n[l] == 96) return kst_error(KST_ERR_FORMAT, "SciFi layer %d has more than 96 mats", l);
      ds->ft_mats[l][ds->ft_n[l]++] = (uint16_t)m;
      float *b = ds->ft_box[m]; /* the fibres' ends at the mirror, at u from the first to past the last channel */
      b[0] = b[2] = INFINITY, b[1] = b[3] = -INFINITY;
      for (int c = 0; c < 4; c++) {
        const double u = g->u_begin[m] + (c & 1 ? 4.0 * g->sipm_pitch[m] + 2.0 : -2.0);
        const double y = g->mirror_y[m] + u * g->ddx_y[m] + (c & 2 ? g->global_dy[m] : 0.0);
        const double x = g->mirror_x[m] + u * g->ddx_x[m] + g->dxdy[m] * (y - g->mirror_y[m] - u * g->ddx_y[m]);
        b[0] = fminf(b[0], (float)x - 1.0f), b[1] = fmaxf(b[1], (float)x + 1.0f);
        b[2] = fminf(b[2], (float)y - 1.0f), b[3] = fmaxf(b[3], (float)y + 1.0f);
      }
      for (int k = 0; k < 4; k++) ds->ft_sipms[ds->n_ft_sipms++] = (uint16_t)(((m + 512) << 2) | k);
    }
  }
  for (int l = 0; l < KST_SCIFI_LAYERS; l++) ds->ft_width[l] = order_by_x(ds->ft_mats[l], ds->ft_n[l], ds->ft_box);
  /* banks in first-channel order; a bank reads the SiPMs from its first up to the next bank's */
  uint32_t order[KST_SCIFI_BANKS];
  for (uint32_t b = 0; b < KST_SCIFI_BANKS; b++) {
    if (g->first_channel[b] & 127u) return kst_error(KST_ERR_FORMAT, "SciFi bank %u does not start at a SiPM", b);
    uint32_t j = b;
    for (; j > 0 && g->first_channel[order[j - 1]] > g->first_channel[b]; j--) order[j] = order[j - 1];
    order[j] = b;
  }
  for (uint32_t k = 0; k < SIM_FT_SIPMS; k++) ds->ft_bank_link[k] = SIM_FT_NO_BANK;
  for (uint32_t k = 0; k < KST_SCIFI_BANKS; k++) {
    const uint32_t b = order[k], first = g->first_channel[b] >> 7;
    const uint32_t end = k + 1 < KST_SCIFI_BANKS ? g->first_channel[order[k + 1]] >> 7 : SIM_FT_SIPMS;
    for (uint32_t sipm = first; sipm < end && sipm < SIM_FT_SIPMS && sipm - first < 128; sipm++)
      ds->ft_bank_link[sipm] = (uint16_t)(b << 8 | (sipm - first));
  }
  for (uint32_t k = 0; k < ds->n_ft_sipms; k++)
    if (ds->ft_bank_link[ds->ft_sipms[k]] == SIM_FT_NO_BANK)
      return kst_error(KST_ERR_FORMAT, "SciFi SiPM %#x is read by no bank", ds->ft_sipms[k] << 7);
  return kst_ok();
}

kst_status kst_sim_downstream_init(kst_sim *s) {
  if (!s->o.downstream) return kst_ok();
  sim_downstream *ds = calloc(1, sizeof *ds);
  if (!ds) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for the downstream detector");
  s->ds = ds;
  ds->files = *s->o.downstream;
  kst_sim_field_init(&ds->field);
  KST_TRY(init_ut(ds));
  return init_scifi(ds);
}

void kst_sim_downstream_free(kst_sim *s) {
  if (!s->ds) return;
  free(s->ds->ut.a);
  free(s->ds->ft.a);
  free(s->ds->pairs.a);
  free(s->ds);
  s->ds = NULL;
}

void kst_sim_downstream_begin(kst_sim *s, uint64_t index) {
  if (!s->ds) return;
  kst_rng_seed(&s->ds->rng, s->o.seed ^ 0x646f776e73747265ull, index); /* "downstre" */
  s->ds->ut.n = s->ds->ft.n = s->ds->pairs.n = 0;
}

/* Scattering (and, for electrons, bremsstrahlung: the energy fraction kept is e^-G with G ~ Gamma(t / ln 2), the
 * Bethe-Heitler law) in x0 radiation lengths at normal incidence; returns 0 when the particle is lost. */
static int material(sim_downstream *ds, const sim_particle *p, kst_sim_state *st, double *mom, double x0) {
  if (!(x0 > 0.0)) return 1;
  const double n = sqrt(1.0 + st->tx * st->tx + st->ty * st->ty), t = x0 * n;
  const double m = p->sp->mass, beta = *mom / sqrt(*mom * *mom + m * m);
  double d[3] = {st->tx / n, st->ty / n, 1.0 / n};
  kst_sim_scatter(&ds->rng, d, kst_sim_highland(*mom, beta, t));
  if (!(d[2] > 0.05)) return 0;
  st->tx = d[0] / d[2], st->ty = d[1] / d[2];
  if (abs(p->pid) == ELECTRON_PID) *mom *= kst_sm_exp(-kst_rng_gamma(&ds->rng, t / LN2));
  return *mom >= MIN_MOMENTUM;
}

/* Sector crossings of one UT layer: every sector whose strips and y extent hold the track (overlaps give two). */
static kst_status ut_layer(kst_sim *s, uint32_t i, int layer, const kst_sim_state *st) {
  sim_downstream *ds = s->ds;
  const kst_ut_geometry *g = &ds->files.ut;
  const uint16_t *idx = ds->ut_sectors[layer];
  for (uint32_t k = first_by_x(idx, ds->ut_n[layer], ds->ut_box, st->x - 20.0, ds->ut_width[layer]); k < ds->ut_n[layer]; k++) {
    const int sec = idx[k];
    const float *b = ds->ut_box[sec];
    if (b[0] - 20.0 > st->x) break; /* every later box starts further right */
    if (st->x > b[1] + 20.0 || st->y < b[2] - 20.0 || st->y > b[3] + 20.0) continue;
    const double dz = g->p0_z[sec] - st->z, x = st->x + st->tx * dz, y = st->y + st->ty * dz;
    if (x * x + y * y < UT_HOLE_RADIUS * UT_HOLE_RADIUS) continue;
    const double n = (x - g->dxdy[sec] * y - g->p0_x[sec]) / g->dp0di_x[sec];
    if (!(n >= -0.5 && n < KST_UT_STRIPS_PER_LANE - 0.5)) continue;
    const double y0 = g->p0_y[sec] + n * g->dp0di_y[sec];
    if (!(y >= fmin(y0, y0 + g->dy[sec]) && y <= fmax(y0, y0 + g->dy[sec]))) continue;
    if (kst_rng_uniform(&ds->rng) >= s->o.ut_efficiency) continue;
    const double nm = n + s->o.ut_resolution * kst_rng_gauss(&ds->rng);
    const int w = (int)draw_width(&ds->rng, ut_width_cdf, 4);
    int q = (int)floor(4.0 * nm + 0.5), lo = (int)floor(nm - 0.5 * (w - 1) + 0.5);
    if (lo < 0) lo = 0;
    int hi = lo + w - 1;
    if (hi > KST_UT_STRIPS_PER_LANE - 1) hi = KST_UT_STRIPS_PER_LANE - 1, lo = hi - w + 1;
    if (q < 4 * lo) q = 4 * lo;
    if (q > 4 * hi + 3) q = 4 * hi + 3;
    const sim_dhit h = {ds->ut_lane[sec], (uint16_t)lo, (uint16_t)hi, (uint16_t)q, (int32_t)i};
    SIM_PUSH(ds->ut, h, "UT hits");
  }
  return kst_ok();
}

/* The mat of one SciFi layer the track crosses, and the channels its cluster lights. */
static kst_status ft_layer(kst_sim *s, uint32_t i, int layer, const kst_sim_state *st) {
  sim_downstream *ds = s->ds;
  const kst_scifi_geometry *g = &ds->files.scifi;
  /* the layer leans: z = z0 + dzdy y */
  const double dz = ds->ft_dzdy[layer] * st->y / (1.0 - ds->ft_dzdy[layer] * st->ty);
  const double x = st->x + st->tx * dz, y = st->y + st->ty * dz;
  const uint16_t *idx = ds->ft_mats[layer];
  for (uint32_t k = first_by_x(idx, ds->ft_n[layer], ds->ft_box, x, ds->ft_width[layer]); k < ds->ft_n[layer]; k++) {
    const int m = idx[k];
    const float *b = ds->ft_box[m];
    if (b[0] > x) break; /* every later box starts further right */
    if (x > b[1] || y < b[2] || y > b[3]) continue;
    const double den = g->ddx_x[m] - g->dxdy[m] * g->ddx_y[m];
    if (den == 0.0) continue;
    const double u = (x - g->dxdy[m] * y - g->mirror_x[m] + g->dxdy[m] * g->mirror_y[m]) / den;
    const double ey = g->mirror_y[m] + u * g->ddx_y[m], gdy = g->global_dy[m];
    if (!(y >= fmin(ey, ey + gdy) && y <= fmax(ey, ey + gdy))) continue;
    for (int sipm = 0; sipm < 4; sipm++)
      for (int die = 0; die < 2; die++) {
        const double c = (u - g->u_begin[m] - die * g->die_gap[m] - sipm * g->sipm_pitch[m]) / (2.0 * g->half_pitch[m]) - 0.5;
        if (!(c >= 64 * die - 0.5 && c < 64 * die + 63.5)) continue;
        if (kst_rng_uniform(&ds->rng) >= s->o.scifi_efficiency) return kst_ok();
        const double cm = c + s->o.scifi_resolution * kst_rng_gauss(&ds->rng);
        const int w = (int)draw_width(&ds->rng, ft_width_cdf, 12);
        int lo = (int)floor(cm - 0.5 * (w - 1) + 0.5);
        if (lo < 0) lo = 0;
        int hi = lo + w - 1;
        if (hi > 127) hi = 127, lo = hi - w + 1;
        const sim_dhit h = {(uint32_t)(((m + 512) << 2) | sipm), (uint16_t)lo, (uint16_t)hi, 0, (int32_t)i};
        SIM_PUSH(ds->ft, h, "SciFi hits");
        return kst_ok();
      }
  }
  return kst_ok();
}

/* Whether the state is inside the magnet's aperture (outside the yoke's z range everything is). */
static int in_aperture(const kst_sim_state *st) {
  if (st->z < MAGNET_Z_BEGIN || st->z > MAGNET_Z_END) return 1;
  return fabs(st->x) <= APERTURE_TX * st->z && fabs(st->y) <= APERTURE_TY * st->z;
}

/* Moves the state to z with checks: lost when it turns, leaves the aperture or cannot be followed in z. */
static int move_to(const sim_downstream *ds, double polarity, double qop, kst_sim_state *st, double z) {
  static const double checkpoints[] = {MAGNET_Z_BEGIN, 4000.0, 5000.0, 6000.0, 7000.0, MAGNET_Z_END};
  for (size_t k = 0; k < sizeof checkpoints / sizeof checkpoints[0]; k++) {
    if (checkpoints[k] <= st->z || checkpoints[k] >= z) continue;
    kst_sim_propagate(&ds->field, polarity, qop, st, checkpoints[k]);
    if (!(fabs(st->tx) < 2.0 && fabs(st->ty) < 2.0) || !in_aperture(st)) return 0;
  }
  kst_sim_propagate(&ds->field, polarity, qop, st, z);
  return fabs(st->tx) < 2.0 && fabs(st->ty) < 2.0 && in_aperture(st);
}

kst_status kst_sim_downstream_track(kst_sim *s, uint32_t i, const double o[3], const double d[3]) {
  sim_downstream *ds = s->ds;
  const sim_particle *p = &s->parts[i];
  double mom = kst_p4_p(&p->p4);
  if (!(mom >= MIN_MOMENTUM) || !(d[2] > 0.05)) return kst_ok();
  kst_sim_state st = {o[0], o[1], o[2], d[0] / d[2], d[1] / d[2]};
  const double charge = p->charge, pol = s->o.polarity;
  /* the stations in flight order: material before the UT, the four UT layers, the twelve SciFi layers */
  if (st.z < UPSTREAM_MATERIAL_Z) {
    if (!move_to(ds, pol, charge / mom, &st, UPSTREAM_MATERIAL_Z)) return kst_ok();
    if (!material(ds, &s->parts[i], &st, &mom, s->o.upstream_x0)) return kst_ok();
  }
  for (int l = 0; l < KST_UT_LAYERS; l++) {
    if (ds->ut_z[l] <= st.z) continue;
    if (!move_to(ds, pol, charge / mom, &st, ds->ut_z[l])) return kst_ok();
    KST_TRY(ut_layer(s, i, l, &st));
    if (!material(ds, &s->parts[i], &st, &mom, s->o.ut_x0)) return kst_ok();
  }
  for (int l = 0; l < KST_SCIFI_LAYERS; l++) {
    if (ds->ft_z0[l] <= st.z) continue;
    if (!move_to(ds, pol, charge / mom, &st, ds->ft_z0[l])) return kst_ok();
    KST_TRY(ft_layer(s, i, l, &st));
    if (!material(ds, &s->parts[i], &st, &mom, s->o.scifi_x0)) return kst_ok();
  }
  return kst_ok();
}

kst_status kst_sim_downstream_secondaries(kst_sim *s) {
  if (!s->ds) return kst_ok();
  sim_downstream *ds = s->ds;
  const uint32_t n = kst_rng_poisson(&ds->rng, s->o.secondaries_per_event);
  for (uint32_t k = 0; k < n; k++) {
    /* born on the path of a forward particle from the beam (2 < eta < 5), somewhere in the material downstream of the
     * VELO, flying off that path by a Gaussian angle; soft, pions and electrons alike */
    const double eta = 2.0 + 3.0 * kst_rng_uniform(&ds->rng), phi = 2.0 * KST_SM_PI * kst_rng_uniform(&ds->rng);
    const int at_ut = kst_rng_uniform(&ds->rng) < s->o.secondary_ut_fraction;
    const double z_lo = at_ut ? SECONDARY_UT_Z_MIN : s->o.secondary_z_min, z_hi = at_ut ? ds->ut_z[1] : s->o.secondary_z_max;
    const double z = z_lo + (z_hi - z_lo) * kst_rng_uniform(&ds->rng);
    double sn, cs;
    kst_sm_sincos(phi, &sn, &cs);
    const double t = 2.0 / (kst_sm_exp(eta) - kst_sm_exp(-eta)); /* tan theta = 1 / sinh eta */
    double d[3] = {t * cs, t * sn, 1.0};
    const double norm = sqrt(1.0 + t * t);
    for (int c = 0; c < 3; c++) d[c] /= norm;
    kst_sim_scatter(&ds->rng, d, s->o.secondary_angle);
    const double mom = MIN_MOMENTUM + s->o.secondary_mean_p * kst_rng_exponential(&ds->rng);
    const int32_t pid = (kst_rng_uniform(&ds->rng) < 0.5 ? KST_PID_PI : -KST_PID_E) * (kst_rng_uniform(&ds->rng) < 0.5 ? 1 : -1);
    const double m = kst_sim_species_of(pid)->mass;
    const kst_p4 v = {mom * d[0], mom * d[1], mom * d[2], sqrt(mom * mom + m * m)};
    const double origin[3] = {z * t * cs, z * t * sn, z};
    const int32_t i = kst_sim_push(s, pid, &v, origin, -1, 0);
    if (i < 0) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for secondaries");
    s->parts[i].at_pv = 0;
  }
  return kst_ok();
}

/* Noise and spill-over: single strips and channels anywhere, with no MC particle. */
static kst_status noise(kst_sim *s) {
  sim_downstream *ds = s->ds;
  const uint32_t n_ut = kst_rng_poisson(&ds->rng, s->o.ut_noise_per_event);
  for (uint32_t k = 0; k < n_ut; k++) {
    const uint32_t sec = kst_rng_below(&ds->rng, KST_UT_SECTORS), strip = kst_rng_below(&ds->rng, KST_UT_STRIPS_PER_LANE);
    const sim_dhit h = {ds->ut_lane[sec], (uint16_t)strip, (uint16_t)strip, (uint16_t)(4 * strip), -1};
    SIM_PUSH(ds->ut, h, "UT noise");
  }
  const uint32_t n_ft = kst_rng_poisson(&ds->rng, s->o.scifi_noise_per_event);
  for (uint32_t k = 0; k < n_ft; k++) {
    const uint32_t sipm = ds->ft_sipms[kst_rng_below(&ds->rng, ds->n_ft_sipms)];
    const uint32_t w = 1 + kst_rng_below(&ds->rng, 3), lo = kst_rng_below(&ds->rng, 128 - w + 1);
    const sim_dhit h = {sipm, (uint16_t)lo, (uint16_t)(lo + w - 1), 0, -1};
    SIM_PUSH(ds->ft, h, "SciFi noise");
  }
  return kst_ok();
}

/* (unit, lo, particle) order, noise (-1) after every particle: merging is then deterministic. */
static int dhit_before(const sim_dhit *x, const sim_dhit *y) {
  if (x->unit != y->unit) return x->unit < y->unit;
  if (x->lo != y->lo) return x->lo < y->lo;
  return (uint32_t)x->particle < (uint32_t)y->particle;
}

/* Merge sort (stable, no dependence on the C library's qsort). */
static kst_status sort_dhits(sim_dhit *a, uint32_t n) {
  if (n < 2) return kst_ok();
  sim_dhit *t = malloc(n * sizeof *t);
  if (!t) return kst_error(KST_ERR_NOMEM, "simulation: out of memory sorting clusters");
  for (uint32_t width = 1; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      uint32_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) t[k++] = dhit_before(&a[j], &a[i]) ? a[j++] : a[i++];
      while (i < mid) t[k++] = a[i++];
      while (j < hi) t[k++] = a[j++];
    }
    memcpy(a, t, n * sizeof *a);
  }
  free(t);
  return kst_ok();
}

static int pair_before(const sim_pair *x, const sim_pair *y) {
  return x->particle != y->particle ? x->particle < y->particle : x->id < y->id;
}

/* Gives each owner of a merged cluster (once) the cluster's LHCbID. */
static kst_status own(sim_downstream *ds, const sim_dhit *h, uint32_t from, uint32_t to, uint32_t id) {
  for (uint32_t k = from; k < to; k++) {
    if (h[k].particle < 0) continue;
    int seen = 0;
    for (uint32_t j = from; j < k && !seen; j++) seen = h[j].particle == h[k].particle;
    if (seen) continue;
    const sim_pair pr = {h[k].particle, id};
    SIM_PUSH(ds->pairs, pr, "MC ids");
  }
  return kst_ok();
}

/* The end of the merged cluster that starts at hit k: hits of one unit whose strips overlap or touch. */
static uint32_t merged_end(const sim_dhit *h, uint32_t n, uint32_t k, uint32_t *hi) {
  uint32_t e = k + 1;
  *hi = h[k].hi;
  while (e < n && h[e].unit == h[k].unit && h[e].lo <= *hi + 1) {
    if (h[e].hi > *hi) *hi = h[e].hi;
    e++;
  }
  return e;
}

static int owned(const sim_dhit *h, uint32_t from, uint32_t to) {
  for (uint32_t k = from; k < to; k++)
    if (h[k].particle >= 0) return 1;
  return 0;
}

/* UT clusters into hit words (board = lane row / 6) and their owners' LHCbIDs. */
static kst_status ut_words(kst_sim *s, kst_sim_event *ev) {
  sim_downstream *ds = s->ds;
  const sim_dhit *h = ds->ut.a;
  ev->ut_words = malloc((ds->ut.n ? ds->ut.n : 1) * sizeof *ev->ut_words);
  if (!ev->ut_words) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for UT words");
  for (uint32_t k = 0; k < ds->ut.n;) {
    uint32_t hi;
    const uint32_t e = merged_end(h, ds->ut.n, k, &hi), lo = h[k].lo, lane = h[k].unit;
    uint32_t qsum = 0;
    for (uint32_t j = k; j < e; j++) qsum += h[j].pos;
    const uint32_t q = (2 * qsum + (e - k)) / (2 * (e - k)); /* the contributions' mean, rounded */
    const uint32_t strip = q >> 2, width = hi - lo + 1;
    const uint32_t word = (q & 3u) | ((lane % KST_UT_LANES_PER_BOARD) * KST_UT_STRIPS_PER_LANE + strip) << 2 |
                          (width > 2 ? 1u << 14 : 0u);
    ev->ut_words[ev->n_ut_words++] = (kst_sim_word){(uint16_t)(lane / KST_UT_LANES_PER_BOARD), (uint16_t)word,
                                                    (uint8_t)(width < 255 ? width : 255)};
    ev->n_ut_noise += !owned(h, k, e);
    KST_TRY(own(ds, h, k, e, KST_UT_DETECTOR << 28 | (ds->files.ut_readout.chan_id[lane] + strip)));
    k = e;
  }
  return kst_ok();
}

/* A SciFi cluster of channels lo..hi as version-5 words: one word up to 4 channels, else the first and the last
 * 4-channel piece, both flagged (docs/downstream.md). Returns the number of words (1 or 2). */
static int ft_encode(uint32_t link, uint32_t lo, uint32_t hi, uint16_t out[2]) {
  const uint32_t base = link << 9;
  if (hi - lo + 1 <= 4) {
    out[0] = (uint16_t)(base | ((lo + hi) >> 1) << 2 | ((lo + hi) & 1u) << 1);
    return 1;
  }
  const uint32_t last = lo + 4 * ((hi - lo) / 4); /* the last piece starts here */
  out[0] = (uint16_t)(base | (lo + 1) << 2 | 1u << 1 | 1u);
  out[1] = (uint16_t)(base | ((last + hi) >> 1) << 2 | ((last + hi) & 1u) << 1 | 1u);
  return 2;
}

/* SciFi clusters into words and their owners' LHCbIDs, which are what the version-5 rule decodes from the words. */
static kst_status ft_words(kst_sim *s, kst_sim_event *ev) {
  sim_downstream *ds = s->ds;
  const sim_dhit *h = ds->ft.a;
  ev->ft_words = malloc((2 * (size_t)ds->ft.n + 1) * sizeof *ev->ft_words);
  if (!ev->ft_words) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for SciFi words");
  for (uint32_t k = 0; k < ds->ft.n;) {
    uint32_t hi;
    const uint32_t e = merged_end(h, ds->ft.n, k, &hi), bl = ds->ft_bank_link[h[k].unit];
    const uint32_t bank = bl >> 8, first = ds->files.scifi.first_channel[bank];
    uint16_t w[2];
    const int nw = ft_encode(bl & 0xFFu, h[k].lo, hi, w);
    uint8_t bytes[4] = {(uint8_t)w[0], (uint8_t)(w[0] >> 8), (uint8_t)w[1], (uint8_t)(w[1] >> 8)};
    kst_scifi_walk walk = {0, 0};
    kst_scifi_cluster c;
    const int owner = owned(h, k, e);
    while (kst_scifi_next_cluster(bytes, (uint32_t)nw, &walk, &c) == 1) {
      ev->n_ft_clusters++;
      ev->n_ft_noise += !owner;
      KST_TRY(own(ds, h, k, e, KST_SCIFI_DETECTOR << 28 | (first + (uint32_t)c.offset)));
    }
    for (int j = 0; j < nw; j++) ev->ft_words[ev->n_ft_words++] = (kst_sim_word){(uint16_t)bank, w[j], 0};
    k = e;
  }
  return kst_ok();
}

/* Words in (source, word) order, as the banks hold them: insertion sort per source after a counting pass. */
static kst_status sort_words(kst_sim_word *w, uint32_t n) {
  uint32_t start[257] = {0};
  for (uint32_t k = 0; k < n; k++) start[w[k].source + 1]++;
  for (int b = 0; b < 256; b++) start[b + 1] += start[b];
  kst_sim_word *t = malloc((n ? n : 1) * sizeof *t);
  if (!t) return kst_error(KST_ERR_NOMEM, "simulation: out of memory sorting words");
  uint32_t fill[256];
  memcpy(fill, start, sizeof fill);
  for (uint32_t k = 0; k < n; k++) t[fill[w[k].source]++] = w[k];
  for (int b = 0; b < 256; b++)
    for (uint32_t i = start[b] + 1; i < start[b + 1]; i++) {
      kst_sim_word x = t[i];
      uint32_t j = i;
      for (; j > start[b] && x.word < t[j - 1].word; j--) t[j] = t[j - 1];
      t[j] = x;
    }
  if (n) memcpy(w, t, n * sizeof *t);
  free(t);
  return kst_ok();
}

kst_status kst_sim_downstream_finish(kst_sim *s, kst_sim_event *ev) {
  for (uint32_t i = 0; i < s->n_parts; i++) s->parts[i].ut_first = s->parts[i].n_ut = s->parts[i].ft_first = s->parts[i].n_ft = 0;
  if (!s->ds) return kst_ok();
  sim_downstream *ds = s->ds;
  KST_TRY(noise(s));
  KST_TRY(sort_dhits(ds->ut.a, ds->ut.n));
  KST_TRY(sort_dhits(ds->ft.a, ds->ft.n));
  KST_TRY(ut_words(s, ev));
  KST_TRY(ft_words(s, ev));
  KST_TRY(sort_words(ev->ut_words, ev->n_ut_words));
  KST_TRY(sort_words(ev->ft_words, ev->n_ft_words));
  /* pairs by particle (a counting pass), then by id within each (insertion sort: a particle holds a few tens) */
  uint32_t *start = calloc(2 * ((size_t)s->n_parts + 1), sizeof *start), *fill = start + s->n_parts + 1;
  sim_pair *pr = malloc((ds->pairs.n ? ds->pairs.n : 1) * sizeof *pr);
  if (!start || !pr) return free(start), free(pr), kst_error(KST_ERR_NOMEM, "simulation: out of memory for MC ids");
  for (uint32_t k = 0; k < ds->pairs.n; k++) start[ds->pairs.a[k].particle + 1]++;
  for (uint32_t i = 0; i < s->n_parts; i++) start[i + 1] += start[i];
  memcpy(fill, start, (s->n_parts + 1) * sizeof *start);
  for (uint32_t k = 0; k < ds->pairs.n; k++) {
    const sim_pair x = ds->pairs.a[k];
    uint32_t j = fill[x.particle]++;
    for (; j > start[x.particle] && pair_before(&x, &pr[j - 1]); j--) pr[j] = pr[j - 1];
    pr[j] = x;
  }
  free(start);
  free(ds->pairs.a);
  ds->pairs.a = pr, ds->pairs.cap = ds->pairs.n ? ds->pairs.n : 1;
  for (uint32_t k = 0; k < ds->pairs.n; k++) {
    sim_particle *p = &s->parts[pr[k].particle];
    const int ut = pr[k].id >> 28 == KST_UT_DETECTOR;
    if (ut && !p->n_ut) p->ut_first = k;
    if (!ut && !p->n_ft) p->ft_first = k;
    if (ut) p->n_ut++;
    else p->n_ft++;
  }
  return kst_ok();
}
