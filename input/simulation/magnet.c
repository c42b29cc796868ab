/* The simulator's dipole field and the Runge-Kutta transport through it. */
#include "input/simulation/magnet.h"

#include <math.h>

#include "input/simulation/smath.h"

/* The profile: a Gaussian rise before the centre and a power-law fall after it, fitted to what the LHCb sample shows
   (docs/simulation.md): 4.15 T m up to the last SciFi layer, 0.10 T m before the UT's centre, the kick seen at 5288 mm
   from the T state at 9410 mm and at 5203 mm from 8520 mm, a peak of 1.05 T. */
#define FIELD_PEAK 1.05420150    /* T */
#define FIELD_CENTRE 4772.31322  /* mm */
#define FIELD_RISE 1236.98038    /* mm, Gaussian sigma before the centre */
#define FIELD_FALL 7356.03862    /* mm, scale of the fall after the centre */
#define FIELD_FALL_POWER 7.77264577
#define RK_STEP 200.0            /* mm: the field changes over metres; the bend is exact to 1e-6 (tests) */

static double profile(double z) {
  const double u = z - FIELD_CENTRE;
  if (u < 0.0) return FIELD_PEAK * kst_sm_exp(-0.5 * (u / FIELD_RISE) * (u / FIELD_RISE));
  return FIELD_PEAK * kst_sm_exp(-FIELD_FALL_POWER * kst_sm_log(1.0 + (u / FIELD_FALL) * (u / FIELD_FALL)));
}

void kst_sim_field_init(kst_sim_field *f) {
  for (int i = 0; i < KST_SIM_FIELD_POINTS; i++) f->b[i] = profile(KST_SIM_FIELD_Z_MIN + KST_SIM_FIELD_STEP * i);
}

double kst_sim_field_at(const kst_sim_field *f, double z) {
  const double u = (z - KST_SIM_FIELD_Z_MIN) / KST_SIM_FIELD_STEP;
  if (!(u >= 0.0) || u >= KST_SIM_FIELD_POINTS - 1) return 0.0;
  const int i = (int)u;
  const double w = u - i;
  return f->b[i] + w * (f->b[i + 1] - f->b[i]);
}

double kst_sim_field_integral(const kst_sim_field *f, double z0, double z1) {
  double sum = 0.0, step = 1.0;
  for (double z = z0; z < z1; z += step) {
    const double h = z + step < z1 ? step : z1 - z;
    sum += 0.5 * h * (kst_sim_field_at(f, z) + kst_sim_field_at(f, z + h));
  }
  return sum;
}

/* d(tx, ty)/dz for a field along y only (the Lorentz force written with z as the running variable). */
static void slopes_rate(double k, double tx, double ty, double *dtx, double *dty) {
  const double n = sqrt(1.0 + tx * tx + ty * ty);
  *dtx = -k * n * (1.0 + tx * tx);
  *dty = -k * n * tx * ty;
}

void kst_sim_propagate(const kst_sim_field *f, double polarity, double qop, kst_sim_state *st, double z_to) {
  const double c = KST_SIM_C_LIGHT * qop * polarity;
  while (st->z != z_to) {
    double h = z_to - st->z;
    const int last = h <= RK_STEP && h >= -RK_STEP;
    if (!last) h = h > 0.0 ? RK_STEP : -RK_STEP;
    const double z = st->z, b0 = c * kst_sim_field_at(f, z), bm = c * kst_sim_field_at(f, z + 0.5 * h),
                 b1 = c * kst_sim_field_at(f, z + h);
    double k1x, k1y, k2x, k2y, k3x, k3y, k4x, k4y;
    slopes_rate(b0, st->tx, st->ty, &k1x, &k1y);
    const double tx2 = st->tx + 0.5 * h * k1x, ty2 = st->ty + 0.5 * h * k1y;
    slopes_rate(bm, tx2, ty2, &k2x, &k2y);
    const double tx3 = st->tx + 0.5 * h * k2x, ty3 = st->ty + 0.5 * h * k2y;
    slopes_rate(bm, tx3, ty3, &k3x, &k3y);
    const double tx4 = st->tx + h * k3x, ty4 = st->ty + h * k3y;
    slopes_rate(b1, tx4, ty4, &k4x, &k4y);
    st->x += h * (st->tx + h / 6.0 * (k1x + k2x + k3x));
    st->y += h * (st->ty + h / 6.0 * (k1y + k2y + k3y));
    st->tx += h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
    st->ty += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
    st->z = last ? z_to : z + h; /* lands exactly on z_to */
  }
}
