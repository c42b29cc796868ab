/* Signal decays (--signal): one forced decay chain per event in the first interaction, regenerated
 * until its charged daughters are inside LHCb's 10-400 mrad (as LHCb's DaughtersInLHCb cut). */
#include <string.h>

#include "input/simulation/internal.h"
#include "input/simulation/smath.h"

#define MAX_ATTEMPTS 10000
#define TAN_THETA_MIN 0.0100003333 /* tan(10 mrad) */
#define TAN_THETA_MAX 0.4227932187 /* tan(400 mrad) */

typedef struct signal_def {
  const char *name;
  int32_t pid;
  int beauty;
} signal_def;

static const signal_def signals[KST_SIM_SIGNAL_COUNT] = {
    {"none", 0, 0},
    {"B0->K+pi-", KST_PID_B0, 1},
    {"Bs->phi(K+K-)phi(K+K-)", KST_PID_BS, 1},
    {"D0->K-pi+", KST_PID_D0, 0},
    {"B+->J/psi(mu+mu-)K+", KST_PID_BP, 1},
    {"D+->K-pi+pi+", KST_PID_D, 0},
    {"Lambda_b0->pK-", KST_PID_LAMBDA_B, 1},
};

/* The forced decays; each pid appears in one signal chain only, so one table serves all. */
typedef struct forced_decay {
  int32_t pid;
  kst_sim_channel ch;
} forced_decay;

static const forced_decay forced[] = {
    {KST_PID_B0, {1, 2, {KST_PID_K, -KST_PID_PI}}},
    {KST_PID_BS, {1, 2, {KST_PID_PHI, KST_PID_PHI}}},
    {KST_PID_PHI, {1, 2, {KST_PID_K, -KST_PID_K}}},
    {KST_PID_D0, {1, 2, {-KST_PID_K, KST_PID_PI}}},
    {KST_PID_BP, {1, 2, {KST_PID_JPSI, KST_PID_K}}},
    {KST_PID_JPSI, {1, 2, {-KST_PID_MU, KST_PID_MU}}},
    {KST_PID_D, {1, 3, {-KST_PID_K, KST_PID_PI, KST_PID_PI}}},
    {KST_PID_LAMBDA_B, {1, 2, {KST_PID_P, -KST_PID_K}}},
};

const kst_sim_channel *kst_sim_signal_channel(int32_t pid) {
  for (size_t i = 0; i < sizeof forced / sizeof forced[0]; i++)
    if (forced[i].pid == pid) return &forced[i].ch;
  return NULL;
}

kst_status kst_sim_signal_parse(const char *name, kst_sim_signal *out) {
  for (int i = 0; i < KST_SIM_SIGNAL_COUNT; i++)
    if (name && !strcmp(name, signals[i].name)) {
      *out = (kst_sim_signal)i;
      return kst_ok();
    }
  return kst_error(KST_ERR_INVALID,
                   "unknown signal '%s' (known: B0->K+pi-, Bs->phi(K+K-)phi(K+K-), D0->K-pi+, B+->J/psi(mu+mu-)K+, "
                   "D+->K-pi+pi+, Lambda_b0->pK-)",
                   name ? name : "");
}

const char *kst_sim_signal_name(kst_sim_signal s) {
  return (int)s >= 0 && s < KST_SIM_SIGNAL_COUNT ? signals[s].name : "unknown";
}

/* All charged stable descendants (everything from `from` on) fly forward within 10-400 mrad. */
static int in_acceptance(const kst_sim *s, uint32_t from) {
  for (uint32_t i = from; i < s->n_parts; i++) {
    const sim_particle *p = &s->parts[i];
    if (p->sp->fate != KST_FATE_TRACKED) continue;
    double pt = kst_p4_pt(&p->p4);
    if (!(p->p4.pz > 0.0 && pt >= TAN_THETA_MIN * p->p4.pz && pt <= TAN_THETA_MAX * p->p4.pz)) return 0;
  }
  return 1;
}

kst_status kst_sim_make_signal(kst_sim *s) {
  if (s->o.signal == KST_SIM_SIGNAL_NONE) return kst_ok();
  const signal_def *d = &signals[s->o.signal];
  const kst_sim_species *sp = kst_sim_species_of(d->pid);
  const uint32_t start = s->n_parts;
  const double o[3] = {s->pvs[0].x, s->pvs[0].y, s->pvs[0].z};
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    s->n_parts = start;
    double pt = kst_sim_heavy_pt(&s->rng, d->beauty ? s->o.beauty_mean_pt : s->o.charm_mean_pt);
    double phi = 2.0 * KST_SM_PI * kst_rng_uniform(&s->rng);
    double eta = kst_sim_plateau_eta(s);
    kst_p4 v = kst_p4_from_pt_eta_phi(pt, eta, phi, sp->mass);
    int32_t i = kst_sim_push(s, d->pid, &v, o, -1, 0);
    if (i < 0) return kst_error(KST_ERR_NOMEM, "simulation: out of memory for particles");
    s->parts[i].signal = 1;
    KST_TRY(kst_sim_decay_all(s, start));
    if (!s->o.signal_in_acceptance || in_acceptance(s, start)) break;
  }
  return kst_ok(); /* after MAX_ATTEMPTS the last try stands: only extreme options get there */
}
