/* velo_pv_ip kernel: one thread per track, every vertex of its event tried in order (ties keep the first). */
#include "device/pv/velo_pv_ip.h"
#include "device/event_model/event_list.h"
#include "kst_dialect.h"

#include <math.h>

/* Impact parameter of a straight track to a vertex, and its chi2 with the track's and the vertex's x, y errors. */
KST_DEVICE void impact(const kst_velo_state *s, const kst_pv *v, float *ip, float *chi2) {
  const float dz = v->z - s->z;
  /* Transverse offset of the track from the vertex at the vertex z, then its part perpendicular to the track. */
  const float dx = s->x + s->tx * dz - v->x, dy = s->y + s->ty * dz - v->y;
  const float t2 = s->tx * s->tx + s->ty * s->ty, along = (dx * s->tx + dy * s->ty) / (1.0f + t2);
  const float px = dx - along * s->tx, py = dy - along * s->ty, pz = -along;
  *ip = sqrtf(px * px + py * py + pz * pz);
  const float vxx = s->c00 + dz * (2.0f * s->c20 + dz * s->c22) + v->cov[0];
  const float vyy = s->c11 + dz * (2.0f * s->c31 + dz * s->c33) + v->cov[2];
  *chi2 = dx * dx / vxx + dy * dy / vyy;
}

KST_GLOBAL velo_pv_ip_kernel(velo_pv_ip_args a, uint32_t pvs_per_event) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t t0 = a.dev_velo_track_offsets.data[e], t1 = a.dev_velo_track_offsets.data[e + 1];
  const kst_pv *pvs = &a.dev_pvs.data[(uint64_t)e * pvs_per_event];
  const uint32_t n_pvs = a.dev_pv_counts.data[e];
  __shared__ uint32_t n_with, n_displaced;
  if (threadIdx.x == 0) n_with = 0, n_displaced = 0;
  kst_syncthreads();
  for (uint32_t t = t0 + threadIdx.x; t < t1; t += blockDim.x) {
    kst_track_pv best;
    best.pv = KST_NO_PV, best.ip = 0.0f, best.ip_chi2 = 0.0f;
    for (uint32_t v = 0; v < n_pvs; ++v) {
      float ip, chi2;
      impact(&a.dev_velo_states_beam.data[t], &pvs[v], &ip, &chi2);
      if (best.pv == KST_NO_PV || chi2 < best.ip_chi2) best.pv = v, best.ip = ip, best.ip_chi2 = chi2;
    }
    a.dev_track_pv.data[t] = best;
    if (best.pv != KST_NO_PV) kst_atomic_add_u32(&n_with, 1u);
    if (best.pv != KST_NO_PV && best.ip_chi2 > 9.0f) kst_atomic_add_u32(&n_displaced, 1u);
  }
  kst_syncthreads();
  if (threadIdx.x == 0) {
    a.dev_track_pv_counts.data[2u * e + KST_TRACKS_WITH_PV] = n_with;
    a.dev_track_pv_counts.data[2u * e + KST_TRACKS_DISPLACED] = n_displaced;
  }
}

KST_EXTERN_C kst_status kst_velo_pv_ip_launch(velo_pv_ip_args a, uint32_t pvs_per_event, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0 || a.dev_track_pv.count == 0) return kst_ok();
  KST_LAUNCH(velo_pv_ip_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a,
             pvs_per_event);
  return kst_launch_check("velo_pv_ip_kernel");
}
