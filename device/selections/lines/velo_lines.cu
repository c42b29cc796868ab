/* VELO-track lines' select functions and kernels. */
#include "device/selections/lines/velo_lines.h"
#include "kst_dialect.h"

#include <math.h>

KST_DEVICE int velo_micro_bias_line_select(const velo_micro_bias_line_args *a, uint32_t e, uint32_t t) {
  (void)e;
  return a->dev_velo_track_n_hits.data[t] >= a->props.min_hits;
}
KST_LINE_KERNEL(velo_micro_bias_line, VELO)

/* Tracks from upstream of the luminous region in crossings with one beam (LHCb's Hlt1BeamGas defaults). */
KST_DEVICE int beam_gas_line_select(const beam_gas_line_args *a, uint32_t e, uint32_t t) {
  const float z = a->dev_velo_states_beam.data[t].z;
  return ((a->props.bx_types >> a->dev_odin.data[e].bx_type) & 1u) && a->dev_velo_track_n_hits.data[t] >= a->props.min_hits &&
         z > a->props.min_z && z < a->props.max_z;
}
KST_LINE_KERNEL(beam_gas_line, VELO)

KST_DEVICE int displaced_velo_line_select(const displaced_velo_line_args *a, uint32_t e, uint32_t t) {
  (void)e;
  const kst_track_pv *v = &a->dev_track_pv.data[t];
  return v->pv != KST_NO_PV && a->dev_velo_track_n_hits.data[t] >= a->props.min_hits && v->ip >= a->props.min_ip &&
         v->ip_chi2 >= a->props.min_ip_chi2;
}
KST_LINE_KERNEL(displaced_velo_line, VELO)

/* Tracks that pass the beam line at a radius of the VELO's material: seeds of vertices in the foil and modules. */
KST_DEVICE int material_vertex_seed_line_select(const material_vertex_seed_line_args *a, uint32_t e, uint32_t t) {
  (void)e;
  const kst_velo_state *s = &a->dev_velo_states_beam.data[t];
  const float rho = sqrtf(s->x * s->x + s->y * s->y);
  return a->dev_velo_track_n_hits.data[t] >= a->props.min_hits && rho >= a->props.min_rho && rho <= a->props.max_rho &&
         s->z <= a->props.max_z;
}
KST_LINE_KERNEL(material_vertex_seed_line, VELO)
