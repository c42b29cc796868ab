/* Four-vectors, Lorentz boosts and phase-space decays (two- and three-body) for the simulator. */
#ifndef KST_SIM_KINEMATICS_H
#define KST_SIM_KINEMATICS_H

#include "input/simulation/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* (px, py, pz, E) in MeV. */
typedef struct kst_p4 {
  double px, py, pz, e;
} kst_p4;

/* A particle of mass m with transverse momentum pt, pseudorapidity eta and azimuth phi. */
kst_p4 kst_p4_from_pt_eta_phi(double pt, double eta, double phi, double m);
/* |p|. */
double kst_p4_p(const kst_p4 *v);
/* Transverse momentum. */
double kst_p4_pt(const kst_p4 *v);
/* Boosts v (given in the rest frame of a particle with four-momentum frame) into frame's frame. */
kst_p4 kst_p4_boost(const kst_p4 *v, const kst_p4 *frame);
/* Momentum of each daughter in the rest frame of a mass M decaying to masses m1 and m2 (0 if closed). */
double kst_two_body_p(double M, double m1, double m2);
/* Decays parent into n (2 or 3) daughters of the given masses, isotropically in the parent frame
 * (three-body: flat over the Dalitz plot), and returns them boosted into the parent's frame. Returns
 * 0 when the masses do not fit. */
int kst_phase_space_decay(kst_rng *r, const kst_p4 *parent, int n, const double *masses, kst_p4 *out);

#ifdef __cplusplus
}
#endif
#endif
