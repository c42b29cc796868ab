/* long_track_fit kernel: one thread per VELO track; a long track's hits are filtered towards the beam line with the
   scattering its momentum implies, then the state is carried to the point closest to the beam line. */
#include "device/fit/long_track_fit.h"
#include "device/common/kst_line_filter.h"
#include "device/common/kst_math.h"
#include "kst_dialect.h"

#include <math.h>

/* Highland's angle squared (with Kestrel's log: the same bits on CPU and GPU) for x0 radiation lengths along the path, at momentum p (MeV) and velocity beta. */
KST_DEVICE float scatter_variance(float p, float beta, float x0) {
  if (!(x0 > 0.0f)) return 0.0f;
  const float theta = 13.6f / (beta * p) * sqrtf(x0) * (1.0f + 0.038f * kst_logf(x0));
  return theta * theta;
}

KST_GLOBAL long_track_fit_kernel(long_track_fit_args a) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const kst_velo_hits_in hits = kst_velo_hits_view(a.dev_velo_hits.data, a.dev_velo_hits.count);
  const float var = a.props.hit_error * a.props.hit_error;
  for (uint32_t t = a.dev_velo_track_offsets.data[e] + threadIdx.x; t < a.dev_velo_track_offsets.data[e + 1];
       t += blockDim.x) {
    const kst_long_track *l = &a.dev_long_tracks.data[t];
    const kst_velo_state v = a.dev_velo_states_beam.data[t];
    const uint32_t n = a.dev_velo_track_n_hits.data[t];
    if (!l->n_hits || l->qop == 0.0f || n < 2u) {
      a.dev_long_states_beam.data[t] = v; /* not long: the VELO's own state */
      continue;
    }
    const uint32_t *h = &a.dev_velo_track_hits.data[a.dev_velo_track_hit_begin.data[t]];
    /* filter towards the end nearest the beam line, where the state is wanted (as velo_consolidate does) */
    const uint32_t hf = h[0], hl = h[n - 1u];
    const int forward = hits.x[hl] * hits.x[hl] + hits.y[hl] * hits.y[hl] <= hits.x[hf] * hits.x[hf] + hits.y[hf] * hits.y[hf];
    const float p = 1.0f / fabsf(l->qop), beta = p / sqrtf(p * p + a.props.mass * a.props.mass);
    const float path = sqrtf(1.0f + v.tx * v.tx + v.ty * v.ty);
    const float noise = scatter_variance(p, beta, a.props.station_x0 * path);
    const uint32_t i0 = forward ? 0u : n - 1u;
    kst_line1d sx = {hits.x[h[i0]], v.tx, var, 0.0f, 1e-2f, 0.0f}, sy = {hits.y[h[i0]], v.ty, var, 0.0f, 1e-2f, 0.0f};
    float z = hits.z[h[i0]];
    for (uint32_t i = 1; i < n; ++i) {
      const uint32_t j = h[forward ? i : n - 1u - i];
      const float dz = hits.z[j] - z;
      kst_line_filter_step(&sx, dz, hits.x[j], var, noise);
      kst_line_filter_step(&sy, dz, hits.y[j], var, noise);
      z = hits.z[j];
    }
    /* the foil's scattering, then the straight line to its closest approach to the beam line */
    const float foil = scatter_variance(p, beta, a.props.foil_x0 * path);
    sx.c11 += foil, sy.c11 += foil;
    const float t2 = sx.t * sx.t + sy.t * sy.t;
    const float dz = t2 > 0.0f ? -(sx.p * sx.t + sy.p * sy.t) / t2 : 0.0f;
    kst_velo_state s;
    s.x = sx.p + sx.t * dz, s.y = sy.p + sy.t * dz, s.z = z + dz, s.tx = sx.t, s.ty = sy.t;
    s.c00 = sx.c00 + dz * (2.0f * sx.c10 + dz * sx.c11), s.c20 = sx.c10 + dz * sx.c11, s.c22 = sx.c11;
    s.c11 = sy.c00 + dz * (2.0f * sy.c10 + dz * sy.c11), s.c31 = sy.c10 + dz * sy.c11, s.c33 = sy.c11;
    s.chi2 = sx.chi2 + sy.chi2;
    s.ndof = 2u * n - 4u;
    a.dev_long_states_beam.data[t] = s;
  }
}

KST_EXTERN_C kst_status kst_long_track_fit_launch(long_track_fit_args a, kst_stream *stream) {
  const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (blocks == 0 || a.dev_long_states_beam.count == 0) return kst_ok();
  KST_LAUNCH(long_track_fit_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a);
  return kst_launch_check("long_track_fit_kernel");
}
