/* Particle data for the simulator: PDG masses, charges, lifetimes and the decay channels we model. */
#ifndef KST_SIM_PARTICLES_H
#define KST_SIM_PARTICLES_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PDG ids of the particles the simulator knows (particles; antiparticles have the opposite sign). */
enum {
  KST_PID_E = 11, KST_PID_NU_E = 12, KST_PID_MU = 13, KST_PID_NU_MU = 14, KST_PID_GAMMA = 22,
  KST_PID_PI0 = 111, KST_PID_K0L = 130, KST_PID_PI = 211, KST_PID_K0S = 310, KST_PID_K = 321,
  KST_PID_PHI = 333, KST_PID_D = 411, KST_PID_D0 = 421, KST_PID_DS = 431, KST_PID_JPSI = 443,
  KST_PID_B0 = 511, KST_PID_BP = 521, KST_PID_BS = 531, KST_PID_N = 2112, KST_PID_P = 2212,
  KST_PID_LAMBDA = 3122, KST_PID_LAMBDA_B = 5122
};

/* What happens to a particle after it is made. */
typedef enum kst_sim_fate {
  KST_FATE_TRACKED = 0,  /* charged and stable on VELO scales: leaves hits */
  KST_FATE_DECAYS = 1,   /* decays after an exponential proper time (or at once when ctau is 0) */
  KST_FATE_INVISIBLE = 2 /* neutral, not decayed, not stored (pi0, photons, neutrinos, n, K0L) */
} kst_sim_fate;

#define KST_SIM_MAX_DAUGHTERS 3

/* One decay channel; daughters are given for the particle (positive pid), conjugated for the anti. */
typedef struct kst_sim_channel {
  double weight; /* relative: the weights of a particle are normalised over its channels */
  int n;
  int32_t daughters[KST_SIM_MAX_DAUGHTERS];
} kst_sim_channel;

typedef struct kst_sim_species {
  int32_t pid;           /* the particle's id (positive) */
  const char *name;
  double mass;           /* MeV */
  double charge;         /* of the particle with the positive id */
  double ctau;           /* mm; 0 for resonances that decay where they are made */
  kst_sim_fate fate;
  uint8_t self_conjugate;
  uint8_t is_b, is_c, is_s; /* weakly decaying beauty / open charm / strange hadron (the MC flags) */
  int n_channels;
  const kst_sim_channel *channels;
} kst_sim_species;

/* The species of a PDG id (either sign), or NULL for one the simulator does not know. */
const kst_sim_species *kst_sim_species_of(int32_t pid);
/* Charge of a signed PDG id (0 for unknown ids). */
double kst_sim_charge(int32_t pid);
/* The antiparticle's id (the same id for self-conjugate particles). */
int32_t kst_sim_conjugate(int32_t pid);

#ifdef __cplusplus
}
#endif
#endif
