/* velo_consolidate kernels: keep, order by id, place, and fit each track with a straight-line Kalman filter. */
#include "device/common/kst_line_filter.h"
#include "device/event_model/velo_geometry.h"
#include "device/event_model/velo_hits.h"
#include "device/velo/velo_consolidate.h"
#include "device/event_model/event_list.h"
#include "kst_dialect.h"

/* The slope noise per station from the track's slope alone: without a momentum, the slope stands in for it (in
   minimum bias the transverse momentum varies much less than the momentum, so steeper tracks are softer and scatter
   more). Uses the end-to-end slope, so that both fit directions agree. */
KST_DEVICE float slope_noise(const velo_consolidate_args *a, const uint32_t *h, uint32_t n) {
  const kst_velo_hits_in hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  const float *X = hits.x, *Y = hits.y, *Z = hits.z;
  const float dz_all = Z[h[n - 1u]] - Z[h[0]];
  const float tx = (X[h[n - 1u]] - X[h[0]]) / dz_all, ty = (Y[h[n - 1u]] - Y[h[0]]) / dz_all;
  return a->props.ms_noise + a->props.ms_noise_slope2 * (tx * tx + ty * ty);
}

/* The slope noise per station measured on the track itself. A track's momentum is unknown but its kinks show it:
   the kink at each inner hit is the scattering angle there plus hit errors, so the mean squared kink less the hit
   part estimates the scattering variance, which varies as 1 / p^2 over a hundredfold range among tracks of the same
   slope. The slope noise enters as a prior worth ms_prior_kinks kinks (a three-hit track has one), and each kink is
   weighed by the inverse of its expected variance squared (kinks between close hits mostly measure hit errors). */
KST_DEVICE float kink_noise(const velo_consolidate_args *a, const uint32_t *h, uint32_t n) {
  const kst_velo_hits_in hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  const float *X = hits.x, *Y = hits.y, *Z = hits.z;
  const float prior = slope_noise(a, h, n), var = a->props.hit_error * a->props.hit_error;
  const float floor = a->props.ms_noise_floor * prior;
  float sum = 0.0f, weights = 0.0f;
  for (uint32_t i = 1; i + 1u < n; ++i) {
    const float d1 = 1.0f / (Z[h[i]] - Z[h[i - 1u]]), d2 = 1.0f / (Z[h[i + 1u]] - Z[h[i]]);
    const float kx = (X[h[i + 1u]] - X[h[i]]) * d2 - (X[h[i]] - X[h[i - 1u]]) * d1;
    const float ky = (Y[h[i + 1u]] - Y[h[i]]) * d2 - (Y[h[i]] - Y[h[i - 1u]]) * d1;
    const float hit_part = var * (d1 * d1 + (d1 + d2) * (d1 + d2) + d2 * d2);
    const float w = 1.0f / ((hit_part + prior) * (hit_part + prior));
    sum += w * (0.5f * (kx * kx + ky * ky) - hit_part);
    weights += w;
  }
  /* Mean weight times the prior count: the prior counts as that many typical kinks of this track. */
  const float kinks = (float)(n - 2u), prior_weight = a->props.ms_prior_kinks * weights / kinks;
  const float noise = (sum + prior_weight * prior) / (weights + prior_weight);
  return noise > floor ? noise : floor;
}

/* A coordinate's line at its first hit (position p0) through the second (p1, dz0 further on): the slope of the two,
   the hit's variance and a wide slope variance. */
KST_DEVICE kst_line1d line_start(float p0, float p1, float dz0, float var) {
  kst_line1d l;
  l.p = p0, l.t = (p1 - p0) / dz0, l.c00 = var, l.c10 = 0.0f, l.c11 = 1.0f, l.chi2 = 0.0f;
  return l;
}

/* The state of the x and y lines at z after filtering n hits. */
KST_DEVICE kst_velo_state line_state(const kst_line1d *sx, const kst_line1d *sy, float z, uint32_t n) {
  kst_velo_state s;
  s.x = sx->p, s.y = sy->p, s.z = z, s.tx = sx->t, s.ty = sy->t;
  s.c00 = sx->c00, s.c20 = sx->c10, s.c22 = sx->c11, s.c11 = sy->c00, s.c31 = sy->c10, s.c33 = sy->c11;
  s.chi2 = sx->chi2 + sy->chi2;
  s.ndof = 2u * n - 4u;
  return s;
}

/* Filters hits h[0..n) in the given order (step +1 or -1 through the list), adding slope noise ms_noise at each
   station; returns the state at the last one. */
KST_DEVICE kst_velo_state fit(const velo_consolidate_args *a, const uint32_t *h, uint32_t n, int forward,
                              float ms_noise) {
  const kst_velo_hits_in hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  const float *X = hits.x, *Y = hits.y, *Z = hits.z;
  const uint32_t first = forward ? 0u : n - 1u, second = forward ? 1u : n - 2u;
  const float var = a->props.hit_error * a->props.hit_error, dz0 = Z[h[second]] - Z[h[first]];
  kst_line1d sx = line_start(X[h[first]], X[h[second]], dz0, var), sy = line_start(Y[h[first]], Y[h[second]], dz0, var);
  float z = Z[h[first]];
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t j = forward ? i : n - 1u - i;
    const float dz = Z[h[j]] - z;
    kst_line_filter_step(&sx, dz, X[h[j]], var, ms_noise);
    kst_line_filter_step(&sy, dz, Y[h[j]], var, ms_noise);
    z = Z[h[j]];
  }
  return line_state(&sx, &sy, z, n);
}

/* The CPU's path (docs/kernels.md) fits tracks side by side; with KST_VELO_CONSOLIDATE_CPU_PATH=0 the CPU runs the
   GPU's track per thread instead (as tests/portable_agree.sh does, to check that both give the same bits). */
#ifndef KST_VELO_CONSOLIDATE_CPU_PATH
#define KST_VELO_CONSOLIDATE_CPU_PATH KST_CPU_PATH_DEFAULT
#endif

#if KST_VELO_CONSOLIDATE_CPU_PATH
/* The CPU fits FIT_LANES tracks side by side: a filter step is a chain of divisions that one track at a time
   leaves the processor waiting on, and a loop over lanes vectorises. Each lane runs kalman_step's operations, so the
   states are the same bits as fit's. A lane's hits are laid out in its fit order, hit i of lane l at [i][l]. */
#define FIT_LANES 16u
typedef struct {
  float x[KST_VELO_MAX_TRACK_HITS][FIT_LANES], y[KST_VELO_MAX_TRACK_HITS][FIT_LANES], z[KST_VELO_MAX_TRACK_HITS][FIT_LANES];
  uint32_t n[FIT_LANES]; /* 0 for a lane without a track */
  float noise[FIT_LANES];
} fit_tile;

/* Fits every lane of tile t over its hits (max_n the most any lane has, at least 2) and stores the state at each
   lane's last hit. */
static void fit_lanes(const velo_consolidate_args *a, const fit_tile *t, uint32_t max_n, kst_velo_state *out) {
  const float var = a->props.hit_error * a->props.hit_error;
  float xp[FIT_LANES], xt[FIT_LANES], x00[FIT_LANES], x10[FIT_LANES], x11[FIT_LANES], xchi2[FIT_LANES];
  float yp[FIT_LANES], yt[FIT_LANES], y00[FIT_LANES], y10[FIT_LANES], y11[FIT_LANES], ychi2[FIT_LANES];
  float z[FIT_LANES];
  for (uint32_t l = 0; l < FIT_LANES; ++l) {
    const float dz0 = t->z[1][l] - t->z[0][l];
    const kst_line1d sx = line_start(t->x[0][l], t->x[1][l], dz0, var), sy = line_start(t->y[0][l], t->y[1][l], dz0, var);
    xp[l] = sx.p, xt[l] = sx.t, x00[l] = sx.c00, x10[l] = sx.c10, x11[l] = sx.c11, xchi2[l] = sx.chi2;
    yp[l] = sy.p, yt[l] = sy.t, y00[l] = sy.c00, y10[l] = sy.c10, y11[l] = sy.c11, ychi2[l] = sy.chi2;
    z[l] = t->z[0][l];
  }
  for (uint32_t i = 1; i < max_n; ++i)
    for (uint32_t l = 0; l < FIT_LANES; ++l) {
      /* A lane past its last hit computes on anything and keeps its state. */
      const int live = i < t->n[l];
      const float dz = t->z[i][l] - z[l];
      kst_line1d sx = {xp[l], xt[l], x00[l], x10[l], x11[l], xchi2[l]}, sy = {yp[l], yt[l], y00[l], y10[l], y11[l], ychi2[l]};
      kst_line_filter_step(&sx, dz, t->x[i][l], var, t->noise[l]);
      kst_line_filter_step(&sy, dz, t->y[i][l], var, t->noise[l]);
      xp[l] = live ? sx.p : xp[l], xt[l] = live ? sx.t : xt[l], x00[l] = live ? sx.c00 : x00[l];
      x10[l] = live ? sx.c10 : x10[l], x11[l] = live ? sx.c11 : x11[l], xchi2[l] = live ? sx.chi2 : xchi2[l];
      yp[l] = live ? sy.p : yp[l], yt[l] = live ? sy.t : yt[l], y00[l] = live ? sy.c00 : y00[l];
      y10[l] = live ? sy.c10 : y10[l], y11[l] = live ? sy.c11 : y11[l], ychi2[l] = live ? sy.chi2 : ychi2[l];
      z[l] = live ? t->z[i][l] : z[l];
    }
  for (uint32_t l = 0; l < FIT_LANES; ++l) {
    const kst_line1d sx = {xp[l], xt[l], x00[l], x10[l], x11[l], xchi2[l]}, sy = {yp[l], yt[l], y00[l], y10[l], y11[l], ychi2[l]};
    out[l] = line_state(&sx, &sy, z[l], t->n[l]);
  }
}

/* Puts track h[0..n) into lane l of tile t in the given fit order. */
static void fill_lane(const velo_consolidate_args *a, fit_tile *t, uint32_t l, const uint32_t *h, uint32_t n,
                      int forward, float noise) {
  const kst_velo_hits_in hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t hit = h[forward ? i : n - 1u - i];
    t->x[i][l] = hits.x[hit], t->y[i][l] = hits.y[hit], t->z[i][l] = hits.z[hit];
  }
  t->n[l] = n, t->noise[l] = noise;
}
#endif

/* Moves a state to the z of closest approach to the z axis (the beam line), carrying the covariance along. */
KST_DEVICE kst_velo_state to_beam_line(kst_velo_state s) {
  const float t2 = s.tx * s.tx + s.ty * s.ty;
  const float dz = t2 > 0.0f ? -(s.x * s.tx + s.y * s.ty) / t2 : 0.0f;
  s.x += s.tx * dz;
  s.y += s.ty * dz;
  s.z += dz;
  s.c00 += dz * (2.0f * s.c20 + dz * s.c22);
  s.c20 += dz * s.c22;
  s.c11 += dz * (2.0f * s.c31 + dz * s.c33);
  s.c31 += dz * s.c33;
  return s;
}

/* The station of hit h, from the event's module offsets (off[m] is the first hit of module m). */
KST_DEVICE uint32_t station_of(const uint32_t *off, uint32_t h) {
  uint32_t lo = 0, hi = KST_VELO_MODULES;
  while (hi - lo > 1u) {
    const uint32_t mid = (lo + hi) / 2u;
    if (off[mid] <= h) lo = mid;
    else hi = mid;
  }
  return lo / 2u;
}

/* Three-hit candidates are often random combinations. Their fit chi2 (the kink measured against hit errors and
   multiple scattering) separates them from real particles; a real one either points to the beam line, or lies
   downstream of the interaction region, where forward tracks are far apart and few random triplets line up
   (most random triplets sit around the interaction region, where tracks are dense and cross at large angles). */
KST_DEVICE int kept(const velo_consolidate_args *a, const uint32_t *off, const kst_velo_track_slot *t,
                    const uint32_t *h) {
  if (t->n_hits < 3u) return 0;
  /* A seed across a missed station had more room to pick up a wrong hit: short ones must fit well. */
  const int checked_gap = t->n_hits < a->props.min_hits_gap_seed_unchecked &&
                          station_of(off, h[0]) > station_of(off, h[1]) + 1u;
  if (t->n_hits >= 4u && !checked_gap) return 1;
  const kst_velo_state s = fit(a, h, t->n_hits, 1, slope_noise(a, h, t->n_hits));
  if (checked_gap && !(s.chi2 < a->props.max_chi2ndof_gap_seed * (float)s.ndof)) return 0;
  if (t->n_hits >= 4u) return 1;
  const kst_velo_hits_in hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  const float *X = hits.x, *Y = hits.y, *Z = hits.z;
  if (s.chi2 < a->props.max_chi2_3hits_displaced && Z[h[2]] > a->props.min_z_3hits_displaced) return 1;
  if (!(s.chi2 < a->props.max_chi2_3hits)) return 0;
  const float dz = Z[h[2]] - Z[h[0]], tx = (X[h[2]] - X[h[0]]) / dz, ty = (Y[h[2]] - Y[h[0]]) / dz;
  const float cross = X[h[0]] * ty - Y[h[0]] * tx, d = a->props.max_doca_3hits;
  return cross * cross <= d * d * (tx * tx + ty * ty);
}

/* Counts an event's kept tracks and marks each at its id's position in the event's hit range (a track's id is its
   seed's middle hit, unique within the event), so that the write kernel finds them in id order without deciding
   again. */
KST_GLOBAL consolidate_count_kernel(velo_consolidate_args a) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  const uint64_t cap = a.dev_track_slots.count / a.dev_track_slot_count.count;
  const kst_velo_track_slot *slots = &a.dev_track_slots.data[e * cap];
  const uint32_t *slot_hits = &a.dev_track_slot_hits.data[e * cap * KST_VELO_MAX_TRACK_HITS];
  uint32_t *id_slot = a.dev_id_slot.data;
  __shared__ uint32_t n;
  if (threadIdx.x == 0) n = 0;
  for (uint32_t h = off[0] + threadIdx.x; h < off[KST_VELO_MODULES]; h += blockDim.x) id_slot[h] = 0xFFFFFFFFu;
  kst_syncthreads();
  for (uint32_t t = threadIdx.x; t < a.dev_track_slot_count.data[e]; t += blockDim.x)
    if (kept(&a, off, &slots[t], &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS])) {
      id_slot[slots[t].id] = t;
      kst_atomic_add_u32(&n, 1u);
    }
  kst_syncthreads();
  if (threadIdx.x == 0) a.dev_velo_track_counts.data[e] = n;
}

/* Copies kept track `out` (its slot's number in dev_velo_track_n_hits, as the write kernel's first pass left it) to
   the output; returns its hits in *h and *n with its measured slope noise, and whether the filter towards the beam
   runs forward through them. That filter ends at the hit nearest the beam line (the end of smaller radius: the list's
   end for a forward track, its start for a backward one), as a filtered state is only optimal where it ends: carried
   back across the other hits, it would ignore their scattering. The other pass gives the state at the last
   measurement in flight. */
KST_DEVICE int place_track(const velo_consolidate_args *a, const kst_velo_track_slot *slots, const uint32_t *slot_hits,
                           uint32_t out, const uint32_t **h, uint32_t *n, float *noise) {
  const uint32_t t = a->dev_velo_track_n_hits.data[out], begin = a->dev_velo_track_hit_begin.data[out];
  *n = slots[t].n_hits;
  *h = &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS];
  for (uint32_t i = 0; i < *n; ++i) a->dev_velo_track_hits.data[begin + i] = (*h)[i];
  a->dev_velo_track_n_hits.data[out] = *n;
  *noise = kink_noise(a, *h, *n);
  const kst_velo_hits_in hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  const float *X = hits.x, *Y = hits.y;
  const uint32_t hf = (*h)[0], hl = (*h)[*n - 1u];
  return X[hl] * X[hl] + Y[hl] * Y[hl] <= X[hf] * X[hf] + Y[hf] * Y[hf];
}

KST_GLOBAL consolidate_write_kernel(velo_consolidate_args a) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint64_t cap = a.dev_track_slots.count / a.dev_track_slot_count.count;
  const kst_velo_track_slot *slots = &a.dev_track_slots.data[e * cap];
  const uint32_t *slot_hits = &a.dev_track_slot_hits.data[e * cap * KST_VELO_MAX_TRACK_HITS];
  const uint32_t first_track = a.dev_velo_track_offsets.data[e];
  const uint32_t hit_base = a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  const uint32_t hit_end = a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT + KST_VELO_MODULES];
  const uint32_t *id_slot = a.dev_id_slot.data;
  /* One ordered pass over the marks the count kernel left gives every track its rank and hit offset. */
  if (threadIdx.x == 0) {
    uint32_t rank = 0, hits_before = 0;
    for (uint32_t h = hit_base; h < hit_end; ++h) {
      const uint32_t t = id_slot[h];
      if (t == 0xFFFFFFFFu) continue;
      a.dev_velo_track_hit_begin.data[first_track + rank] = hit_base + hits_before;
      a.dev_velo_track_n_hits.data[first_track + rank] = t;  /* the slot, until the fit pass below */
      rank++, hits_before += slots[t].n_hits;
    }
  }
  kst_syncthreads();
  const uint32_t n_kept = a.dev_velo_track_offsets.data[e + 1] - first_track;
#if KST_VELO_CONSOLIDATE_CPU_PATH
  /* The same as the loop below, FIT_LANES tracks at a time. */
  for (uint32_t r0 = 0; r0 < n_kept; r0 += FIT_LANES) {
    static _Thread_local fit_tile toward, away;
    kst_velo_state st_toward[FIT_LANES], st_away[FIT_LANES];
    uint32_t max_n = 2u;
    /* Lanes without a track keep n 0; their hits are whatever an earlier tile left, computed on and never kept. */
    for (uint32_t l = 0; l < FIT_LANES; ++l) toward.n[l] = away.n[l] = 0;
    for (uint32_t l = 0; l < FIT_LANES && r0 + l < n_kept; ++l) {
      const uint32_t *h;
      uint32_t n;
      float noise;
      const int forward = place_track(&a, slots, slot_hits, first_track + r0 + l, &h, &n, &noise);
      fill_lane(&a, &toward, l, h, n, forward, noise);
      fill_lane(&a, &away, l, h, n, !forward, noise);
      max_n = n > max_n ? n : max_n;
    }
    fit_lanes(&a, &toward, max_n, st_toward);
    fit_lanes(&a, &away, max_n, st_away);
    for (uint32_t l = 0; l < FIT_LANES && r0 + l < n_kept; ++l) {
      a.dev_velo_states_beam.data[first_track + r0 + l] = to_beam_line(st_toward[l]);
      a.dev_velo_states_end.data[first_track + r0 + l] = st_away[l];
    }
  }
#else
  for (uint32_t r = threadIdx.x; r < n_kept; r += blockDim.x) {
    const uint32_t out = first_track + r, *h;
    uint32_t n;
    float noise;
    const int forward = place_track(&a, slots, slot_hits, out, &h, &n, &noise);
    const kst_velo_state toward = fit(&a, h, n, forward, noise), away = fit(&a, h, n, !forward, noise);
    a.dev_velo_states_beam.data[out] = to_beam_line(toward);
    a.dev_velo_states_end.data[out] = away;
  }
#endif
}

KST_EXTERN_C kst_status kst_velo_consolidate_count_launch(velo_consolidate_args a, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(consolidate_count_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0,
             stream, a);
  return kst_launch_check("consolidate_count_kernel");
}

KST_EXTERN_C kst_status kst_velo_consolidate_write_launch(velo_consolidate_args a, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(consolidate_write_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0,
             stream, a);
  return kst_launch_check("consolidate_write_kernel");
}
