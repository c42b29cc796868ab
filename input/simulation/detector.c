/* VELO response: straight lines through the sensor planes, multiple scattering per module crossed,
 * hit efficiency, cluster resolution and retina quantisation, noise clusters. */
#include <math.h>

#include "input/simulation/internal.h"
#include "input/simulation/smath.h"
#include "input/velopix_convert.h"

#define PLANE_MARGIN 1.5 /* mm in z around a module's centre that its sensor planes can occupy */

static void cross(const double a[3], const double b[3], double out[3]) {
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

static void normalise(double v[3]) {
  double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  if (n > 0.0) v[0] /= n, v[1] /= n, v[2] /= n;
}

void kst_sim_detector_init(kst_sim *s) {
  const kst_velo_geometry *g = &s->g;
  const int last = KST_VELO_COLUMNS - 1;
  /* the physical pixel edges, the same bounds kst_velopix_encode_hit accepts */
  s->x_lo = (double)g->local_x[0] - 0.5 * g->x_pitch[0];
  s->x_hi = (double)g->local_x[last] + 0.5 * g->x_pitch[last];
  s->y_hi = (double)KST_VELO_ROWS * g->pixel_size;
  s->r_max = 0.0;
  for (int k = 0; k < KST_VELO_SENSORS; k++) {
    const float *m = g->transform[k];
    sim_plane *pl = &s->planes[k];
    for (int i = 0; i < 12; i++) pl->fwd[i] = m[i], pl->inv[i] = g->inverse[k][i];
    /* the normal from the two in-plane axes, so a slightly skewed rotation from a file still works */
    const double c0[3] = {m[0], m[3], m[6]}, c1[3] = {m[1], m[4], m[7]};
    cross(c0, c1, pl->normal);
    normalise(pl->normal);
    pl->point[0] = m[9], pl->point[1] = m[10], pl->point[2] = m[11];
    for (int c = 0; c < 4; c++) {
      double lx = c & 1 ? s->x_hi : s->x_lo, ly = c & 2 ? s->y_hi : 0.0;
      double x = pl->fwd[0] * lx + pl->fwd[1] * ly + pl->fwd[9];
      double y = pl->fwd[3] * lx + pl->fwd[4] * ly + pl->fwd[10];
      double r = sqrt(x * x + y * y);
      if (r > s->r_max) s->r_max = r;
    }
  }
  s->r_max += 1.0;
  /* the beam hole: the closest approach of any sensor's active area to the beam line */
  s->r_min = INFINITY;
  for (int k = 0; k < KST_VELO_SENSORS; k++) {
    const double *v = s->planes[k].inv, z = s->planes[k].point[2];
    double lx = v[2] * z + v[9], ly = v[5] * z + v[10];
    double dx = fmax(fmax(s->x_lo - lx, lx - s->x_hi), 0.0), dy = fmax(fmax(-ly, ly - s->y_hi), 0.0);
    double r = sqrt(dx * dx + dy * dy);
    if (r < s->r_min) s->r_min = r;
  }
  s->r_min = s->r_min > 0.5 ? s->r_min - 0.5 : 0.0;
  for (int m = 0; m < KST_VELO_MODULES; m++) s->module_order[m] = m;
  for (int i = 1; i < KST_VELO_MODULES; i++) /* insertion sort: stable, and 52 entries */
    for (int j = i; j > 0 && g->module_z[s->module_order[j]] < g->module_z[s->module_order[j - 1]]; j--) {
      int t = s->module_order[j];
      s->module_order[j] = s->module_order[j - 1];
      s->module_order[j - 1] = t;
    }
}

/* Two Gaussian angles about axes perpendicular to d. */
void kst_sim_scatter(kst_rng *r, double d[3], double theta0) {
  double u[3], v[3];
  if (fabs(d[2]) < 0.9) u[0] = d[1], u[1] = -d[0], u[2] = 0.0;
  else u[0] = 0.0, u[1] = d[2], u[2] = -d[1];
  normalise(u);
  cross(d, u, v);
  double a = theta0 * kst_rng_gauss(r), b = theta0 * kst_rng_gauss(r);
  for (int k = 0; k < 3; k++) d[k] += a * u[k] + b * v[k];
  normalise(d);
}

/* Highland (PDG): theta0 = 13.6 MeV / (beta p) sqrt(x) (1 + 0.038 ln(x / beta^2)), unit charge. */
double kst_sim_highland(double p, double beta, double x) {
  if (!(x > 0.0) || !(p > 0.0)) return 0.0;
  return 13.6 / (beta * p) * sqrt(x) * (1.0 + 0.038 * kst_sm_log(x / (beta * beta)));
}

/* One sensor crossing: efficiency, resolution smearing in the sensor plane, retina quantisation. */
static kst_status record_hit(kst_sim *s, uint32_t i, int module, int sensor, double lx, double ly) {
  if (kst_rng_uniform(&s->rng) >= s->o.hit_efficiency) return kst_ok();
  if (s->o.hit_resolution > 0.0) {
    lx += s->o.hit_resolution * kst_rng_gauss(&s->rng);
    ly += s->o.hit_resolution * kst_rng_gauss(&s->rng);
  }
  const double *f = s->planes[sensor].fwd;
  const float pt[3] = {(float)(f[0] * lx + f[1] * ly + f[9]), (float)(f[3] * lx + f[4] * ly + f[10]),
                       (float)(f[6] * lx + f[7] * ly + f[11])};
  kst_velopix_cluster c;
  if (!kst_velopix_encode_hit(&s->g, module, pt, &c)) return kst_ok(); /* smeared off the sensor */
  const sim_particle *p = &s->parts[i];
  for (uint32_t k = p->hit_first; k < s->n_hits; k++) /* overlapping sensors may give the same cluster */
    if (s->hits[k].lhcbid == c.lhcbid) return kst_ok();
  sim_hit h = {(uint16_t)c.sensor, c.word, c.lhcbid, (int32_t)i};
  if (!kst_sim_push_hit(s, &h)) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for hits");
  return kst_ok();
}

/* Follows particle i from its origin to its decay (or out of the VELO), module by module. */
static kst_status track(kst_sim *s, uint32_t i) {
  sim_particle *p = &s->parts[i];
  p->hit_first = s->n_hits;
  p->n_hits = 0;
  double mom = kst_p4_p(&p->p4);
  if (!(mom > 0.0)) return kst_ok();
  double o[3] = {p->origin[0], p->origin[1], p->origin[2]};
  double d[3] = {p->p4.px / mom, p->p4.py / mom, p->p4.pz / mom};
  if (fabs(d[2]) < 1e-6) return kst_ok();
  const int stable = p->sp->fate == KST_FATE_TRACKED;
  const double beta = mom / p->p4.e;
  const double dir = d[2] > 0.0 ? 1.0 : -1.0;
  double t_end = INFINITY; /* path length from o to the decay */
  if (!stable) {
    double dx = p->end[0] - o[0], dy = p->end[1] - o[1], dz = p->end[2] - o[2];
    t_end = sqrt(dx * dx + dy * dy + dz * dz);
  }
  const double z_end = stable ? dir * INFINITY : p->end[2];
  /* the sensor planes sit up to PLANE_MARGIN from the module centre, where r is tested */
  const double slack = PLANE_MARGIN * sqrt(d[0] * d[0] + d[1] * d[1]) / fabs(d[2]) + 0.1;
  for (int k = 0; k < KST_VELO_MODULES; k++) {
    int m = s->module_order[dir > 0.0 ? k : KST_VELO_MODULES - 1 - k];
    double zm = s->g.module_z[m];
    if ((zm - o[2]) * dir < -PLANE_MARGIN) continue;
    if ((zm - z_end) * dir > PLANE_MARGIN) break;
    double tm = (zm - o[2]) / d[2];
    double x = o[0] + tm * d[0], y = o[1] + tm * d[1], r = sqrt(x * x + y * y);
    if (r > s->r_max + slack) {
      if (x * d[0] + y * d[1] > 0.0) break; /* moving away from the beam: no later module either */
      continue;
    }
    if (r < s->r_min - slack) continue; /* through the beam hole */
    int crossed = 0;
    double at[3] = {0, 0, 0};
    for (int q = 0; q < KST_VELO_SENSORS_PER_MODULE; q++) {
      int sensor = m * KST_VELO_SENSORS_PER_MODULE + q;
      const sim_plane *pl = &s->planes[sensor];
      double den = pl->normal[0] * d[0] + pl->normal[1] * d[1] + pl->normal[2] * d[2];
      if (fabs(den) < 1e-12) continue;
      double ts = (pl->normal[0] * (pl->point[0] - o[0]) + pl->normal[1] * (pl->point[1] - o[1]) +
                   pl->normal[2] * (pl->point[2] - o[2])) / den;
      if (ts <= 0.0 || ts > t_end) continue;
      double X[3] = {o[0] + ts * d[0], o[1] + ts * d[1], o[2] + ts * d[2]};
      const double *v = pl->inv;
      double lx = v[0] * X[0] + v[1] * X[1] + v[2] * X[2] + v[9];
      double ly = v[3] * X[0] + v[4] * X[1] + v[5] * X[2] + v[10];
      if (lx < s->x_lo || lx >= s->x_hi || ly < 0.0 || ly >= s->y_hi) continue;
      crossed = 1;
      at[0] = X[0], at[1] = X[1], at[2] = X[2];
      KST_TRY(record_hit(s, i, m, sensor, lx, ly));
    }
    if (crossed && stable && s->o.material_x0 > 0.0) {
      /* scatter once per module, at its last crossing: the line restarts there */
      double theta0 = kst_sim_highland(mom, beta, s->o.material_x0 / fabs(d[2]));
      kst_sim_scatter(&s->rng, d, theta0);
      o[0] = at[0], o[1] = at[1], o[2] = at[2];
      if (dir * d[2] <= 1e-6) break; /* scattered sideways or back: leave it there */
    }
  }
  p = &s->parts[i];
  p->n_hits = s->n_hits - p->hit_first;
  /* what leaves the VELO forward goes on downstream from its last scattering point */
  if (s->ds && stable && dir > 0.0 && d[2] > 0.0) return kst_sim_downstream_track(s, i, o, d);
  return kst_ok();
}

kst_status kst_sim_track_all(kst_sim *s) {
  KST_TRY(kst_sim_downstream_secondaries(s));
  for (uint32_t i = 0; i < s->n_parts; i++) {
    const sim_particle *p = &s->parts[i];
    s->parts[i].hit_first = s->n_hits;
    s->parts[i].n_hits = 0;
    if (p->charge == 0.0 || p->sp->fate == KST_FATE_INVISIBLE) continue;
    KST_TRY(track(s, i));
  }
  /* noise: single pixels anywhere (pixel centre: both fractions 0), no MC particle */
  uint32_t n_noise = kst_rng_poisson(&s->rng, s->o.noise_per_event);
  for (uint32_t k = 0; k < n_noise; k++) {
    int sensor = (int)kst_rng_below(&s->rng, KST_VELO_SENSORS);
    int cx = (int)kst_rng_below(&s->rng, KST_VELO_COLUMNS), cy = (int)kst_rng_below(&s->rng, KST_VELO_ROWS);
    uint32_t word = kst_retina_word(cx, 0, cy, 0);
    sim_hit h = {(uint16_t)sensor, word, kst_retina_lhcbid(sensor, word), -1};
    if (!kst_sim_push_hit(s, &h)) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for noise");
  }
  return kst_ok();
}
