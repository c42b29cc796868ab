/* Phase-space decays: isotropic two-body; three-body by accept-reject on the m12 weight p*(M) p*(m12),
 * which is flat over the Dalitz plot (no matrix elements, spins or V-A: those only reshape spectra). */
#include "input/simulation/kinematics.h"

#include <math.h>

#include "input/simulation/smath.h"

kst_p4 kst_p4_from_pt_eta_phi(double pt, double eta, double phi, double m) {
  double s, c, ee = kst_sm_exp(eta);
  kst_sm_sincos(phi, &s, &c);
  kst_p4 v = {pt * c, pt * s, pt * 0.5 * (ee - 1.0 / ee), 0.0};
  v.e = sqrt(v.px * v.px + v.py * v.py + v.pz * v.pz + m * m);
  return v;
}

double kst_p4_p(const kst_p4 *v) { return sqrt(v->px * v->px + v->py * v->py + v->pz * v->pz); }

double kst_p4_pt(const kst_p4 *v) { return sqrt(v->px * v->px + v->py * v->py); }

kst_p4 kst_p4_boost(const kst_p4 *v, const kst_p4 *f) {
  double bx = f->px / f->e, by = f->py / f->e, bz = f->pz / f->e;
  double b2 = bx * bx + by * by + bz * bz;
  if (b2 <= 0.0) return *v;
  double gamma = 1.0 / sqrt(1.0 - b2);
  double bp = bx * v->px + by * v->py + bz * v->pz;
  double g2 = (gamma - 1.0) / b2;
  kst_p4 o;
  o.px = v->px + g2 * bp * bx + gamma * bx * v->e;
  o.py = v->py + g2 * bp * by + gamma * by * v->e;
  o.pz = v->pz + g2 * bp * bz + gamma * bz * v->e;
  o.e = gamma * (v->e + bp);
  return o;
}

double kst_two_body_p(double M, double m1, double m2) {
  double a = M * M - (m1 + m2) * (m1 + m2), b = M * M - (m1 - m2) * (m1 - m2);
  if (a <= 0.0) return 0.0;
  return sqrt(a * b) / (2.0 * M);
}

/* Two daughters back to back in a random direction, at rest-frame momentum p. */
static void isotropic_pair(kst_rng *r, double p, double m1, double m2, kst_p4 *d1, kst_p4 *d2) {
  double cost = 2.0 * kst_rng_uniform(r) - 1.0, sint = sqrt(1.0 - cost * cost);
  double s, c;
  kst_sm_sincos(2.0 * KST_SM_PI * kst_rng_uniform(r), &s, &c);
  double px = p * sint * c, py = p * sint * s, pz = p * cost;
  *d1 = (kst_p4){px, py, pz, sqrt(p * p + m1 * m1)};
  *d2 = (kst_p4){-px, -py, -pz, sqrt(p * p + m2 * m2)};
}

int kst_phase_space_decay(kst_rng *r, const kst_p4 *parent, int n, const double *m, kst_p4 *out) {
  double M2 = parent->e * parent->e - parent->px * parent->px - parent->py * parent->py - parent->pz * parent->pz;
  double M = M2 > 0.0 ? sqrt(M2) : 0.0;
  if (n == 2) {
    if (M < m[0] + m[1]) return 0;
    kst_p4 a, b;
    isotropic_pair(r, kst_two_body_p(M, m[0], m[1]), m[0], m[1], &a, &b);
    out[0] = kst_p4_boost(&a, parent);
    out[1] = kst_p4_boost(&b, parent);
    return 1;
  }
  if (n != 3 || M <= m[0] + m[1] + m[2]) return 0;
  double lo = m[0] + m[1], hi = M - m[2];
  /* both factors peak at opposite ends, so their product is bounded by the product of the maxima */
  double wmax = kst_two_body_p(M, lo, m[2]) * kst_two_body_p(hi, m[0], m[1]);
  double m12, w;
  int tries = 0;
  do {
    m12 = lo + (hi - lo) * kst_rng_uniform(r);
    w = kst_two_body_p(M, m12, m[2]) * kst_two_body_p(m12, m[0], m[1]);
  } while (kst_rng_uniform(r) * wmax > w && ++tries < 100000);
  kst_p4 s12, d3, d1, d2;
  isotropic_pair(r, kst_two_body_p(M, m12, m[2]), m12, m[2], &s12, &d3);
  isotropic_pair(r, kst_two_body_p(m12, m[0], m[1]), m[0], m[1], &d1, &d2);
  kst_p4 a = kst_p4_boost(&d1, &s12), b = kst_p4_boost(&d2, &s12);
  out[0] = kst_p4_boost(&a, parent);
  out[1] = kst_p4_boost(&b, parent);
  out[2] = kst_p4_boost(&d3, parent);
  return 1;
}
