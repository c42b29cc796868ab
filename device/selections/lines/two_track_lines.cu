/* Two-track lines' select functions and kernels. */
#include "device/selections/lines/two_track_lines.h"
#include "kst_dialect.h"

#include <math.h>

#define D0_MASS 1864.84f

/* The vertex's mass with daughter masses ma (first) and mb, written as two_track_vertices does (no cancellation). */
KST_DEVICE float sv_mass(const kst_sv *v, float ma, float mb) {
  const float la = sqrtf(v->pa[0] * v->pa[0] + v->pa[1] * v->pa[1] + v->pa[2] * v->pa[2]);
  const float lb = sqrtf(v->pb[0] * v->pb[0] + v->pb[1] * v->pb[1] + v->pb[2] * v->pb[2]);
  const float ea = sqrtf(la * la + ma * ma), eb = sqrtf(lb * lb + mb * mb);
  const float ux = v->pa[0] / la - v->pb[0] / lb, uy = v->pa[1] / la - v->pb[1] / lb, uz = v->pa[2] / la - v->pb[2] / lb;
  const float e_minus_p = (ma * ma * lb * lb + mb * mb * la * la + ma * ma * mb * mb) / (ea * eb + la * lb);
  return sqrtf(ma * ma + mb * mb + 2.0f * (e_minus_p + 0.5f * la * lb * (ux * ux + uy * uy + uz * uz)));
}

KST_DEVICE float pt_of(const float *p) { return sqrtf(p[0] * p[0] + p[1] * p[1]); }
KST_DEVICE float p_of(const float *p) { return sqrtf(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]); }

/* The z of the vertex's best PV (-inf without one). */
KST_DEVICE float pv_z(const kst_pv *pvs, uint64_t pvs_count, uint64_t events, uint32_t e, uint32_t pv) {
  return pv == KST_NO_PV ? -INFINITY : pvs[(uint64_t)e * (pvs_count / events) + pv].z;
}

KST_DEVICE int two_track_line_select(const two_track_line_args *a, uint32_t e, uint32_t c) {
  (void)e;
  const kst_sv *v = &a->dev_svs.data[c];
  return v->pv != KST_NO_PV && pt_of(v->pa) >= a->props.min_track_pt && pt_of(v->pb) >= a->props.min_track_pt &&
         v->min_ip_chi2 >= a->props.min_track_ip_chi2 && v->sum_pt >= a->props.min_sum_pt && v->chi2 < a->props.max_chi2 &&
         v->fd_chi2 >= a->props.min_fd_chi2 && v->mcor >= a->props.min_mcor && v->eta > a->props.min_eta &&
         v->eta < a->props.max_eta && v->dira >= a->props.min_dira;
}
KST_LINE_KERNEL(two_track_line, TWO_TRACK)

KST_DEVICE int two_track_ks_line_select(const two_track_ks_line_args *a, uint32_t e, uint32_t c) {
  const kst_sv *v = &a->dev_svs.data[c];
  if ((v->charge == 0) != a->props.opposite_sign || v->pv == KST_NO_PV || !(v->ip > 0.0f)) return 0;
  const float m = sv_mass(v, 139.57039f, 139.57039f), la = p_of(v->pa), lb = p_of(v->pb);
  const float cos_open = (v->pa[0] * v->pb[0] + v->pa[1] * v->pb[1] + v->pa[2] * v->pb[2]) / (la * lb);
  const float comb_ip = v->min_ip * v->max_ip / v->ip;
  const float zpv = pv_z(a->dev_pvs.data, a->dev_pvs.count, a->dev_pv_counts.count, e, v->pv);
  return v->chi2 < a->props.max_chi2 && v->eta > a->props.min_eta && v->eta < a->props.max_eta &&
         v->min_ip_chi2 > a->props.min_track_ip_chi2 && m > a->props.min_mass && m < a->props.max_mass &&
         v->pt > a->props.min_pt && cos_open > a->props.min_cos_opening && v->dira > a->props.min_dira &&
         la > a->props.min_track_p && lb > a->props.min_track_p && pt_of(v->pa) > a->props.min_track_pt &&
         pt_of(v->pb) > a->props.min_track_pt && comb_ip > a->props.min_comb_ip && v->z >= a->props.min_z &&
         zpv >= a->props.min_z;
}
KST_LINE_KERNEL(two_track_ks_line, TWO_TRACK)

KST_DEVICE int d0_hh_line_select(const d0_hh_line_args *a, uint32_t e, uint32_t c) {
  const kst_sv *v = &a->dev_svs.data[c];
  if ((v->charge == 0) != a->props.opposite_sign || v->pv == KST_NO_PV) return 0;
  const float m1 = sv_mass(v, a->props.masses[0], a->props.masses[1]), m2 = sv_mass(v, a->props.masses[1], a->props.masses[0]);
  const float dm = fminf(fabsf(m1 - D0_MASS), fabsf(m2 - D0_MASS));
  /* proper decay length under the D0 mass: the flight along the momentum times m / p */
  const float ct = v->fd * v->dira * D0_MASS / sqrtf(v->pt * v->pt + (v->pa[2] + v->pb[2]) * (v->pa[2] + v->pb[2]));
  const float zpv = pv_z(a->dev_pvs.data, a->dev_pvs.count, a->dev_pv_counts.count, e, v->pv);
  return v->pt > a->props.min_pt && v->chi2 < a->props.max_chi2 && v->eta > a->props.min_eta && v->eta < a->props.max_eta &&
         v->doca < a->props.max_doca && pt_of(v->pa) > a->props.min_track_pt && pt_of(v->pb) > a->props.min_track_pt &&
         v->min_ip > a->props.min_track_ip && ct > a->props.ct_ip_scale * a->props.min_track_ip &&
         dm < a->props.mass_window && v->z >= a->props.min_z && zpv >= a->props.min_z;
}
KST_LINE_KERNEL(d0_hh_line, TWO_TRACK)

/* The score is read per vertex slot; the preselection keeps the network to the region it was trained on. */
KST_DEVICE int two_track_nn_line_select(const two_track_nn_line_args *a, uint32_t e, uint32_t c) {
  (void)e;
  const kst_sv *v = &a->dev_svs.data[c];
  return v->pv != KST_NO_PV && v->min_ip_chi2 >= a->props.min_track_ip_chi2 && v->chi2 < a->props.max_chi2 &&
         v->mcor >= a->props.min_mcor && v->eta > a->props.min_eta && v->eta < a->props.max_eta &&
         a->dev_sv_scores.data[c] > a->props.min_score;
}
KST_LINE_KERNEL(two_track_nn_line, TWO_TRACK)
