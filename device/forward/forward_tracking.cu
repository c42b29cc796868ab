/* The forward search. For each VELO track and each x layer, the hits in the window its momentum range allows are
   projected to the reference plane under the magnet model: those of the track's particle agree there. The window of
   projections with the most x layers seeds the track; stereo hits are added where the model puts them; the T segment
   is fitted, outliers dropped; q/p comes from the slope change. One thread per VELO track, no atomics: the same
   result on any device. */
#include <math.h>

#include "device/event_model/magnet.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/velo_tracks.h"
#include "device/forward/forward_tracking.h"
#include "kst_dialect.h"

#define X_LAYERS 6u
#define CANDIDATES 384u /* per half x layer: the busiest windows of the sample hold about 250 */
/* The merged order refers to a candidate as (half layer << 9) | position, so it takes two bytes (and the stack stays
   within what a GPU thread may have). */
#define POSITION_BITS 9u
#define NONE 0xFFFFFFFFu
#define WINDOWS 8u /* clusters of projections refined per VELO track */

/* The model of one VELO track: its line and the magnet's numbers at its slopes. */
typedef struct track_model {
  float x0, y0, z0, tx, ty;
  float kick_z0, kick_z1, curvature, z_ref, cubic;
  float prior[2]; /* weights of the y correction's prior in the segment fit */
} track_model;

/* A projected x-layer hit. */
typedef struct candidate {
  float x_ref, dtx;
  uint32_t hit, layer;
} candidate;

/* The SciFi layer of the i-th x layer (0, 3, 4, 7, 8, 11) and of the i-th stereo layer (1, 2, 5, 6, 9, 10). */
KST_DEVICE uint32_t x_layer(uint32_t i) { return (i / 2u) * 4u + (i % 2u) * 3u; }
KST_DEVICE uint32_t uv_layer(uint32_t i) { return (i / 2u) * 4u + 1u + i % 2u; }

/* z where the track's line and its T segment cross, for a slope change dtx. */
KST_DEVICE float kick_position(const track_model *m, float dtx) { return m->kick_z0 + m->kick_z1 * dtx * dtx; }

/* How far x moves at z per unit of slope change: the lever arm from the kick, plus the T stations' own bending. */
KST_DEVICE float lever(const track_model *m, float z, float dtx) {
  const float dz = z - m->z_ref;
  return (z - kick_position(m, dtx)) + m->curvature * dz * dz * (1.0f + m->cubic * dz);
}

/* The line's x and y at z. */
KST_DEVICE float line_x(const track_model *m, float z) { return m->x0 + m->tx * (z - m->z0); }
KST_DEVICE float line_y(const track_model *m, float z) { return m->y0 + m->ty * (z - m->z0); }

/* First index in [lo, hi) whose x is at least v (hits are x-sorted in a zone). */
KST_DEVICE uint32_t lower_bound(const float *x, uint32_t lo, uint32_t hi, float v) {
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2u;
    if (x[mid] < v) lo = mid + 1u;
    else hi = mid;
  }
  return lo;
}

/* Whether a hit's fibre reaches the track's y (with the tolerance), and its z there. */
KST_DEVICE int reaches(const kst_scifi_hits_in *h, uint32_t k, float y, float tol) {
  return (y >= h->y_min[k] - tol) & (y <= h->y_max[k] + tol);
}

/* Gathers the candidates of x layer li in one half (0 bottom, 1 top) into c, sorted by x_ref like the zone's hits by
   x: returns how many. */
KST_DEVICE uint32_t gather(const track_model *m, const kst_scifi_hits_in *h, const uint32_t *off, uint32_t li,
                           uint32_t half, float dtx_lo, float dtx_hi, float y_tol, candidate *c) {
  const uint32_t layer = x_layer(li), h0 = off[2u * layer + half], h1 = off[2u * layer + half + 1u];
  if (h0 == h1) return 0;
  const float z = h->z[h0], y = line_y(m, z);
  if ((half == 0u && y > y_tol) || (half == 1u && y < -y_tol)) return 0;
  const float xl = line_x(m, z), x_ref_line = line_x(m, m->z_ref);
  const float x_lo = xl + dtx_lo * lever(m, z, dtx_lo), x_hi = xl + dtx_hi * lever(m, z, dtx_hi);
  /* The layer's fibres share z and dz/dy, so every hit of it is at the same z on the track: its lever arm, a
     function of the slope change through the kick position only, is expanded around the straight line's instead of
     divided per hit (the second order term leaves x_ref within 0.05 mm at the widest window). */
  const float zk = z + h->dzdy[h0] * y, yk = line_y(m, zk), lever0 = lever(m, zk, 0.0f), inv_lever0 = 1.0f / lever0;
  const float xlk = line_x(m, zk), k1 = m->kick_z1 * inv_lever0;
  uint32_t n = 0;
  for (uint32_t k = lower_bound(h->x, h0, h1, x_lo); k < h1 && h->x[k] <= x_hi && n < CANDIDATES; ++k) {
    if (!reaches(h, k, yk, y_tol)) continue;
    const float dtx0 = (h->x[k] - xlk) * inv_lever0, e = k1 * dtx0 * dtx0;
    const float dtx = dtx0 * (1.0f + e * (1.0f + 3.0f * e));
    c[n].x_ref = x_ref_line + dtx * (m->z_ref - kick_position(m, dtx));
    c[n].dtx = dtx;
    c[n].hit = k;
    c[n++].layer = li;
  }
  return n;
}

/* Least squares over the n points with used[i] of the segment model with n_par parameters: x = p0 + p1 u +
   p2 u^2 (1 + cubic' u) - sl (p3 + p4 u), u = (z - z_ref) / 1000 (scaled so floats stay well conditioned). A stereo
   point's x was taken at the VELO line's y, and its slope sl = dx/dy turns p3 + p4 u, the correction to that y,
   into x; x points have sl = 0. Returns 0 when singular. */
KST_DEVICE int fit_segment(const float *zs, const float *xs, const float *sl, const int *used, uint32_t n, uint32_t n_par,
                           float z_ref, float cubic, const float *prior, float *p) {
  float s[5][6];
  for (uint32_t r = 0; r < n_par; ++r)
    for (uint32_t q = 0; q <= n_par; ++q) s[r][q] = 0.0f;
  for (uint32_t i = 0; i < n; ++i) {
    if (!used[i]) continue;
    const float u = (zs[i] - z_ref) * 0.001f;
    const float f[5] = {1.0f, u, u * u * (1.0f + cubic * 1000.0f * u), -sl[i], -sl[i] * u};
    for (uint32_t r = 0; r < n_par; ++r) {
      for (uint32_t q = 0; q < n_par; ++q) s[r][q] += f[r] * f[q];
      s[r][n_par] += f[r] * xs[i];
    }
  }
  /* The y correction's prior (zero, with weights prior[0], prior[1]): a wrong stereo hit cannot drag y far. */
  for (uint32_t r = 3; r < n_par; ++r) s[r][r] += prior[r - 3];
  /* Gaussian elimination without pivoting: the matrix is symmetric positive definite when the points determine the
     parameters; a tiny pivot means they do not. */
  for (uint32_t r = 0; r < n_par; ++r) {
    if (!(s[r][r] > 1e-9f)) return 0;
    for (uint32_t q = r + 1; q < n_par; ++q) {
      const float f = s[q][r] / s[r][r];
      for (uint32_t k = r; k <= n_par; ++k) s[q][k] -= f * s[r][k];
    }
  }
  for (int r = (int)n_par - 1; r >= 0; --r) {
    float v = s[r][n_par];
    for (uint32_t q = (uint32_t)r + 1; q < n_par; ++q) v -= s[r][q] * p[q];
    p[r] = v / s[r][r];
  }
  for (uint32_t r = n_par; r < 5u; ++r) p[r] = 0.0f;
  return 1;
}

/* The segment's x at z on the VELO line's y, corrected for a stereo hit of slope sl. */
KST_DEVICE float segment_x(const float *p, float z, float sl, float z_ref, float cubic) {
  const float u = (z - z_ref) * 0.001f;
  return p[0] + p[1] * u + p[2] * u * u * (1.0f + cubic * 1000.0f * u) - sl * (p[3] + p[4] * u);
}

/* The k-th candidate in merged order. */
#define CAND(k) (lists[order[(k)] >> POSITION_BITS][order[(k)] & ((1u << POSITION_BITS) - 1u)])

/* A cluster of projections: entries [first, last] of the merged candidates, its x layers and its width. */
typedef struct window {
  uint32_t first, last, layers;
  float spread;
} window;

/* More x layers, then narrower. */
KST_DEVICE int better_window(const window *a, const window *b) {
  return a->layers > b->layers || (a->layers == b->layers && a->spread < b->spread);
}

/* A fitted T segment and its hits (used[k]: kept by the fit). */
typedef struct segment {
  float zs[12], xs[12], sl[12], p[5], rms2;
  uint32_t hit[12], layer[12], n, n_used, n_x;
  int used[12];
} segment;

/* Fills sg's hits after its first n_x entries: in each stereo layer (or, with all_layers, in each layer) the hit
   nearest the prediction within tol, a hit measuring x0 + dxdy y on the VELO line's y (x layers: dxdy = 0). The
   prediction is the segment p (five parameters, the track's y corrected) or, without one, the model for slope change
   dtx. Returns the entries. */
KST_DEVICE uint32_t pick_hits(const forward_tracking_args *a, const track_model *m, const kst_scifi_hits_in *h,
                              const uint32_t *off, segment *sg, uint32_t n_x, const float *p, float dtx, int all_layers,
                              float tol) {
  const float y_tol = a->props.y_tolerance;
  uint32_t n = n_x;
  for (uint32_t li = 0; li < (all_layers ? 12u : X_LAYERS); ++li) {
    const uint32_t layer = all_layers ? li : uv_layer(li);
    uint32_t best = NONE;
    float best_d = tol, best_z = 0.0f, best_x = 0.0f, best_sl = 0.0f;
    for (uint32_t half = 0; half < 2u; ++half) {
      const uint32_t h0 = off[2u * layer + half], h1 = off[2u * layer + half + 1u];
      if (h0 == h1) continue;
      const float y = line_y(m, h->z[h0]);
      if ((half == 0u && y > y_tol) || (half == 1u && y < -y_tol)) continue;
      const float z = h->z[h0] + h->dzdy[h0] * y, sl = h->dxdy[h0];
      const float x_pred = p ? segment_x(p, z, sl, m->z_ref, m->cubic) : line_x(m, z) + dtx * lever(m, z, dtx);
      const float at = x_pred - sl * y;
      for (uint32_t k = lower_bound(h->x, h0, h1, at - tol); k < h1 && h->x[k] <= at + tol; ++k) {
        const float zk = h->z[k] + h->dzdy[k] * y, yk = line_y(m, zk);
        if (!reaches(h, k, yk, y_tol)) continue;
        const float xk = h->x[k] + h->dxdy[k] * yk;
        const float d = xk - (p ? segment_x(p, zk, h->dxdy[k], m->z_ref, m->cubic) : line_x(m, zk) + dtx * lever(m, zk, dtx));
        if ((d < 0.0f ? -d : d) < best_d) best = k, best_d = d < 0.0f ? -d : d, best_z = zk, best_x = xk, best_sl = h->dxdy[k];
      }
    }
    if (best != NONE) {
      sg->zs[n] = best_z, sg->xs[n] = best_x, sg->sl[n] = best_sl, sg->hit[n] = best, sg->layer[n] = layer;
      sg->used[n++] = 1;
    }
  }
  return n;
}

/* Fits sg, dropping the worst hit while it is farther than max_residual; the stereo hits correct the track's y when
   there are two of them (a line), else it stays the VELO line's. 0 when fewer than min_layers hits remain. */
KST_DEVICE int fit_dropping(const forward_tracking_args *a, const track_model *m, segment *sg) {
  uint32_t n_used = 0;
  for (uint32_t k = 0; k < sg->n; ++k) n_used += sg->used[k];
  for (;;) {
    uint32_t n_uv = 0;
    for (uint32_t k = 0; k < sg->n; ++k) n_uv += sg->used[k] && sg->sl[k] != 0.0f;
    if (n_used < a->props.min_layers ||
        !fit_segment(sg->zs, sg->xs, sg->sl, sg->used, sg->n, n_uv >= 2u ? 5u : 3u, m->z_ref, m->cubic, m->prior, sg->p))
      return 0;
    uint32_t worst = NONE;
    float worst_d = 0.0f, rms2 = 0.0f;
    for (uint32_t k = 0; k < sg->n; ++k) {
      if (!sg->used[k]) continue;
      const float d = sg->xs[k] - segment_x(sg->p, sg->zs[k], sg->sl[k], m->z_ref, m->cubic);
      rms2 += d * d;
      if (d * d > worst_d) worst = k, worst_d = d * d;
    }
    sg->rms2 = rms2 / (float)n_used;
    sg->n_used = n_used;
    if (worst_d <= a->props.max_residual * a->props.max_residual) return 1;
    sg->used[worst] = 0;
    --n_used;
  }
}

/* Whether the fitted correction to the VELO line's y is within max_dy and max_dty. */
KST_DEVICE int y_matches(const forward_tracking_args *a, const segment *sg) {
  const float dy = sg->p[3], dty = sg->p[4] * 0.001f;
  return dy <= a->props.max_dy && dy >= -a->props.max_dy && dty <= a->props.max_dty && dty >= -a->props.max_dty;
}

/* From a cluster: one hit per x layer (nearest the cluster's mean projection), the stereo hits where the model puts
   the track, and the fitted segment with hits farther than max_residual dropped; 0 when too few layers remain. */
KST_DEVICE int refine(const forward_tracking_args *a, const track_model *m, const kst_scifi_hits_in *h,
                      const uint32_t *off, const candidate (*lists)[CANDIDATES], const uint16_t *order,
                      const window *win, segment *sg) {
  float mean = 0.0f, dtx = 0.0f;
  for (uint32_t k = win->first; k <= win->last; ++k) mean += CAND(k).x_ref;
  mean /= (float)(win->last - win->first + 1u);
  uint32_t chosen[X_LAYERS];
  for (uint32_t li = 0; li < X_LAYERS; ++li) chosen[li] = NONE;
  for (uint32_t k = win->first; k <= win->last; ++k) {
    const uint32_t li = CAND(k).layer;
    const float d = CAND(k).x_ref - mean;
    if (chosen[li] == NONE || d * d < (CAND(chosen[li]).x_ref - mean) * (CAND(chosen[li]).x_ref - mean)) chosen[li] = k;
  }
  uint32_t n = 0;
  for (uint32_t li = 0; li < X_LAYERS; ++li) {
    if (chosen[li] == NONE) continue;
    const uint32_t k = CAND(chosen[li]).hit;
    dtx += CAND(chosen[li]).dtx;
    sg->zs[n] = h->z[k] + h->dzdy[k] * line_y(m, h->z[k]), sg->xs[n] = h->x[k], sg->sl[n] = 0.0f, sg->hit[n] = k;
    sg->layer[n] = x_layer(li);
    sg->used[n++] = 1;
  }
  dtx /= (float)n;
  /* The x hits alone fix the segment when they can (one spare), and then place the stereo hits better than the
     model's mean slope change does. */
  sg->n = n;
  const int x_fit = n >= 4u && fit_segment(sg->zs, sg->xs, sg->sl, sg->used, n, 3u, m->z_ref, m->cubic, m->prior, sg->p);
  const uint32_t n_x_hits = n;
  /* Stereo hits, chosen again once the fit has corrected the track's y: the hit nearest the first prediction is
     often another particle's when the VELO line's y is a few mm off. */
  n = pick_hits(a, m, h, off, sg, n_x_hits, x_fit ? sg->p : NULL, dtx, 0, a->props.uv_tolerance);
  for (int again = 0; again < 2 && n >= n_x_hits + 2u; ++again) {
    float p[5];
    if (!fit_segment(sg->zs, sg->xs, sg->sl, sg->used, n, 5u, m->z_ref, m->cubic, m->prior, p)) break;
    n = pick_hits(a, m, h, off, sg, n_x_hits, p, dtx, 0, a->props.uv_tolerance);
  }
  sg->n = n;
  if (n < a->props.min_layers || !fit_dropping(a, m, sg)) return 0;
  /* Every layer once more around the fitted segment: the cluster's nearest x hit was not always the track's. */
  float p[5];
  for (int k = 0; k < 5; ++k) p[k] = sg->p[k];
  sg->n = pick_hits(a, m, h, off, sg, 0u, p, dtx, 1, a->props.max_residual);
  if (sg->n < a->props.min_layers || !fit_dropping(a, m, sg)) return 0;
  n = sg->n;
  /* The stereo hits' y must continue the VELO track's (another particle's T segment rarely does), and the hits must
     lie close to the segment. One hit of another particle can bend the fit away: a segment that fails is tried once
     more without each of its hits in turn, and the best that passes is kept. */
  const float max_rms2 = a->props.max_rms * a->props.max_rms;
  if (!y_matches(a, sg) || sg->rms2 > max_rms2) {
    /* Only near misses are worth the refits: one foreign hit moves a good segment by a few times the cuts. */
    const float dty = sg->p[4] * 0.001f;
    if (sg->rms2 > 4.0f * max_rms2 || dty > 4.0f * a->props.max_dty || dty < -4.0f * a->props.max_dty) return 0;
    segment trial, best_trial;
    int found = 0;
    for (uint32_t k = 0; k < n; ++k) {
      if (!sg->used[k]) continue;
      trial = *sg;
      trial.used[k] = 0;
      if (!fit_dropping(a, m, &trial) || !y_matches(a, &trial) || trial.rms2 > max_rms2) continue;
      if (!found || trial.rms2 < best_trial.rms2) best_trial = trial, found = 1;
    }
    if (!found) return 0;
    *sg = best_trial;
  }
  sg->n_x = 0;
  for (uint32_t k = 0; k < n; ++k) sg->n_x += sg->used[k] && (sg->layer[k] % 4u == 0u || sg->layer[k] % 4u == 3u);
  return sg->n_x >= a->props.min_x_layers;
}

/* Searches one VELO track; writes its long-track slot. */
KST_DEVICE void forward_track(const forward_tracking_args *a, const kst_magnet *magnet, const kst_scifi_hits_in *h,
                              const uint32_t *off, uint32_t t) {
  const kst_velo_state *s = &a->dev_velo_states_end.data[t];
  kst_long_track *out = &a->dev_long_tracks.data[t];
  uint32_t *out_hits = &a->dev_long_scifi_hits.data[(uint64_t)t * KST_LONG_MAX_SCIFI_HITS];
  out->n_hits = 0;
  /* The state is at the track's most downstream hit: upstream of min_end_z the track goes backward. */
  if (!(s->tx <= a->props.max_slope && s->tx >= -a->props.max_slope && s->ty <= a->props.max_slope &&
        s->ty >= -a->props.max_slope) || !(s->z >= a->props.min_end_z))
    return;
  const float tx2 = s->tx * s->tx, ty2 = s->ty * s->ty;
  track_model m;
  m.x0 = s->x, m.y0 = s->y, m.z0 = s->z, m.tx = s->tx, m.ty = s->ty;
  m.kick_z0 = a->props.kick_z[0] + a->props.kick_z[2] * tx2 + a->props.kick_z[3] * ty2;
  m.kick_z1 = a->props.kick_z[1];
  m.curvature = a->props.curvature[0] + a->props.curvature[1] * tx2 + a->props.curvature[2] * ty2;
  m.z_ref = a->props.z_ref, m.cubic = a->props.cubic;
  /* (hit resolution / prior width)^2, the y slope in the fit's scaled units (per 1000 mm). */
  const float res = a->props.y_prior[0], sdy = a->props.y_prior[1], sdty = a->props.y_prior[2] * 1000.0f;
  m.prior[0] = (res * res) / (sdy * sdy), m.prior[1] = (res * res) / (sdty * sdty);
  const float scale = a->props.momentum_scale[0] + a->props.momentum_scale[1] * tx2 + a->props.momentum_scale[2] * ty2;
  const float dtx_max = scale / a->props.min_p, y_tol = a->props.y_tolerance;
  /* The slope changes searched: all those of the momentum range. */
  const float dtx_lo = -dtx_max, dtx_hi = dtx_max;

  /* Candidates of the six x layers' twelve half layers (each sorted by x_ref), merged by x_ref. */
  candidate lists[2u * X_LAYERS][CANDIDATES];
  uint16_t order[2u * X_LAYERS * CANDIDATES];
  /* The scan reads only each projection's x_ref, width and layer: kept side by side in merged order. */
  float scan_x[2u * X_LAYERS * CANDIDATES], scan_w[2u * X_LAYERS * CANDIDATES];
  uint8_t scan_layer[2u * X_LAYERS * CANDIDATES];
  uint32_t n_c[2u * X_LAYERS], head[2u * X_LAYERS], n_all = 0;
  for (uint32_t l = 0; l < 2u * X_LAYERS; ++l) n_c[l] = gather(&m, h, off, l / 2u, l % 2u, dtx_lo, dtx_hi, y_tol, lists[l]), head[l] = 0;
  /* The non-empty lists, kept ordered by their next x_ref: the smallest is taken, and its list's next entry is
     moved back into place (usually a step or two). */
  uint32_t live[2u * X_LAYERS], n_live = 0;
  for (uint32_t l = 0; l < 2u * X_LAYERS; ++l) {
    if (!n_c[l]) continue;
    uint32_t at = n_live++;
    while (at > 0u && lists[live[at - 1]][0].x_ref > lists[l][0].x_ref) live[at] = live[at - 1], --at;
    live[at] = l;
  }
  while (n_live > 0u) {
    const uint32_t l = live[0];
    const candidate *cd = &lists[l][head[l]];
    scan_x[n_all] = cd->x_ref, scan_layer[n_all] = (uint8_t)cd->layer;
    scan_w[n_all] = a->props.window[0] + a->props.window[1] * (cd->dtx < 0.0f ? -cd->dtx : cd->dtx);
    order[n_all++] = (uint16_t)(l << POSITION_BITS | head[l]++);
    if (head[l] == n_c[l]) {
      for (uint32_t k = 1; k < n_live; ++k) live[k - 1] = live[k];
      --n_live;
      continue;
    }
    const float next = lists[l][head[l]].x_ref;
    uint32_t at = 0;
    while (at + 1u < n_live && lists[live[at + 1]][head[live[at + 1]]].x_ref < next) live[at] = live[at + 1], ++at;
    live[at] = l;
  }

  /* Clusters of projections: overlapping windows that reach min_x_layers are one cluster, represented by its window
     with the most x layers (then the narrowest). The best few clusters are refined and the best result is kept. */
  window win[WINDOWS];
  uint32_t n_win = 0, count[X_LAYERS] = {0, 0, 0, 0, 0, 0}, distinct = 0, i = 0, current = NONE, last_end = 0;
  for (uint32_t j = 0; j < n_all; ++j) {
    if (count[scan_layer[j]]++ == 0u) ++distinct;
    while (scan_x[j] - scan_x[i] > scan_w[j]) {
      if (--count[scan_layer[i]] == 0u) --distinct;
      ++i;
    }
    if (distinct < a->props.min_x_layers) continue;
    const window w = {i, j, distinct, scan_x[j] - scan_x[i]};
    /* A window overlapping the current cluster's stays in it (kept if better); otherwise it starts a new cluster,
       which takes a free place or the worst one's. */
    if (current != NONE && i <= last_end) {
      if (better_window(&w, &win[current])) win[current] = w;
    } else if (n_win < WINDOWS) {
      current = n_win;
      win[n_win++] = w;
    } else {
      uint32_t worst = 0;
      for (uint32_t k = 1; k < WINDOWS; ++k)
        if (better_window(&win[worst], &win[k])) worst = k;
      current = better_window(&w, &win[worst]) ? worst : NONE;
      if (current != NONE) win[worst] = w;
    }
    last_end = j;
  }
  segment best, cur;
  best.n_used = 0, best.rms2 = 0.0f;
  for (uint32_t k = 0; k < n_win; ++k) {
    if (!refine(a, &m, h, off, lists, order, &win[k], &cur)) continue;
    if (best.n_used == 0 || cur.n_used > best.n_used || (cur.n_used == best.n_used && cur.rms2 < best.rms2)) best = cur;
  }
  if (best.n_used == 0) return;

  /* Slope at the reference plane (b / 1000 in the scaled fit) against the VELO slope. */
  const float tx_t = best.p[1] * 0.001f;
  /* Momentum from the slopes at the T state (z_state): LHCb's parametrisation of the bend, published with its
     VELO-SciFi matching, c0 + txT^2 (c1 + c2 txT^2) + c3 txT txV + tyV^2 (c4 + c5 tyV^2) + c6 txV^2, over the slope
     change, plus a constant c7 of the bend's sign. */
  const float u = (a->props.z_state - m.z_ref) * 0.001f;
  const float tx_state = (best.p[1] + best.p[2] * u * (2.0f + 3.0f * m.cubic * 1000.0f * u)) * 0.001f;
  const float bend = tx_state - m.tx, *c = a->props.momentum;
  const float coef = c[0] + tx_state * tx_state * (c[1] + c[2] * tx_state * tx_state) + c[3] * tx_state * m.tx +
                     ty2 * (c[4] + c[5] * ty2) + c[6] * tx2;
  const float qp = -magnet->polarity * coef / bend + (bend < 0.0f ? -c[7] : c[7]);
  out->qop = 1.0f / qp;
  (void)scale;
  out->x = best.p[0], out->tx = tx_t, out->curvature = best.p[2] * 1e-6f;
  out->y = line_y(&m, m.z_ref) + best.p[3], out->ty = m.ty + best.p[4] * 0.001f;
  out->rms = sqrtf(best.rms2);
  out->n_x_layers = best.n_x;
  uint32_t w = 0;
  for (uint32_t layer = 0; layer < 12u; ++layer)
    for (uint32_t k = 0; k < best.n; ++k)
      if (best.used[k] && best.layer[k] == layer) out_hits[w++] = best.hit[k];
  out->n_hits = w;
  /* The quality that settles which of two tracks sharing a T segment keeps it: the fit and the y match in units of
     their expected spreads, a unit per missing layer, and the VELO track's hits (a VELO ghost is short). */
  const float dy = best.p[3] / a->props.y_prior[1], dty = best.p[4] * 0.001f / a->props.y_prior[2];
  out->quality = best.rms2 / (a->props.y_prior[0] * a->props.y_prior[0]) + dy * dy + dty * dty + (float)(12u - w) -
                 a->props.velo_hit_weight * (float)a->dev_velo_track_n_hits.data[t];
}

/* Whether long track t gives way to another of the event's tracks [t0, t1) that shares at least half of the hits of
   the shorter one and has the better quality (ties: the lower index). */
KST_DEVICE int gives_way(const forward_tracking_args *a, uint32_t t, uint32_t t0, uint32_t t1) {
  const kst_long_track *me = &a->dev_long_tracks.data[t];
  const uint32_t *mine = &a->dev_long_scifi_hits.data[(uint64_t)t * KST_LONG_MAX_SCIFI_HITS];
  for (uint32_t u = t0; u < t1; ++u) {
    const kst_long_track *other = &a->dev_long_tracks.data[u];
    if (u == t || other->n_hits == 0u) continue;
    if (!(other->quality < me->quality || (other->quality == me->quality && u < t))) continue;
    const uint32_t *theirs = &a->dev_long_scifi_hits.data[(uint64_t)u * KST_LONG_MAX_SCIFI_HITS];
    uint32_t shared = 0;
    for (uint32_t i = 0; i < me->n_hits; ++i)
      for (uint32_t j = 0; j < other->n_hits; ++j) shared += mine[i] == theirs[j];
    if (2u * shared >= (me->n_hits < other->n_hits ? me->n_hits : other->n_hits)) return 1;
  }
  return 0;
}

KST_GLOBAL forward_kernel(forward_tracking_args a, const kst_magnet *magnet) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t *off = &a.dev_scifi_hit_offsets.data[(uint64_t)e * KST_SCIFI_OFFSETS_PER_EVENT];
  const kst_scifi_hits_in h = kst_scifi_hits_view(a.dev_scifi_hits.data, a.dev_scifi_hits.count);
  const uint32_t t0 = a.dev_velo_track_offsets.data[e], t1 = a.dev_velo_track_offsets.data[e + 1];
  for (uint32_t t = t0 + threadIdx.x; t < t1; t += blockDim.x) forward_track(&a, magnet, &h, off, t);
  kst_syncthreads();
  /* One T segment, one long track: the decisions are taken on the complete set, then applied. */
  for (uint32_t t = t0 + threadIdx.x; t < t1; t += blockDim.x)
    a.dev_long_keep.data[t] = a.dev_long_tracks.data[t].n_hits != 0u && !gives_way(&a, t, t0, t1);
  kst_syncthreads();
  for (uint32_t t = t0 + threadIdx.x; t < t1; t += blockDim.x)
    if (!a.dev_long_keep.data[t]) a.dev_long_tracks.data[t].n_hits = 0;
}

KST_EXTERN_C kst_status kst_forward_tracking_launch(forward_tracking_args a, const kst_magnet *magnet, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  KST_LAUNCH(forward_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1),
             KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, magnet);
  return kst_launch_check("forward_kernel");
}
