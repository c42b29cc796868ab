/* Particle table: PDG (2022) masses and lifetimes; decay channels are a few real ones per hadron with
 * their PDG branching fractions as relative weights (channels we leave out are simply not made). */
#include "input/simulation/particles.h"

#include <stddef.h>

/* Weights are PDG branching fractions; for K0 final states half the K0 rate (the K0S half). */
static const kst_sim_channel k0s_ch[] = {
    {0.6920, 2, {KST_PID_PI, -KST_PID_PI}},
    {0.3069, 2, {KST_PID_PI0, KST_PID_PI0}},
};
static const kst_sim_channel lambda_ch[] = {
    {0.639, 2, {KST_PID_P, -KST_PID_PI}},
    {0.358, 2, {KST_PID_N, KST_PID_PI0}},
};
static const kst_sim_channel phi_ch[] = {
    {0.491, 2, {KST_PID_K, -KST_PID_K}},
    {0.339, 2, {KST_PID_K0L, KST_PID_K0S}},
};
static const kst_sim_channel jpsi_ch[] = {
    {0.0597, 2, {-KST_PID_E, KST_PID_E}},
    {0.0596, 2, {-KST_PID_MU, KST_PID_MU}},
};
static const kst_sim_channel d0_ch[] = {
    {0.03947, 2, {-KST_PID_K, KST_PID_PI}},
    {0.144, 3, {-KST_PID_K, KST_PID_PI, KST_PID_PI0}},
    {0.03549, 3, {-KST_PID_K, -KST_PID_E, KST_PID_NU_E}},
    {0.0341, 3, {-KST_PID_K, -KST_PID_MU, KST_PID_NU_MU}},
    {0.00408, 2, {KST_PID_K, -KST_PID_K}},
    {0.001454, 2, {KST_PID_PI, -KST_PID_PI}},
};
static const kst_sim_channel dp_ch[] = {
    {0.0938, 3, {-KST_PID_K, KST_PID_PI, KST_PID_PI}},
    {0.0156, 2, {KST_PID_K0S, KST_PID_PI}},
    {0.0436, 3, {KST_PID_K0S, -KST_PID_E, KST_PID_NU_E}},
    {0.00327, 3, {KST_PID_PI, KST_PID_PI, -KST_PID_PI}},
};
static const kst_sim_channel ds_ch[] = {
    {0.045, 2, {KST_PID_PHI, KST_PID_PI}},
    {0.0150, 2, {KST_PID_K, KST_PID_K0S}},
    {0.0239, 3, {KST_PID_PHI, -KST_PID_E, KST_PID_NU_E}},
};
/* B0 = (d bbar): bbar -> cbar gives D-. */
static const kst_sim_channel b0_ch[] = {
    {0.00252, 2, {-KST_PID_D, KST_PID_PI}},
    {0.0231, 3, {-KST_PID_D, -KST_PID_MU, KST_PID_NU_MU}},
    {0.000435, 2, {KST_PID_JPSI, KST_PID_K0S}},
    {0.0000196, 2, {KST_PID_K, -KST_PID_PI}},
};
static const kst_sim_channel bp_ch[] = {
    {0.00461, 2, {-KST_PID_D0, KST_PID_PI}},
    {0.0235, 3, {-KST_PID_D0, -KST_PID_MU, KST_PID_NU_MU}},
    {0.00102, 2, {KST_PID_JPSI, KST_PID_K}},
};
static const kst_sim_channel bs_ch[] = {
    {0.00298, 2, {-KST_PID_DS, KST_PID_PI}},
    {0.0244, 3, {-KST_PID_DS, -KST_PID_MU, KST_PID_NU_MU}},
    {0.00104, 2, {KST_PID_JPSI, KST_PID_PHI}},
    {0.0000185, 2, {KST_PID_PHI, KST_PID_PHI}},
};
/* Lambda_b0 = (udb): only its signal channel (the generator makes no Lambda_b otherwise). */
static const kst_sim_channel lb_ch[] = {
    {0.0000054, 2, {KST_PID_P, -KST_PID_K}},
};

#define CH(a) (int)(sizeof a / sizeof a[0]), a
/* pid, name, mass MeV, charge, ctau mm, fate, self-conjugate, is_b, is_c, is_s, channels */
static const kst_sim_species table[] = {
    {KST_PID_E, "e-", 0.51099895, -1, 0, KST_FATE_TRACKED, 0, 0, 0, 0, 0, NULL},
    {KST_PID_MU, "mu-", 105.6583755, -1, 0, KST_FATE_TRACKED, 0, 0, 0, 0, 0, NULL},
    {KST_PID_PI, "pi+", 139.57039, 1, 0, KST_FATE_TRACKED, 0, 0, 0, 0, 0, NULL},
    {KST_PID_K, "K+", 493.677, 1, 0, KST_FATE_TRACKED, 0, 0, 0, 0, 0, NULL},
    {KST_PID_P, "p", 938.27208816, 1, 0, KST_FATE_TRACKED, 0, 0, 0, 0, 0, NULL},
    {KST_PID_NU_E, "nu_e", 0, 0, 0, KST_FATE_INVISIBLE, 0, 0, 0, 0, 0, NULL},
    {KST_PID_NU_MU, "nu_mu", 0, 0, 0, KST_FATE_INVISIBLE, 0, 0, 0, 0, 0, NULL},
    {KST_PID_GAMMA, "gamma", 0, 0, 0, KST_FATE_INVISIBLE, 1, 0, 0, 0, 0, NULL},
    {KST_PID_PI0, "pi0", 134.9768, 0, 0, KST_FATE_INVISIBLE, 1, 0, 0, 0, 0, NULL},
    {KST_PID_K0L, "K0L", 497.611, 0, 0, KST_FATE_INVISIBLE, 1, 0, 0, 0, 0, NULL},
    {KST_PID_N, "n", 939.56542052, 0, 0, KST_FATE_INVISIBLE, 0, 0, 0, 0, 0, NULL},
    {KST_PID_K0S, "K0S", 497.611, 0, 26.844, KST_FATE_DECAYS, 1, 0, 0, 1, CH(k0s_ch)},
    {KST_PID_LAMBDA, "Lambda", 1115.683, 0, 78.90, KST_FATE_DECAYS, 0, 0, 0, 1, CH(lambda_ch)},
    {KST_PID_PHI, "phi", 1019.461, 0, 0, KST_FATE_DECAYS, 1, 0, 0, 0, CH(phi_ch)},
    {KST_PID_JPSI, "J/psi", 3096.900, 0, 0, KST_FATE_DECAYS, 1, 0, 0, 0, CH(jpsi_ch)},
    {KST_PID_D0, "D0", 1864.84, 0, 0.1229, KST_FATE_DECAYS, 0, 0, 1, 0, CH(d0_ch)},
    {KST_PID_D, "D+", 1869.66, 1, 0.3118, KST_FATE_DECAYS, 0, 0, 1, 0, CH(dp_ch)},
    {KST_PID_DS, "D_s+", 1968.35, 1, 0.1510, KST_FATE_DECAYS, 0, 0, 1, 0, CH(ds_ch)},
    {KST_PID_B0, "B0", 5279.66, 0, 0.4555, KST_FATE_DECAYS, 0, 1, 0, 0, CH(b0_ch)},
    {KST_PID_BP, "B+", 5279.34, 1, 0.4911, KST_FATE_DECAYS, 0, 1, 0, 0, CH(bp_ch)},
    {KST_PID_BS, "B_s0", 5366.92, 0, 0.4557, KST_FATE_DECAYS, 0, 1, 0, 0, CH(bs_ch)},
    {KST_PID_LAMBDA_B, "Lambda_b0", 5619.60, 0, 0.4407, KST_FATE_DECAYS, 0, 1, 0, 0, CH(lb_ch)},
};

const kst_sim_species *kst_sim_species_of(int32_t pid) {
  int32_t a = pid < 0 ? -pid : pid;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].pid == a) return pid < 0 && table[i].self_conjugate ? NULL : &table[i];
  return NULL;
}

double kst_sim_charge(int32_t pid) {
  const kst_sim_species *s = kst_sim_species_of(pid);
  if (!s) return 0.0;
  return pid < 0 ? -s->charge : s->charge;
}

int32_t kst_sim_conjugate(int32_t pid) {
  const kst_sim_species *s = kst_sim_species_of(pid);
  return s && s->self_conjugate ? pid : -pid;
}
