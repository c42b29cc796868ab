/* One-track lines' select functions and kernels. */
#include "device/common/kst_math.h"
#include "device/selections/lines/one_track_lines.h"
#include "kst_dialect.h"

#include <math.h>

/* pT and p of long track t. */
KST_DEVICE void track_momentum(const kst_velo_state *s, float qop, float *pt, float *p) {
  const float t2 = s->tx * s->tx + s->ty * s->ty;
  *p = 1.0f / fabsf(qop);
  *pt = *p * sqrtf(t2 / (1.0f + t2));
}

/* LHCb's TrackMVA: a track fit cut, then above max_pt an IP chi2 cut, and between min_pt and max_pt a hyperbola in
   (pT, log IP chi2); the best PV must lie downstream of min_pv_z. */
KST_DEVICE int track_mva_line_select(const track_mva_line_args *a, uint32_t e, uint32_t t) {
  const kst_velo_state *s = &a->dev_long_states_beam.data[t];
  const kst_track_pv *v = &a->dev_track_pv.data[t];
  if (v->pv == KST_NO_PV || !(s->chi2 < a->props.max_chi2ndof * (float)s->ndof)) return 0;
  const uint32_t pvs_per_event = (uint32_t)(a->dev_pvs.count / a->dev_pv_counts.count);
  if (!(a->dev_pvs.data[(uint64_t)e * pvs_per_event + v->pv].z > a->props.min_pv_z)) return 0;
  float pt, p;
  track_momentum(s, a->dev_long_tracks.data[t].qop, &pt, &p);
  const float shifted = pt - a->props.alpha, ipc = v->ip_chi2;
  if (shifted > a->props.max_pt) return ipc > a->props.min_ip_chi2;
  if (!(shifted > a->props.min_pt) || !(ipc > 0.0f)) return 0;
  const float d = shifted - a->props.param2;
  return kst_logf(ipc) > a->props.param1 / (d * d) + a->props.param3 / a->props.max_pt * (a->props.max_pt - shifted) +
                             kst_logf(a->props.min_ip_chi2);
}
KST_LINE_KERNEL(track_mva_line, ONE_TRACK)

KST_DEVICE int high_pt_track_line_select(const high_pt_track_line_args *a, uint32_t e, uint32_t t) {
  (void)e;
  const kst_velo_state *s = &a->dev_long_states_beam.data[t];
  float pt, p;
  track_momentum(s, a->dev_long_tracks.data[t].qop, &pt, &p);
  return pt >= a->props.min_pt && p >= a->props.min_p && s->chi2 < a->props.max_chi2ndof * (float)s->ndof;
}
KST_LINE_KERNEL(high_pt_track_line, ONE_TRACK)
