/* Minimum bias: interactions per crossing, primary vertices, soft particles, strange and heavy
 * flavour production, and the decay of everything that decays. */
#include <math.h>
#include <stdlib.h>

#include "input/simulation/internal.h"
#include "input/simulation/smath.h"

#define C_MM_PER_PS 0.299792458
#define SQRT_S 14000.0     /* GeV: LHC Run 3 design energy */
#define M_PROTON_GEV 0.93827
#define DIFF_M_MIN 1.2     /* GeV: lightest diffractive system (p pi) */
#define DIFF_XI_MAX 0.05   /* largest M^2/s of a diffractive system */
#define DIFF_EPSILON 0.085 /* Pomeron intercept - 1: favours light diffractive systems */
#define HF_TSALLIS_N 6.0   /* heavy-flavour pT shape; the mean sets T */

/* A crossing's interaction: non-diffractive, or one/two diffractive systems in rapidity. */
typedef struct interaction {
  int diffractive;            /* 0 ND, 1 SD, 2 DD */
  double lo[2], hi[2];        /* eta span of each diffractive system */
} interaction;

/* mT - m from (1 + (mT - m)/(nT))^-n with the pT dpT = mT dmT Jacobian: a mixture of two
 * beta-prime laws (shapes 2 and 1) weighted nT/(n-2) : m, each sampled exactly. */
static double tsallis_pt(kst_rng *r, double n, double t, double m) {
  double nt = n * t, y;
  if (kst_rng_uniform(r) * (nt / (n - 2.0) + m) < nt / (n - 2.0)) {
    double u1 = kst_rng_uniform_pos(r), u2 = kst_rng_uniform_pos(r);
    double g2 = -kst_sm_log(u1 * u2); /* gamma(2) */
    y = nt * g2 / kst_rng_gamma(r, n - 2.0);
  } else {
    y = nt * (kst_sm_pow(kst_rng_uniform_pos(r), -1.0 / (n - 1.0)) - 1.0);
  }
  return sqrt(y * y + 2.0 * y * m);
}

double kst_sim_heavy_pt(kst_rng *r, double mean) {
  const double n = HF_TSALLIS_N, t = mean * (n - 3.0) / (2.0 * n);
  double u1 = kst_rng_uniform_pos(r), u2 = kst_rng_uniform_pos(r);
  double g2 = -kst_sm_log(u1 * u2); /* gamma(2) */
  return n * t * g2 / kst_rng_gamma(r, n - 2.0);
}

/* Accept-reject under the flat top: about a third of the tries pass with the default edge. */
double kst_sim_plateau_eta(kst_sim *s) {
  const double span = s->o.eta_edge + 12.0 * s->o.eta_width;
  for (;;) {
    double eta = span * (2.0 * kst_rng_uniform(&s->rng) - 1.0);
    double f = 1.0 / (1.0 + kst_sm_exp((fabs(eta) - s->o.eta_edge) / s->o.eta_width));
    if (kst_rng_uniform(&s->rng) < f) return eta;
  }
}

/* Where an interaction's particles go: the plateau, or inside a diffractive system (DD: the wider
 * system gets proportionally more). */
static double interaction_eta(kst_sim *s, const interaction *in) {
  if (!in->diffractive) return kst_sim_plateau_eta(s);
  int k = 0;
  if (in->diffractive == 2) {
    double w0 = in->hi[0] - in->lo[0], w1 = in->hi[1] - in->lo[1];
    k = kst_rng_uniform(&s->rng) * (w0 + w1) < w0 ? 0 : 1;
  }
  return in->lo[k] + (in->hi[k] - in->lo[k]) * kst_rng_uniform(&s->rng);
}

/* A diffractive system on one side: dM^2 / M^(2(1+eps)) (the Pomeron flux), spanning ln(M^2/m_p^2) in
 * eta down from the beam rapidity; returns its mean charged multiplicity. */
static double diffractive_system(kst_sim *s, int side, double *lo, double *hi) {
  double a = 2.0 * kst_sm_log(DIFF_M_MIN), b = kst_sm_log(DIFF_XI_MAX * SQRT_S * SQRT_S);
  /* t = ln M^2 follows exp(-eps t) on [a, b]: inverse CDF */
  double u = kst_rng_uniform(&s->rng);
  double lnm2 = a - kst_sm_log(1.0 - u * (1.0 - kst_sm_exp(-DIFF_EPSILON * (b - a)))) / DIFF_EPSILON;
  double y_beam = kst_sm_log(SQRT_S / M_PROTON_GEV);
  double width = lnm2 - 2.0 * kst_sm_log(M_PROTON_GEV);
  if (width < 0.2) width = 0.2;
  double top = side ? y_beam : -y_beam + width;
  *hi = top, *lo = top - width;
  return s->o.diff_density * width;
}

static int32_t prompt_species(kst_sim *s) {
  static const int32_t pids[5] = {KST_PID_PI, KST_PID_K, KST_PID_P, KST_PID_E, KST_PID_MU};
  double u = kst_rng_uniform(&s->rng);
  int k = 0;
  while (k < 4 && u >= s->species_cdf[k]) k++;
  return pids[k];
}

static kst_status push_at_pv(kst_sim *s, int32_t pid, double pt, double eta, uint32_t pv) {
  const kst_sim_species *sp = kst_sim_species_of(pid);
  kst_p4 v = kst_p4_from_pt_eta_phi(pt, eta, 2.0 * KST_SM_PI * kst_rng_uniform(&s->rng), sp->mass);
  const double o[3] = {s->pvs[pv].x, s->pvs[pv].y, s->pvs[pv].z};
  if (kst_sim_push(s, pid, &v, o, -1, (int32_t)pv) < 0)
    return kst_error(KST_ERR_NOMEM, "simulation: out of memory for particles");
  return kst_ok();
}

/* One heavy hadron of a q qbar pair: species from the fragmentation fractions. */
static kst_status heavy_hadron(kst_sim *s, uint32_t pv, int beauty, int anti) {
  static const int32_t charm[3] = {KST_PID_D0, KST_PID_D, KST_PID_DS};
  static const int32_t bottom[3] = {KST_PID_B0, KST_PID_BP, KST_PID_BS};
  static const double charm_cdf[2] = {0.64, 0.90}, bottom_cdf[2] = {0.445, 0.89};
  const double *cdf = beauty ? bottom_cdf : charm_cdf;
  double u = kst_rng_uniform(&s->rng);
  int k = u < cdf[0] ? 0 : u < cdf[1] ? 1 : 2;
  /* c makes D0, D+, Ds+; b makes B0bar, B-, Bs0bar (the hadron ids carry the antiquark's sign) */
  int32_t pid = beauty ? (anti ? bottom[k] : -bottom[k]) : (anti ? -charm[k] : charm[k]);
  double pt = kst_sim_heavy_pt(&s->rng, beauty ? s->o.beauty_mean_pt : s->o.charm_mean_pt);
  double eta = kst_sim_plateau_eta(s);
  return push_at_pv(s, pid, pt, eta, pv);
}

/* The particles of one interaction at PV pv. */
static kst_status interaction_particles(kst_sim *s, uint32_t pv) {
  kst_rng *r = &s->rng;
  interaction in = {0, {0, 0}, {0, 0}};
  double u = kst_rng_uniform(r), mean;
  uint32_t n_ch;
  if (u < s->o.frac_sd + s->o.frac_dd) {
    in.diffractive = u < s->o.frac_sd ? 1 : 2;
    int side = kst_rng_uniform(r) < 0.5;
    mean = diffractive_system(s, side, &in.lo[0], &in.hi[0]);
    if (in.diffractive == 2) mean += diffractive_system(s, !side, &in.lo[1], &in.hi[1]);
    /* each dissociated proton leaves at least one charged particle (baryon number and charge) */
    n_ch = kst_rng_poisson(r, mean);
    if (n_ch < (uint32_t)in.diffractive) n_ch = (uint32_t)in.diffractive;
  } else {
    double w = s->o.eta_width;
    mean = 2.0 * s->o.dndeta * w * kst_sm_log(1.0 + kst_sm_exp(s->o.eta_edge / w));
    n_ch = kst_rng_negbin(r, mean, s->o.nbd_k);
  }
  /* every draw is its own statement: C leaves the order of a call's arguments open, and compilers
   * differ, which would change the random stream */
  for (uint32_t i = 0; i < n_ch; i++) {
    int32_t pid = prompt_species(s);
    const kst_sim_species *sp = kst_sim_species_of(pid);
    if (kst_rng_uniform(r) < 0.5) pid = -pid;
    double pt = tsallis_pt(r, s->o.tsallis_n, s->o.tsallis_t, sp->mass);
    double eta = interaction_eta(s, &in);
    KST_TRY(push_at_pv(s, pid, pt, eta, pv));
  }
  /* strange hadrons scale with the charged multiplicity of the interaction */
  uint32_t n_k0s = kst_rng_poisson(r, n_ch * s->o.k0s_per_eta / s->o.dndeta);
  uint32_t n_lam = kst_rng_poisson(r, n_ch * s->o.lambda_per_eta / s->o.dndeta);
  const kst_sim_species *k0s = kst_sim_species_of(KST_PID_K0S), *lam = kst_sim_species_of(KST_PID_LAMBDA);
  for (uint32_t i = 0; i < n_k0s; i++) {
    double pt = tsallis_pt(r, s->o.tsallis_n, s->o.tsallis_t, k0s->mass);
    double eta = interaction_eta(s, &in);
    KST_TRY(push_at_pv(s, KST_PID_K0S, pt, eta, pv));
  }
  for (uint32_t i = 0; i < n_lam; i++) {
    int32_t pid = kst_rng_uniform(r) < 0.5 ? KST_PID_LAMBDA : -KST_PID_LAMBDA;
    double pt = tsallis_pt(r, s->o.tsallis_n, s->o.tsallis_t, lam->mass);
    double eta = interaction_eta(s, &in);
    KST_TRY(push_at_pv(s, pid, pt, eta, pv));
  }
  if (!in.diffractive) {
    if (kst_rng_uniform(r) < s->o.charm_fraction)
      for (int anti = 0; anti < 2; anti++) KST_TRY(heavy_hadron(s, pv, 0, anti));
    if (kst_rng_uniform(r) < s->o.beauty_fraction)
      for (int anti = 0; anti < 2; anti++) KST_TRY(heavy_hadron(s, pv, 1, anti));
  }
  return kst_ok();
}

/* Poisson number of interactions, at least one (a crossing with none makes no event). */
static uint32_t n_interactions(kst_sim *s) {
  double nu = s->o.pileup;
  if (nu <= 1e-9) return 1;
  double p0 = kst_sm_exp(-nu);
  double u = p0 + (1.0 - p0) * kst_rng_uniform(&s->rng); /* inverse CDF above the zero bin */
  double term = p0, cdf = p0;
  uint32_t k = 0;
  while (u >= cdf && k < 100000) {
    k++;
    term *= nu / k;
    cdf += term;
    if (term < 1e-300) break;
  }
  return k ? k : 1;
}

kst_status kst_sim_make_interactions(kst_sim *s) {
  uint32_t n = n_interactions(s);
  if (n > s->cap_pvs) {
    sim_pv *p = realloc(s->pvs, n * sizeof *p);
    if (!p) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for %u vertices", n);
    s->pvs = p, s->cap_pvs = n;
  }
  s->n_pvs = n;
  for (uint32_t i = 0; i < n; i++) {
    s->pvs[i].x = s->o.beam_x + s->o.sigma_xy * kst_rng_gauss(&s->rng);
    s->pvs[i].y = s->o.beam_y + s->o.sigma_xy * kst_rng_gauss(&s->rng);
    s->pvs[i].z = s->o.beam_z + s->o.sigma_z * kst_rng_gauss(&s->rng);
    s->pvs[i].n_tracks = 0;
  }
  KST_TRY(kst_sim_make_signal(s));
  for (uint32_t i = 0; i < n; i++) KST_TRY(interaction_particles(s, i));
  return kst_ok();
}

/* A decay channel drawn by the branching-fraction weights. */
static const kst_sim_channel *pick_channel(kst_sim *s, const sim_particle *p) {
  const kst_sim_species *sp = p->sp;
  double total = 0.0;
  for (int i = 0; i < sp->n_channels; i++) total += sp->channels[i].weight;
  double u = kst_rng_uniform(&s->rng) * total;
  for (int i = 0; i < sp->n_channels; i++) {
    if (u < sp->channels[i].weight) return &sp->channels[i];
    u -= sp->channels[i].weight;
  }
  return &sp->channels[sp->n_channels - 1];
}

/* Decays particle i at the end of an exponential proper time; daughters go to the list's end. */
static kst_status decay_one(kst_sim *s, uint32_t i) {
  sim_particle *p = &s->parts[i];
  p->decayed = 1;
  double mom = kst_p4_p(&p->p4), m = p->sp->mass, length = 0.0;
  if (p->sp->ctau > 0.0) {
    double ct = p->sp->ctau * kst_rng_exponential(&s->rng); /* c x proper time, mm */
    p->tau_ps = ct / C_MM_PER_PS;
    length = mom / m * ct;
  }
  for (int k = 0; k < 3; k++) p->end[k] = p->origin[k];
  if (mom > 0.0) {
    p->end[0] += length * p->p4.px / mom;
    p->end[1] += length * p->p4.py / mom;
    p->end[2] += length * p->p4.pz / mom;
  }
  const kst_sim_channel *ch = p->signal ? kst_sim_signal_channel(p->pid) : NULL;
  if (!ch) ch = pick_channel(s, p);
  int32_t d[KST_SIM_MAX_DAUGHTERS];
  double masses[KST_SIM_MAX_DAUGHTERS];
  for (int k = 0; k < ch->n; k++) {
    d[k] = p->pid < 0 ? kst_sim_conjugate(ch->daughters[k]) : ch->daughters[k];
    masses[k] = kst_sim_species_of(d[k])->mass;
  }
  kst_p4 out[KST_SIM_MAX_DAUGHTERS];
  kst_p4 parent = p->p4;
  if (!kst_phase_space_decay(&s->rng, &parent, ch->n, masses, out))
    return kst_error(KST_ERR_INVALID, "simulation: %s cannot decay to its channel", p->sp->name);
  double end[3] = {p->end[0], p->end[1], p->end[2]};
  int32_t pv = p->pv;
  uint8_t at_pv = (uint8_t)(p->at_pv && length == 0.0), sig = p->signal;
  for (int k = 0; k < ch->n; k++) {
    int32_t j = kst_sim_push(s, d[k], &out[k], end, (int32_t)i, pv); /* may move s->parts */
    if (j < 0) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for particles");
    s->parts[j].at_pv = at_pv;
    s->parts[j].signal = sig;
  }
  return kst_ok();
}

kst_status kst_sim_decay_all(kst_sim *s, uint32_t from) {
  for (uint32_t i = from; i < s->n_parts; i++) {
    const sim_particle *p = &s->parts[i];
    if (p->sp->fate == KST_FATE_DECAYS && !p->decayed) KST_TRY(decay_one(s, i));
  }
  return kst_ok();
}
