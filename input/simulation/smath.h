/* Portable elementary functions: the same bits on every IEEE-754 machine, unlike libm's. */
#ifndef KST_SIM_SMATH_H
#define KST_SIM_SMATH_H

#ifdef __cplusplus
extern "C" {
#endif

#define KST_SM_PI 3.14159265358979323846

/* Natural log for x > 0 (series after exact range reduction); -inf for 0, NaN below. */
double kst_sm_log(double x);
/* e^x (Taylor series after Cody-Waite reduction); 0 below -745, +inf above 709.78. */
double kst_sm_exp(double x);
/* sin and cos of x for |x| up to ~1e6 (accuracy falls off beyond: the simulator never goes there). */
void kst_sm_sincos(double x, double *s, double *c);
/* atan2(y, x) in (-pi, pi]. */
double kst_sm_atan2(double y, double x);
/* a^b for a > 0. */
double kst_sm_pow(double a, double b);
/* Pseudorapidity of a momentum (pt > 0), written to avoid cancellation for backward tracks. */
double kst_sm_eta(double pt, double pz);

#ifdef __cplusplus
}
#endif
#endif
