/* pv_beamline kernel, one block per event: (1) each track adds a triangle of weight around its z at the beam line
   to a fixed-point histogram (integer atomics: the sum does not depend on order), (2) one thread turns peaks into
   seeds, (3) one thread per seed runs an adaptive least-squares vertex fit over the tracks nearest to it, each
   track's weight shared among the vertices by likelihood, (4) one thread keeps the good vertices, ordered in z,
   merges those that are one vertex (too close, or the smaller has no tracks of its own), and the survivors are
   refitted. The fit only ever looks at tracks within fit_window in z of a vertex, so the tracks are first copied in
   order of coarse z bucket, a float array per quantity: a vertex's candidates are one contiguous run of that copy
   instead of every track of the event, read with unit stride (coalesced on a GPU, vectorised on the CPU). */
#include "device/pv/pv_beamline.h"
#include "device/common/kst_math.h"
#include "device/event_model/event_list.h"
#include "kst_dialect.h"

#include <math.h>
#include <string.h>

#define WEIGHT_ONE 65536.0f
#define PV_BUCKETS 512u

/* Coarse z bucket of a beam-line z (out of range and NaN go to the end buckets). */
KST_DEVICE uint32_t z_bucket(float z, float z_lo, float z_hi) {
  const float f = (z - z_lo) * ((float)PV_BUCKETS / (z_hi - z_lo));
  return !(f >= 0.0f) ? 0u : f >= (float)(PV_BUCKETS - 1u) ? PV_BUCKETS - 1u : (uint32_t)f;
}

/* The run [*begin, *end) of the z order holding every track within window of z (and maybe a few more). */
KST_DEVICE void z_run(const uint32_t *bucket_start, float z, float window, float z_lo, float z_hi, uint32_t *begin,
                      uint32_t *end) {
  *begin = bucket_start[z_bucket(z - window, z_lo, z_hi)];
  *end = bucket_start[z_bucket(z + window, z_lo, z_hi) + 1u];
}

/* The track's point of closest approach to the beam line: z, distance, and the z uncertainty. */
KST_DEVICE void beam_point(const kst_velo_state *s, float bx, float by, float *z, float *doca, float *sigma_z) {
  const float t2 = s->tx * s->tx + s->ty * s->ty + 1e-12f;
  const float dz = -((s->x - bx) * s->tx + (s->y - by) * s->ty) / t2;
  const float x = s->x + s->tx * dz - bx, y = s->y + s->ty * dz - by;
  *z = s->z + dz;
  *doca = sqrtf(x * x + y * y);
  *sigma_z = sqrtf((s->c00 * s->tx * s->tx + s->c11 * s->ty * s->ty) / (t2 * t2));
}

/* Inverts a symmetric 3x3 (xx, xy, yy, xz, yz, zz) by its adjugate; returns 0 when singular. */
KST_DEVICE int invert_sym3(const float m[6], float out[6]) {
  const float a = m[0], b = m[1], c = m[3], d = m[2], e = m[4], f = m[5];
  const float A = d * f - e * e, B = -(b * f - e * c), C = b * e - d * c;
  const float det = a * A + b * B + c * C;
  if (!(det > 0.0f)) return 0;
  out[0] = A / det;
  out[1] = B / det;
  out[2] = (a * f - c * c) / det;
  out[3] = C / det;
  out[4] = -(a * e - b * c) / det;
  out[5] = (a * d - b * b) / det;
  return 1;
}

/* An event's n tracks in z order (dev_tracks_by_z): field k of track i at f[k * stride + i]. The stride leaves
   PV_STRIPES spare floats after each field, so that the CPU can read whole stripes past the last track. */
typedef struct {
  const float *f;
  uint32_t n, stride;
} pv_tracks;

/* The beam-line state of the i-th track in z order f, whose fields are stride floats apart (without its fit chi2). */
KST_DEVICE kst_velo_state pv_state(const float *f, uint32_t stride, uint32_t i) {
  kst_velo_state s;
  s.x = f[PV_X * stride + i], s.y = f[PV_Y * stride + i], s.z = f[PV_Z * stride + i];
  s.tx = f[PV_TX * stride + i], s.ty = f[PV_TY * stride + i];
  s.c00 = f[PV_C00 * stride + i], s.c20 = f[PV_C20 * stride + i], s.c22 = f[PV_C22 * stride + i];
  s.c11 = f[PV_C11 * stride + i], s.c31 = f[PV_C31 * stride + i], s.c33 = f[PV_C33 * stride + i];
  s.chi2 = 0.0f, s.ndof = 0u;
  return s;
}

/* The z at the beam line of the i-th track in z order. */
KST_DEVICE float pv_beam_z(const pv_tracks *tk, uint32_t i) { return tk->f[PV_BEAM_Z * tk->stride + i]; }

/* Chi2 of a track to a vertex position, from the track's x and y extrapolated to the vertex z. */
KST_DEVICE float track_chi2(const kst_velo_state *s, float vx, float vy, float vz) {
  const float dz = vz - s->z;
  const float rx = s->x + s->tx * dz - vx, ry = s->y + s->ty * dz - vy;
  const float vxx = s->c00 + dz * (2.0f * s->c20 + dz * s->c22), vyy = s->c11 + dz * (2.0f * s->c31 + dz * s->c33);
  return rx * rx / vxx + ry * ry / vyy;
}

/* A track's compatibility with a vertex, exp(-chi2 / 2), cut to zero at max_chi2 so that far tracks cost nothing.
   The exponential is taken either way and then selected, which lets the CPU build vectorise the loops over tracks. */
KST_DEVICE float track_p(float chi2, float max_chi2) {
  const float p = kst_exp_negf(0.5f * chi2);
  return p * (float)(chi2 < max_chi2);
}

/* Whether a track whose beam-line z is gap from a vertex's is considered for it. */
KST_DEVICE int in_window(float gap, float window) { return !(gap > window || gap < -window); }

/* A vertex fit's sums over its tracks, f[PV_H + 0..5] the normal matrix H (xx, xy, yy, xz, yz, zz), f[PV_G + 0..2]
   the gradient g, then the weighted chi2 and the weight; and the number of tracks above min_track_weight. */
enum { PV_H = 0, PV_G = 6, PV_CHI2 = 9, PV_W = 10, PV_SUMS = 11 };
typedef struct {
  float f[PV_SUMS];
  uint32_t used;
} fit_sums;

/* The sums are taken in PV_STRIPES interleaved stripes (run position i goes to stripe (i - begin) % PV_STRIPES) and
   the stripes added in a fixed tree. A GPU warp's lanes take a stripe each and the CPU computes a stripe's worth of
   tracks in one vectorised loop: both add the same numbers in the same order, so they agree to the bit.
   PV_STRIPES (32) is in pv_beamline.h, as the track layout depends on it. */

/* Track i's terms in vertex v's sums: all zero when it lies outside fit_window or beyond max_chi2, or is not live
   (a CPU stripe's slot past the run), whatever its numbers; adding a zero changes no sum, as no sum can be -0. Terms
   that the fit subtracts are stored negated. */
KST_DEVICE fit_sums track_terms(const pv_beamline_args *a, const pv_tracks *tk, const float *weight_sum, uint32_t i,
                                const kst_pv *v, int live) {
  const kst_velo_state st = pv_state(tk->f, tk->stride, i);
  const float dz = v->z - st.z;
  const float rx = st.x + st.tx * dz - v->x, ry = st.y + st.ty * dz - v->y;
  const float wx = 1.0f / (st.c00 + dz * (2.0f * st.c20 + dz * st.c22));
  const float wy = 1.0f / (st.c11 + dz * (2.0f * st.c31 + dz * st.c33));
  const float chi2 = rx * rx * wx + ry * ry * wy, p = track_p(chi2, a->props.max_chi2);
  const int take = live & in_window(pv_beam_z(tk, i) - v->z, a->props.fit_window) & (p != 0.0f);
  const float w = p / weight_sum[i];
  /* Residual derivatives: d(rx)/d(vx, vy, vz) = (-1, 0, tx), d(ry)/d(...) = (0, -1, ty). */
  float f[PV_SUMS];
  f[PV_H + 0] = w * wx;
  f[PV_H + 1] = 0.0f;
  f[PV_H + 2] = w * wy;
  f[PV_H + 3] = -(w * wx * st.tx);
  f[PV_H + 4] = -(w * wy * st.ty);
  f[PV_H + 5] = w * (wx * st.tx * st.tx + wy * st.ty * st.ty);
  f[PV_G + 0] = -(w * wx * rx);
  f[PV_G + 1] = -(w * wy * ry);
  f[PV_G + 2] = w * (wx * rx * st.tx + wy * ry * st.ty);
  f[PV_CHI2] = w * chi2;
  f[PV_W] = w;
  fit_sums t;
  for (int k = 0; k < PV_SUMS; ++k) t.f[k] = take ? f[k] : 0.0f;
  t.used = (uint32_t)(take & (w > a->props.min_track_weight));
  return t;
}

/* The lanes of a warp that share a vertex's PV_STRIPES stripes, and the stripes each takes: a stripe each on a GPU;
   all of them for the one lane of a CPU block, which computes a stripe's worth of tracks in one vectorised loop. */
#define PV_LANES (PV_STRIPES < KST_WARP_SIZE ? PV_STRIPES : KST_WARP_SIZE)
#define PV_LANE_STRIPES (PV_STRIPES / PV_LANES)

/* Vertex v's sums over the tracks of its z run, complete in lane 0 (every lane of the warp calls it). One code for
   every warp size: a lane sums its stripes over whole rows of PV_STRIPES tracks (the slots past the run are not live
   and add zeros: the tracks' fields and weight sums have a row's spare floats after them, and a fixed-length loop
   vectorises without a scalar remainder), adds its stripes in a tree, then the lanes add theirs in the same tree by
   shuffles, so every warp size adds the same numbers in the same order. */
KST_DEVICE fit_sums vertex_sums(const pv_beamline_args *a, const pv_tracks *tk, const float *weight_sum,
                                const uint32_t *bucket_start, const kst_pv *v) {
  uint32_t begin, end;
  z_run(bucket_start, v->z, a->props.fit_window, a->props.z_range[0], a->props.z_range[1], &begin, &end);
  const uint32_t lane = kst_lane();
  float acc[PV_SUMS][PV_LANE_STRIPES];
  uint32_t used[PV_LANE_STRIPES];
  for (uint32_t j = 0; j < PV_LANE_STRIPES; ++j) {
    for (int k = 0; k < PV_SUMS; ++k) acc[k][j] = 0.0f;
    used[j] = 0;
  }
  if (lane < PV_LANES)
    for (uint32_t row = begin + lane * PV_LANE_STRIPES; row < end; row += PV_STRIPES)
      for (uint32_t j = 0; j < PV_LANE_STRIPES; ++j) {
        const uint32_t i = row + j;
        const fit_sums t = track_terms(a, tk, weight_sum, i, v, i < end);
        for (int k = 0; k < PV_SUMS; ++k) acc[k][j] += t.f[k];
        used[j] += t.used;
      }
  for (uint32_t d = PV_LANE_STRIPES / 2; d > 0; d >>= 1) {
    for (int k = 0; k < PV_SUMS; ++k)
      for (uint32_t l = 0; l < d; ++l) acc[k][l] += acc[k][l + d];
    for (uint32_t l = 0; l < d; ++l) used[l] += used[l + d];
  }
  fit_sums s;
  for (int k = 0; k < PV_SUMS; ++k) s.f[k] = acc[k][0];
  s.used = used[0];
  for (uint32_t d = PV_LANES / 2; d > 0; d >>= 1) {
    for (int k = 0; k < PV_SUMS; ++k) s.f[k] += kst_shfl_down_f32(s.f[k], d);
    s.used += kst_shfl_u32(s.used, lane + d < KST_WARP_SIZE ? lane + d : lane);
  }
  return s;
}

/* One Newton step of vertex v, by a whole warp. A track's weight is its compatibility with v over the sum of its
   compatibilities with every vertex plus the outlier term exp(-chi2_cut / 2): close to 1 for a track that fits v
   alone, shared by likelihood between two vertices that both fit it, and below one half beyond chi2_cut. Lane 0
   moves the vertex and returns 0 when it is lost; the other lanes return 1. */
KST_DEVICE int fit_step(const pv_beamline_args *a, const pv_tracks *tk, const float *weight_sum,
                        const uint32_t *bucket_start, kst_pv *v, int last) {
  const fit_sums s = vertex_sums(a, tk, weight_sum, bucket_start, v);
  float cov[6];
  if (kst_lane() != 0) return 1;
  if (s.used < 2u || !invert_sym3(&s.f[PV_H], cov)) return 0;
  /* Newton step: minimise sum w chi2, so v -= H^-1 g. */
  const float *g = &s.f[PV_G], w = s.f[PV_W];
  v->x -= cov[0] * g[0] + cov[1] * g[1] + cov[3] * g[2];
  v->y -= cov[1] * g[0] + cov[2] * g[1] + cov[4] * g[2];
  v->z -= cov[3] * g[0] + cov[4] * g[1] + cov[5] * g[2];
  if (last) {
    for (int i = 0; i < 6; ++i) v->cov[i] = cov[i];
    v->chi2 = s.f[PV_CHI2];
    v->ndof = w * 2.0f > 3.0f ? (uint32_t)(w * 2.0f - 3.0f + 0.5f) : 0u;
    v->n_tracks = s.used;
  }
  return 1;
}

/* The CPU's path (docs/kernels.md): the weight sums walk each vertex's z run in a vectorised loop (below) instead of
   each thread taking whole tracks; -DKST_PV_BEAMLINE_CPU_PATH=0 runs the GPU's loop on the CPU. */
#ifndef KST_PV_BEAMLINE_CPU_PATH
#define KST_PV_BEAMLINE_CPU_PATH KST_CPU_PATH_DEFAULT
#endif

#if KST_PV_BEAMLINE_CPU_PATH
/* Adds vertex v's compatibility to the weight sums ws of the tracks [begin, end) of the z order tk (those within
   window of it in z; the others get a zero added, which changes no sum as none is -0). Whole stripes at a time, as in
   vertex_sums, through a local array: the compiler vectorises that loop, as its stores cannot alias the tracks. */
static void add_compatibility(float *ws, const pv_tracks *tk, uint32_t begin, uint32_t end, const kst_pv *v,
                              float window, float max_chi2) {
  const float *f = tk->f, vx = v->x, vy = v->y, vz = v->z;
  const uint32_t stride = tk->stride;
  for (uint32_t base = begin; base < end; base += PV_STRIPES) {
    float add[PV_STRIPES];
    for (uint32_t j = 0; j < PV_STRIPES; ++j) {
      const kst_velo_state st = pv_state(f, stride, base + j);
      const float gap = f[PV_BEAM_Z * stride + base + j] - vz, p = track_p(track_chi2(&st, vx, vy, vz), max_chi2);
      /* Selected, not multiplied: the spare slots past the run hold any bits. */
      add[j] = ((gap <= window) & (gap >= -window) & (base + j < end)) ? p : 0.0f;
    }
    for (uint32_t j = 0; j < PV_STRIPES; ++j) ws[base + j] += add[j];
  }
}
#endif

/* Adaptive multi-vertex fit, called by every thread of the block: all vertices move together for `rounds` Newton
   steps, each step sharing every track among them. The extra weight round after the last step leaves weight_sum
   describing the final vertices, for the next seeding pass. */
KST_DEVICE void fit_vertices(const pv_beamline_args *a, const pv_tracks *tk, float *weight_sum,
                             const uint32_t *bucket_start, kst_pv *pvs, uint32_t n_pvs, float p_cut, uint32_t rounds) {
  const float window = a->props.fit_window;
  const uint32_t n = tk->n;
  for (uint32_t it = 0; it <= rounds; ++it) {
    /* Each track's share denominator: p_cut plus its compatibility with every vertex within window, added in vertex
       index order. A GPU gives each thread whole tracks (a track's state is read once, the vertices' loads are
       independent); the CPU walks each vertex's z run, which visits only the tracks near it, in a vectorised loop
       that adds a zero for a track outside the window (no sum is -0, so nothing changes). The additions and their
       order per track are the same, so the sums agree to the bit. */
#if !KST_PV_BEAMLINE_CPU_PATH
    for (uint32_t i = threadIdx.x; i < n; i += blockDim.x) {
      const float z = pv_beam_z(tk, i);
      const kst_velo_state st = pv_state(tk->f, tk->stride, i);
      float sum = p_cut;
      for (uint32_t v = 0; v < n_pvs; ++v) {
        const float gap = z - pvs[v].z;
        if (pvs[v].n_tracks && gap <= window && gap >= -window)
          sum += track_p(track_chi2(&st, pvs[v].x, pvs[v].y, pvs[v].z), a->props.max_chi2);
      }
      weight_sum[i] = sum;
    }
#else
    for (uint32_t i = 0; i < n; ++i) weight_sum[i] = p_cut;
    for (uint32_t v = 0; v < n_pvs; ++v) {
      if (!pvs[v].n_tracks) continue;
      uint32_t begin, end;
      z_run(bucket_start, pvs[v].z, window, a->props.z_range[0], a->props.z_range[1], &begin, &end);
      add_compatibility(weight_sum, tk, begin, end, &pvs[v], window, a->props.max_chi2);
    }
#endif
    kst_syncthreads();
    if (it == rounds) break;
    /* A warp per vertex (on the CPU, the block's one thread). */
    const uint32_t n_warps = blockDim.x / KST_WARP_SIZE;
    for (uint32_t v = threadIdx.x / KST_WARP_SIZE; v < n_pvs; v += n_warps)
      if (pvs[v].n_tracks && !fit_step(a, tk, weight_sum, bucket_start, &pvs[v], it + 1 == rounds))
        pvs[v].n_tracks = 0;
    kst_syncthreads();
  }
}

/* How many tracks near `own` fit it well (chi2 below chi2_cut) and `other` not at all (chi2 of max_chi2 or more):
   the tracks that only `own` explains. Every lane of a warp calls it and gets the count; the lanes take a track
   each, so the serial merge pass costs a warp-wide stride per pair instead of a walk by one thread. */
KST_DEVICE uint32_t own_tracks(const pv_beamline_args *a, const pv_tracks *tk, const uint32_t *bucket_start,
                               const kst_pv *own, const kst_pv *other) {
  uint32_t begin, end, n = 0;
  z_run(bucket_start, own->z, a->props.fit_window, a->props.z_range[0], a->props.z_range[1], &begin, &end);
  for (uint32_t base = begin; base < end; base += KST_WARP_SIZE) {
    const uint32_t i = base + kst_lane();
    int mine = 0;
    if (i < end) {
      const kst_velo_state st = pv_state(tk->f, tk->stride, i);
      const float gap = pv_beam_z(tk, i) - own->z;
      mine = gap <= a->props.fit_window && gap >= -a->props.fit_window &&
             track_chi2(&st, own->x, own->y, own->z) < a->props.chi2_cut &&
             !(track_chi2(&st, other->x, other->y, other->z) < a->props.max_chi2);
    }
    n += kst_popc(kst_ballot(mine));
  }
  return n;
}

/* Whether two neighbouring fitted vertices are one: closer in z than min_separation or than min_separation_sigmas
   times their combined z uncertainty (two seeds on one vertex share its tracks and settle a few sigma apart), or the
   one with fewer tracks has fewer than min_own_tracks tracks of its own. Distance alone cannot tell a real small
   vertex next to a big one from a satellite of the big one (built from its poorly measured tracks, which fit both):
   the real one has tracks the big one cannot explain. */
KST_DEVICE int same_vertex(const pv_beamline_args *a, const pv_tracks *tk, const uint32_t *bucket_start,
                           const kst_pv *u, const kst_pv *v) {
  const float dz = v->z - u->z, d = a->props.min_separation, k = a->props.min_separation_sigmas;
  if (dz * dz < d * d || dz * dz < k * k * (u->cov[5] + v->cov[5])) return 1;
  const kst_pv *small = v->n_tracks < u->n_tracks ? v : u, *big = small == v ? u : v;
  return own_tracks(a, tk, bucket_start, small, big) < a->props.min_own_tracks;
}

/* One warp (every lane calls it; lane 0 writes): drops vertices with too few tracks or too large a z uncertainty,
   orders the rest in z, and of two that are the same vertex keeps the one with more tracks (the smaller z
   uncertainty on a tie). Returns, in every lane, how many are left at the front of pvs; *merged says whether any
   pair was merged. */
KST_DEVICE uint32_t prune_vertices(const pv_beamline_args *a, const pv_tracks *tk, const uint32_t *bucket_start,
                                   kst_pv *pvs, uint32_t n_pvs, int *merged) {
  const float max_var = a->props.max_sigma_z * a->props.max_sigma_z;
  const int writer = kst_lane() == 0;
  uint32_t kept = 0;
  if (writer)
    for (uint32_t s = 0; s < n_pvs; ++s) {
      if (pvs[s].n_tracks < a->props.min_tracks || !(pvs[s].cov[5] < max_var)) continue;
      const kst_pv v = pvs[s];
      uint32_t j = kept;
      while (j > 0 && pvs[j - 1].z > v.z) pvs[j] = pvs[j - 1], --j;
      pvs[j] = v;
      kept++;
    }
  kept = kst_shfl_u32(kept, 0);
  kst_syncwarp();
  uint32_t out = 0;
  int any = 0;
  for (uint32_t s = 0; s < kept; ++s) {
    if (out > 0 && same_vertex(a, tk, bucket_start, &pvs[out - 1], &pvs[s])) {
      kst_syncwarp();
      if (writer) {
        const kst_pv *u = &pvs[out - 1], *v = &pvs[s];
        if (v->n_tracks > u->n_tracks || (v->n_tracks == u->n_tracks && v->cov[5] < u->cov[5])) pvs[out - 1] = pvs[s];
      }
      kst_syncwarp();
      any = 1;
      continue;
    }
    kst_syncwarp();
    if (writer) pvs[out] = pvs[s];
    kst_syncwarp();
    out++;
  }
  if (writer) *merged = any;
  return out;
}

/* Marks the histogram's non-empty bins, 32 to a word, so that the seed search (one thread) skips the empty ones
   instead of reading every bin. Thread w starts its word at bin (w mod 32), so a warp's reads hit 32 banks. */
KST_DEVICE void mark_occupied(const uint32_t *h, uint32_t n_bins, uint32_t *occupied) {
  const uint32_t n_words = (n_bins + 31u) / 32u;
  for (uint32_t w = threadIdx.x; w < n_words; w += blockDim.x) {
    uint32_t bits = 0;
    for (uint32_t j = 0; j < 32u; ++j) {
      const uint32_t b = (j + w) % 32u;
      bits |= (uint32_t)(32u * w + b < n_bins && h[32u * w + b] != 0u) << b;
    }
    occupied[w] = bits;
  }
}

/* The first non-empty bin at or after i (n_bins when none). */
KST_DEVICE uint32_t next_occupied(const uint32_t *occupied, uint32_t i, uint32_t n_bins) {
  const uint32_t n_words = (n_bins + 31u) / 32u;
  uint32_t w = i / 32u;
  if (w >= n_words) return n_bins;
  uint32_t bits = occupied[w] & (0xFFFFFFFFu << (i % 32u));
  while (bits == 0u) {
    if (++w >= n_words) return n_bins;
    bits = occupied[w];
  }
  return 32u * w + kst_ctz_u32(bits);
}

/* Peaks of the histogram as seeds: split at local minima, merge across shallow dips, keep heavy enough basins. */
KST_DEVICE uint32_t find_seeds(const pv_beamline_args *a, const uint32_t *h, const uint32_t *occupied, uint32_t n_bins,
                               float *seeds, uint32_t cap, float min_tracks, int *overflow) {
  const float z_lo = a->props.z_range[0], bw = a->props.bin_width;
  const float min_weight = min_tracks * WEIGHT_ONE;
  uint32_t n = 0, i = 0;
  while ((i = next_occupied(occupied, i, n_bins)) < n_bins) {
    /* A basin runs to the next local minimum (or an empty bin); it merges with the next basin when the dip
       between them stays above peak_dip_ratio of the lower of the two maxima. */
    float sum = 0.0f, zsum = 0.0f;
    uint32_t peak = i, j = i;
    for (;;) {
      while (j < n_bins && h[j] != 0u && !(j > i && h[j] < h[j - 1] && j + 1 < n_bins && h[j + 1] > h[j])) {
        sum += (float)h[j];
        zsum += (float)h[j] * (z_lo + ((float)j + 0.5f) * bw);
        if (h[j] > h[peak]) peak = j;
        ++j;
      }
      if (j >= n_bins || h[j] == 0u) break;
      /* j is a local minimum: look at the next basin's maximum. */
      uint32_t k = j + 1, next_peak = j + 1;
      while (k < n_bins && h[k] != 0u && h[k] >= h[k - 1]) next_peak = k++;
      const float lower = (float)(h[peak] < h[next_peak] ? h[peak] : h[next_peak]);
      if ((float)h[j] < a->props.peak_dip_ratio * lower) break;
      /* Shallow dip: the same peak continues. */
      sum += (float)h[j];
      zsum += (float)h[j] * (z_lo + ((float)j + 0.5f) * bw);
      ++j;
    }
    if (sum >= min_weight) {
      if (n < cap) seeds[n++] = zsum / sum;
      else *overflow = 1;
    }
    /* A dividing minimum bin starts the next basin. */
    i = j > i ? j : i + 1;
  }
  return n;
}

/* Writes track s, whose z at the beam line is beam_z, as the i-th track in by_z, whose fields are n floats apart. */
KST_DEVICE void put_track(float *by_z, uint32_t n, uint32_t i, const kst_velo_state *s, float beam_z) {
  by_z[PV_X * n + i] = s->x, by_z[PV_Y * n + i] = s->y, by_z[PV_Z * n + i] = s->z;
  by_z[PV_TX * n + i] = s->tx, by_z[PV_TY * n + i] = s->ty;
  by_z[PV_C00 * n + i] = s->c00, by_z[PV_C20 * n + i] = s->c20, by_z[PV_C22 * n + i] = s->c22;
  by_z[PV_C11 * n + i] = s->c11, by_z[PV_C31 * n + i] = s->c31, by_z[PV_C33 * n + i] = s->c33;
  by_z[PV_BEAM_Z * n + i] = beam_z;
}

/* Called by one warp: turns bucket_start[b + 1], the count of bucket b, into the start of bucket b (an exclusive scan
   by a warp-wide inclusive one, a warp's worth of buckets at a time), then copies the tracks into by_z in bucket
   order, each after the lower-indexed tracks of its bucket: a lane's rank is the number of lower lanes in its
   bucket. */
KST_DEVICE void counting_sort(const kst_velo_state *tracks, uint32_t n, float bx, float by, float z_lo, float z_hi,
                              uint32_t *bucket_start, float *by_z, uint32_t stride) {
  const uint32_t lane = kst_lane();
  uint32_t carry = 0;
  for (uint32_t base = 0; base <= PV_BUCKETS; base += KST_WARP_SIZE) {
    const uint32_t b = base + lane;
    uint32_t v = b <= PV_BUCKETS ? bucket_start[b] : 0u;
    for (uint32_t d = 1; d < KST_WARP_SIZE; d <<= 1) {
      const uint32_t o = kst_shfl_up_u32(v, d);
      if (lane >= d) v += o;
    }
    if (b <= PV_BUCKETS) bucket_start[b] = v + carry;
    carry += kst_shfl_u32(v, KST_WARP_SIZE - 1u);
  }
  kst_syncwarp();
  for (uint32_t base = 0; base < n; base += KST_WARP_SIZE) {
    const uint32_t t = base + lane;
    float z = 0.0f, doca, sz;
    if (t < n) beam_point(&tracks[t], bx, by, &z, &doca, &sz);
    const uint32_t bk = t < n ? z_bucket(z, z_lo, z_hi) : 0xFFFFFFFFu;
    uint32_t rank = 0, last = 1;
    for (uint32_t j = 0; j < KST_WARP_SIZE; ++j) {
      const uint32_t o = kst_shfl_u32(bk, j);
      rank += (uint32_t)(j < lane && o == bk);
      last &= (uint32_t)!(j > lane && o == bk);
    }
    if (t < n) put_track(by_z, stride, bucket_start[bk] + rank, &tracks[t], z);
    kst_syncwarp();
    if (t < n && last) bucket_start[bk] += rank + 1u;
    kst_syncwarp();
  }
  /* The scatter advanced every start to the next bucket's start: shift back by one, from the top down so that each
     chunk reads its lower neighbour before that is overwritten. */
  for (uint32_t top = PV_BUCKETS + 1u; top > 0;) {
    const uint32_t base = top > KST_WARP_SIZE ? top - KST_WARP_SIZE : 0u, b = base + lane;
    const uint32_t v = b < top ? (b > 0 ? bucket_start[b - 1] : 0u) : 0u;
    kst_syncwarp();
    if (b < top) bucket_start[b] = v;
    kst_syncwarp();
    top = base;
  }
}

/* Blocks of at most 256 threads, five of them per multiprocessor: 48 registers, no spills (72 unbounded), so that
   ten blocks of the default 128 threads fit instead of seven. */
KST_GLOBAL_BOUNDED(256, 5) pv_beamline_kernel(pv_beamline_args a) {
  KST_DYNAMIC_SHARED(uint32_t, hist);
  __shared__ uint32_t n_seeds;
  __shared__ int overflow;
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t t0 = a.dev_velo_track_offsets.data[e], n = a.dev_velo_track_offsets.data[e + 1] - t0;
  const kst_velo_state *tracks = &a.dev_velo_states_beam.data[t0];
  /* Each event's runs of floats have PV_STRIPES spare ones after them (see pv_tracks). */
  const uint64_t first = (uint64_t)t0 + (uint64_t)PV_STRIPES * e;
  float *weight_sum = &a.dev_track_weight_sum.data[first], *by_z = &a.dev_tracks_by_z.data[PV_TRACK_FIELDS * first];
  const pv_tracks tk = {by_z, n, n + PV_STRIPES};
  const uint32_t cap = a.props.max_pvs;
  float *seeds = &a.dev_pv_seeds.data[(uint64_t)e * cap];
  kst_pv *pvs = &a.dev_pvs.data[(uint64_t)e * cap];
  const float z_lo = a.props.z_range[0], bw = a.props.bin_width;
  const uint32_t n_bins = (uint32_t)((a.props.z_range[1] - z_lo) / bw);
  uint32_t *occupied = hist + n_bins;
  const float bx = a.props.beamline[0], by = a.props.beamline[1];
  /* The outlier term of every track's weight; a track is taken when some vertex is within max_chi2 of it. */
  const float p_cut = kst_exp_negf(0.5f * a.props.chi2_cut);

  __shared__ uint32_t first_new;
  __shared__ uint32_t bucket_start[PV_BUCKETS + 1u];
  const float z_hi = a.props.z_range[1];
  if (threadIdx.x == 0) n_seeds = 0, overflow = 0;
  for (uint32_t b = threadIdx.x; b <= PV_BUCKETS; b += blockDim.x) bucket_start[b] = 0u;
  kst_syncthreads();
  for (uint32_t t = threadIdx.x; t < n; t += blockDim.x) {
    float z, doca, sz;
    beam_point(&tracks[t], bx, by, &z, &doca, &sz);
    kst_atomic_add_u32(&bucket_start[z_bucket(z, z_lo, z_hi) + 1u], 1u);
  }
  kst_syncthreads();
  /* A counting sort by bucket, stable in track index (the order, and so every float sum over it, must not depend on
     thread timing), by the first warp: integer sums, the same on every backend. */
  if (threadIdx.x < KST_WARP_SIZE) counting_sort(tracks, n, bx, by, z_lo, z_hi, bucket_start, by_z, tk.stride);
  kst_syncthreads();
  /* Pass 0 seeds from every track; a later pass seeds again from the tracks no vertex took, which finds a small
     vertex hidden in the shoulder of a big neighbour. All vertices are refitted together after each pass. */
  for (uint32_t pass = 0; pass < a.props.seed_passes; ++pass) {
    for (uint32_t b = threadIdx.x; b < n_bins; b += blockDim.x) hist[b] = 0u;
    kst_syncthreads();
    for (uint32_t i = threadIdx.x; i < n; i += blockDim.x) {
      const kst_velo_state st = pv_state(tk.f, tk.stride, i);
      float z, doca, sz;
      beam_point(&st, bx, by, &z, &doca, &sz);
      if (!(doca < a.props.max_track_doca) || (pass > 0 && weight_sum[i] > p_cut)) continue;
      /* Triangle of half-width 2 sigma (at least 2 bins, at most max_kernel_width), normalised to one track. */
      float hw = 2.0f * sz;
      /* Written so that a NaN width (a broken covariance) becomes the narrowest and a NaN z adds nothing. */
      hw = !(hw > 2.0f * bw) ? 2.0f * bw : (hw > a.props.max_kernel_width ? a.props.max_kernel_width : hw);
      const float lo = (z - hw - z_lo) / bw, hi = (z + hw - z_lo) / bw;
      if (!(hi >= 0.0f) || !(lo < (float)n_bins)) continue;
      const uint32_t b0 = lo < 0.0f ? 0u : (uint32_t)lo, b1 = hi >= (float)n_bins ? n_bins - 1u : (uint32_t)hi;
      for (uint32_t b = b0; b <= b1; ++b) {
        const float d = z_lo + ((float)b + 0.5f) * bw - z, ad = d < 0.0f ? -d : d;
        if (ad >= hw) continue;
        const float w = (1.0f - ad / hw) * (bw / hw);
        kst_atomic_add_u32(&hist[b], (uint32_t)(w * WEIGHT_ONE + 0.5f));
      }
    }
    kst_syncthreads();
    mark_occupied(hist, n_bins, occupied);
    kst_syncthreads();
    if (threadIdx.x == 0) {
      first_new = n_seeds;
      /* Leftover tracks are noisier than a fresh histogram: later passes ask for more weight. */
      const float need = a.props.peak_min_tracks * (pass == 0 ? 1.0f : a.props.rescue_weight_factor);
      n_seeds += find_seeds(&a, hist, occupied, n_bins, seeds + n_seeds, cap - n_seeds, need, &overflow);
    }
    kst_syncthreads();
    if (n_seeds == first_new) break; /* the same value in every thread: nothing new to fit */
    for (uint32_t v = first_new + threadIdx.x; v < n_seeds; v += blockDim.x) {
      pvs[v].x = bx, pvs[v].y = by, pvs[v].z = seeds[v];
      pvs[v].n_tracks = 1;
    }
    kst_syncthreads();
    fit_vertices(&a, &tk, weight_sum, bucket_start, pvs, n_seeds, p_cut, a.props.iterations);
  }
  /* Drop and merge; the survivors of a merge take back the tracks they shared with the dropped vertex in a few more
     rounds, then a last selection (without refit) keeps what is still good. */
  __shared__ int merged;
  uint32_t n_pvs = n_seeds; /* read before the first warp rewrites n_seeds; the first warp then keeps its own */
  kst_syncthreads();
  if (threadIdx.x < KST_WARP_SIZE) {
    n_pvs = prune_vertices(&a, &tk, bucket_start, pvs, n_pvs, &merged);
    if (threadIdx.x == 0) n_seeds = n_pvs;
  }
  kst_syncthreads();
  if (merged && a.props.merge_iterations > 0) {
    fit_vertices(&a, &tk, weight_sum, bucket_start, pvs, n_seeds, p_cut, a.props.merge_iterations);
    if (threadIdx.x < KST_WARP_SIZE) {
      n_pvs = prune_vertices(&a, &tk, bucket_start, pvs, n_pvs, &merged);
      if (threadIdx.x == 0) n_seeds = n_pvs;
    }
  }
  if (threadIdx.x == 0) {
    a.dev_pv_counts.data[e] = n_seeds;
    a.dev_pv_flags.data[e] = overflow ? KST_PV_OVERFLOW : 0u;
  }
}

KST_EXTERN_C kst_status kst_pv_beamline_launch(pv_beamline_args a, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  /* The vertex fit runs a warp per vertex, with all of its lanes exchanging sums: a partial warp would hang. */
  if (KST_GPU && a.props.block_dim % KST_WARP_SIZE != 0)
    return kst_error(KST_ERR_CONFIG, "pv_beamline: block_dim %u is not a multiple of the warp size (%u)",
                     a.props.block_dim, (unsigned)KST_WARP_SIZE);
  const uint32_t n_bins = (uint32_t)((a.props.z_range[1] - a.props.z_range[0]) / a.props.bin_width);
  /* The histogram, then its occupied-bin words. */
  KST_LAUNCH(pv_beamline_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1),
             (n_bins + (n_bins + 31u) / 32u) * sizeof(uint32_t), stream, a);
  return kst_launch_check("pv_beamline_kernel");
}
