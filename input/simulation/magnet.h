/* The simulator's dipole: a smooth By(z) profile and Runge-Kutta transport of a charged track through it. */
#ifndef KST_SIM_MAGNET_H
#define KST_SIM_MAGNET_H

#ifdef __cplusplus
extern "C" {
#endif

#define KST_SIM_FIELD_Z_MIN (-1000.0) /* mm: the field table's range; outside it the field is zero */
#define KST_SIM_FIELD_Z_MAX 12000.0
#define KST_SIM_FIELD_STEP 10.0       /* mm between table points (linear in between) */
#define KST_SIM_FIELD_POINTS 1301
#define KST_SIM_C_LIGHT 0.299792458   /* curvature in 1/mm per (T / MeV) */

/* The field on a z grid, built once per generator; values are |By| in tesla (the polarity is applied by the user). */
typedef struct kst_sim_field {
  double b[KST_SIM_FIELD_POINTS];
} kst_sim_field;

/* A track state at z: position, slopes dx/dz and dy/dz. */
typedef struct kst_sim_state {
  double x, y, z, tx, ty;
} kst_sim_state;

/* Fills the table from the analytic profile (docs/simulation.md): bit-identical on every machine. */
void kst_sim_field_init(kst_sim_field *f);
/* |By| at z in tesla. */
double kst_sim_field_at(const kst_sim_field *f, double z);
/* Integral of |By| dz from z0 to z1 in T mm (trapezoids on the table's points). */
double kst_sim_field_integral(const kst_sim_field *f, double z0, double z1);
/* Moves st to z_to through By = polarity |By(z)| with fixed-step 4th-order Runge-Kutta in z; qop = charge / p in
   1/MeV. polarity -1 (down) bends positive particles towards +x. */
void kst_sim_propagate(const kst_sim_field *f, double polarity, double qop, kst_sim_state *st, double z_to);

#ifdef __cplusplus
}
#endif
#endif
