/* velo_search_by_triplet kernel. Stations are processed from the last (highest z) to the first; at each one,
   tracks are extended into it, then new triplets are seeded on it and the two stations above. Competition for
   a hit is settled by the smallest (kink, id) key, so the result does not depend on thread scheduling. */
#include "configuration/geometry.h"
#include "device/common/kst_math.h"
#include "device/event_model/velo_hits.h"
#include "device/velo/velo_search.h"
#include "kst_dialect.h"

#include <math.h>
#include <string.h>

#define NONE 0xFFFFFFFFu
/* At most this many inner hits are considered per middle hit (the window holds a few tens at small radius). */
#define KST_SEED_CANDIDATES 128u
#define NO_KEY 0xFFFFFFFFFFFFFFFFull
/* Outer hits are gathered this many at a time. */
#define KST_SEED_OUTER_CHUNK 32u

/* Orders keys by kink (a non-negative float's bits order like the float), then by a unique id. */
KST_DEVICE uint64_t make_key(float scatter, uint32_t id) {
  uint32_t bits;
  memcpy(&bits, &scatter, sizeof bits);
  return ((uint64_t)bits << 32) | id;
}

/* Each module's phi-sorted hits get a coarse index: for each of KST_PHI_BUCKETS equal phi intervals, the first
   hit at or above its lower edge less a margin. A lookup then starts a short linear scan from its bucket instead
   of a binary search (two thirds of the search's time went into unpredictable binary-search branches). The margin
   is far larger than the rounding of the bucket number, so a lookup never starts past its answer. */
#define KST_PHI_BUCKETS 64
#define KST_PHI_INDEX_STRIDE (KST_PHI_BUCKETS + 1)
#define KST_PHI_INDEX_MARGIN 1e-3f
#define KST_PI_F 3.14159265359f

/* Lower edge of bucket b, less the margin. */
KST_DEVICE float bucket_edge(int b) {
  return -KST_PI_F + (float)b * (2.0f * KST_PI_F / (float)KST_PHI_BUCKETS) - KST_PHI_INDEX_MARGIN;
}

/* The bucket holding phi v, clamped to 0..KST_PHI_BUCKETS. */
KST_DEVICE uint32_t phi_bucket(float v) {
  const float t = (v + KST_PI_F) * ((float)KST_PHI_BUCKETS / (2.0f * KST_PI_F));
  return !(t >= 0.0f) ? 0u : t >= (float)KST_PHI_BUCKETS ? KST_PHI_BUCKETS : (uint32_t)t;
}

/* A run of a module's hits in phi order, and the phi interval [lo, hi) that its wanted hits lie in. */
typedef struct {
  uint32_t begin, end;
  float lo, hi;
} phi_span;

/* The hits of module m between the buckets of lo and hi: every hit with phi in [lo, hi), and up to a bucket more
   on each side, which callers drop by the interval. Finding the exact ends cost a third of the search in
   mispredicted branches; testing a few more hits costs far less. Two buckets past hi's keep the end safe when hi
   lies within the margin below the next bucket's edge. */
KST_DEVICE phi_span bucket_span(const uint32_t *off, const uint32_t *index, uint32_t m, float lo, float hi) {
  const uint32_t *im = &index[m * KST_PHI_INDEX_STRIDE];
  const uint32_t b_end = phi_bucket(hi) + 2u;
  phi_span s;
  s.begin = off[m] + im[phi_bucket(lo)];
  s.end = b_end > KST_PHI_BUCKETS ? off[m + 1] : off[m] + im[b_end];
  s.lo = lo, s.hi = hi;
  return s;
}

/* Up to two spans of module m's hits holding every hit with phi in [centre - w, centre + w), wrapping at +-pi. */
KST_DEVICE uint32_t phi_spans(const uint32_t *off, const uint32_t *index, uint32_t m, float centre, float w,
                              phi_span s[2]) {
  const float pi = KST_PI_F, lo = centre - w, hi = centre + w;
  /* Phi lies in [-pi, pi], so +-8 stand for no bound. */
  if (w >= pi) {
    s[0].begin = off[m], s[0].end = off[m + 1], s[0].lo = -8.0f, s[0].hi = 8.0f;
    return 1;
  }
  s[0] = bucket_span(off, index, m, lo, hi);
  if (lo < -pi) {
    s[1] = bucket_span(off, index, m, lo + 2.0f * pi, 8.0f);
    return 2;
  }
  if (hi > pi) {
    s[1] = bucket_span(off, index, m, -8.0f, hi - 2.0f * pi);
    return 2;
  }
  return 1;
}

/* Whether phi v lies in the span's interval. */
KST_DEVICE int in_span(const phi_span *s, float v) { return (v >= s->lo) & (v < s->hi); }

KST_GLOBAL velo_search_kernel(velo_search_by_triplet_args a) {
  const uint32_t e = a.dev_event_list.data[blockIdx.x];
  const uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  const float *X = a.dev_hit_x.data, *Y = a.dev_hit_y.data, *Z = a.dev_hit_z.data, *PHI = a.dev_hit_phi.data;
  uint32_t *used = a.dev_hit_used.data;
  uint64_t *owner = a.dev_hit_owner.data;
  const uint32_t cap = a.props.max_tracks;
  kst_velo_track_slot *slots = &a.dev_track_slots.data[(uint64_t)e * cap];
  uint32_t *slot_hits = &a.dev_track_slot_hits.data[(uint64_t)e * cap * KST_VELO_MAX_TRACK_HITS];
  uint32_t *ext_hit = &a.dev_extension_hit.data[(uint64_t)e * cap];
  uint64_t *ext_key = &a.dev_extension_key.data[(uint64_t)e * cap];
  uint32_t *count = &a.dev_track_slot_count.data[e];
  __shared__ uint32_t n_tracks;
  __shared__ uint32_t phi_index[KST_VELO_MODULES * KST_PHI_INDEX_STRIDE];

  for (uint32_t h = off[0] + threadIdx.x; h < off[KST_VELO_MODULES]; h += blockDim.x) used[h] = 0, owner[h] = NO_KEY;
  if (threadIdx.x == 0) *count = 0, a.dev_velo_track_flags.data[e] = 0;
  for (uint32_t m = threadIdx.x; m < KST_VELO_MODULES; m += blockDim.x) {
    uint32_t i = off[m];
    for (int b = 0; b <= KST_PHI_BUCKETS; ++b) {
      const float edge = bucket_edge(b);
      while (i < off[m + 1] && PHI[i] < edge) ++i;
      phi_index[m * KST_PHI_INDEX_STRIDE + (uint32_t)b] = i - off[m];
    }
  }
  kst_syncthreads();

  for (int k = (int)KST_VELO_STATIONS - 3; k >= 0; --k) {
    const uint32_t s_begin = off[2 * k], s_end = off[2 * k + 2];
    /* ---- Extension: every live track proposes its best hit on station k. */
    if (threadIdx.x == 0) n_tracks = *count < cap ? *count : cap;
    kst_syncthreads();
    for (uint32_t t = threadIdx.x; t < n_tracks; t += blockDim.x) {
      kst_velo_track_slot *tr = &slots[t];
      ext_hit[t] = NONE;
      if (tr->last_station - (uint32_t)k > a.props.max_skipped_stations + 1u) continue;
      const uint32_t *th = &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS];
      const uint32_t h1 = th[tr->n_hits - 1], h0 = th[tr->n_hits - 2];
      const float tx = (X[h1] - X[h0]) / (Z[h1] - Z[h0]), ty = (Y[h1] - Y[h0]) / (Z[h1] - Z[h0]);
      uint32_t best = NONE;
      float best_scatter = a.props.max_scatter_forwarding;
      for (uint32_t m = 2u * (uint32_t)k; m < 2u * (uint32_t)k + 2u; ++m) {
        if (off[m] == off[m + 1]) continue;
        const float dz = Z[off[m]] - Z[h1];
        const float px = X[h1] + tx * dz, py = Y[h1] + ty * dz;
        phi_span sp[2];
        const uint32_t ns = phi_spans(off, phi_index, m, kst_atan2f(py, px), a.props.forward_phi_window, sp);
        for (uint32_t q = 0; q < ns; ++q)
          for (uint32_t h = sp[q].begin; h < sp[q].end; ++h) {
            if (used[h] || !in_span(&sp[q], PHI[h])) continue;
            const float hz = Z[h] - Z[h1], dx = X[h] - (X[h1] + tx * hz), dy = Y[h] - (Y[h1] + ty * hz);
            const float sc = (dx * dx + dy * dy) / (hz * hz);
            if (sc < best_scatter || (sc == best_scatter && best != NONE && h < best)) best_scatter = sc, best = h;
          }
      }
      if (best == NONE) continue;
      ext_hit[t] = best;
      ext_key[t] = make_key(best_scatter, tr->id);
      kst_atomic_min_u64(&owner[best], ext_key[t]);
    }
    kst_syncthreads();
    for (uint32_t t = threadIdx.x; t < n_tracks; t += blockDim.x) {
      const uint32_t h = ext_hit[t];
      if (h == NONE || owner[h] != ext_key[t]) continue;
      kst_velo_track_slot *tr = &slots[t];
      slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS + tr->n_hits] = h;
      tr->n_hits++;
      tr->last_station = (uint32_t)k;
      used[h] = 1;
    }
    kst_syncthreads();
    /* ---- Seeding: each unused hit of station k+1 picks its best pair on stations k+2 and k. */
    /* Outer hits come from station k+2, or from up to max_seed_gap stations above it when a station was missed. */
    const uint32_t last_outer = (uint32_t)k + 2u + a.props.max_seed_gap < KST_VELO_STATIONS - 1u
                                    ? (uint32_t)k + 2u + a.props.max_seed_gap
                                    : KST_VELO_STATIONS - 1u;
    const uint32_t o_begin = off[2 * k + 4], o_end = off[2 * last_outer + 2], m_begin = off[2 * k + 2], m_end = off[2 * k + 4];
    for (uint32_t h = o_begin + threadIdx.x; h < o_end; h += blockDim.x) owner[h] = NO_KEY;
    for (uint32_t h = s_begin + threadIdx.x; h < s_end; h += blockDim.x) owner[h] = NO_KEY;
    kst_syncthreads();
    for (uint32_t h1 = m_begin + threadIdx.x; h1 < m_end; h1 += blockDim.x) {
      a.dev_seed_key.data[h1] = NO_KEY;
      if (used[h1]) continue;
      uint32_t best0 = NONE, best2 = NONE;
      float best_scatter = a.props.max_scatter_seeding;
      /* Tracks that do not come from the beam line turn in phi; the turn per station grows as 1 / radius. */
      const float r1 = sqrtf(X[h1] * X[h1] + Y[h1] * Y[h1]);
      /* The inner station's distance from a hit of it (none: nothing to pair with). */
      if (off[2 * k] == off[2 * k + 2]) continue;
      const float dz_down = Z[h1] - Z[off[2 * k]];
      const float w2 = a.props.seed_phi_window + a.props.seed_tangential_slope * (dz_down < 0 ? -dz_down : dz_down) / r1;
      /* The inner candidates do not depend on the outer hit: gather them once, relative to h1. */
      phi_span s2[4];
      uint32_t n2 = 0, nc = 0;
      uint32_t c_hit[KST_SEED_CANDIDATES];
      float c_x[KST_SEED_CANDIDATES], c_y[KST_SEED_CANDIDATES], c_z[KST_SEED_CANDIDATES], c_w[KST_SEED_CANDIDATES];
      for (uint32_t m2 = 2u * (uint32_t)k; m2 < 2u * (uint32_t)k + 2u; ++m2)
        n2 += phi_spans(off, phi_index, m2, PHI[h1], w2, &s2[n2]);
      /* Every hit is written and kept only when it qualifies: no branch to mispredict. */
      for (uint32_t q2 = 0; q2 < n2; ++q2)
        for (uint32_t h2 = s2[q2].begin; h2 < s2[q2].end && nc < KST_SEED_CANDIDATES; ++h2) {
          const float dz = Z[h2] - Z[h1];
          c_hit[nc] = h2, c_x[nc] = X[h2] - X[h1], c_y[nc] = Y[h2] - Y[h1], c_z[nc] = dz, c_w[nc] = 1.0f / (dz * dz);
          nc += (uint32_t)((used[h2] == 0) & in_span(&s2[q2], PHI[h2]));
        }
      /* A seed across a missed station is looked for only when there is none without: a real track's hit on the
         nearer station would otherwise be left behind. */
      for (uint32_t so = (uint32_t)k + 2u; so <= last_outer && best0 == NONE && nc > 0; ++so)
      for (uint32_t m0 = 2u * so; m0 < 2u * so + 2u; ++m0) {
        if (off[m0] == off[m0 + 1]) continue;
        const float dz_up = Z[off[m0]] - Z[h1];
        /* The search across a gap runs for every middle hit that found no seed (most of them), so it has its own,
           narrower, sideways slope. */
        const float slope = so == (uint32_t)k + 2u ? a.props.seed_tangential_slope : a.props.gap_seed_tangential_slope;
        const float w0 = a.props.seed_phi_window + slope * (dz_up < 0 ? -dz_up : dz_up) / r1;
        phi_span s0[2];
        const uint32_t n0 = phi_spans(off, phi_index, m0, PHI[h1], w0, s0);
        for (uint32_t q0 = 0; q0 < n0; ++q0)
          for (uint32_t h0 = s0[q0].begin; h0 < s0[q0].end;) {
            /* The outer hits that qualify, gathered without branches like the inner ones, a chunk at a time. */
            uint32_t o_hit[KST_SEED_OUTER_CHUNK], no = 0;
            float o_tx[KST_SEED_OUTER_CHUNK], o_ty[KST_SEED_OUTER_CHUNK];
            for (; h0 < s0[q0].end && no < KST_SEED_OUTER_CHUNK; ++h0) {
              const float tx = (X[h1] - X[h0]) / (Z[h1] - Z[h0]), ty = (Y[h1] - Y[h0]) / (Z[h1] - Z[h0]);
              o_hit[no] = h0, o_tx[no] = tx, o_ty[no] = ty;
              no += (uint32_t)((used[h0] == 0) & in_span(&s0[q0], PHI[h0]) & (tx <= a.props.max_slope) &
                               (tx >= -a.props.max_slope) & (ty <= a.props.max_slope) & (ty >= -a.props.max_slope));
            }
            for (uint32_t o = 0; o < no; ++o) {
              const float tx = o_tx[o], ty = o_ty[o];
              /* Kinks of every candidate and their minimum in one loop the compiler vectorises: a non-negative
                 float's bits order like the float, so the minimum is an integer one. The first candidate holding it
                 is looked up only when it improves on the best so far. */
              uint32_t qb[KST_SEED_CANDIDATES], min_bits = 0xFFFFFFFFu;
              for (uint32_t c = 0; c < nc; ++c) {
                const float dx = c_x[c] - tx * c_z[c], dy = c_y[c] - ty * c_z[c], q = (dx * dx + dy * dy) * c_w[c];
                uint32_t b;
                memcpy(&b, &q, sizeof b);
                qb[c] = b;
                min_bits = b < min_bits ? b : min_bits;
              }
              float min_q;
              memcpy(&min_q, &min_bits, sizeof min_q);
              if (!(min_q < best_scatter)) continue;
              uint32_t c = 0;
              while (qb[c] != min_bits) ++c;
              best_scatter = min_q, best0 = o_hit[o], best2 = c_hit[c];
            }
          }
      }
      if (best0 == NONE) continue;
      const uint64_t key = make_key(best_scatter, h1);
      a.dev_seed_outer.data[h1] = best0;
      a.dev_seed_inner.data[h1] = best2;
      a.dev_seed_key.data[h1] = key;
      kst_atomic_min_u64(&owner[best0], key);
      kst_atomic_min_u64(&owner[best2], key);
    }
    kst_syncthreads();
    /* A seed is kept when it owns both outer hits. */
    for (uint32_t h1 = m_begin + threadIdx.x; h1 < m_end; h1 += blockDim.x) {
      const uint64_t key = a.dev_seed_key.data[h1];
      if (key == NO_KEY) continue;
      if (owner[a.dev_seed_outer.data[h1]] != key || owner[a.dev_seed_inner.data[h1]] != key)
        a.dev_seed_key.data[h1] = NO_KEY;
    }
    kst_syncthreads();
    /* Slots are handed out in middle-hit order by one thread (a station has a few tens of seeds), so which seeds
       are dropped when the capacity is full does not depend on thread timing. */
    if (threadIdx.x == 0)
      for (uint32_t h1 = m_begin; h1 < m_end; ++h1) {
        const uint64_t key = a.dev_seed_key.data[h1];
        if (key == NO_KEY) continue;
        const uint32_t h0 = a.dev_seed_outer.data[h1], h2 = a.dev_seed_inner.data[h1];
        if (*count >= cap) {
          a.dev_velo_track_flags.data[e] |= KST_VELO_TRACKS_OVERFLOW;
          break;
        }
        const uint32_t t = (*count)++;
        uint32_t *th = &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS];
        th[0] = h0, th[1] = h1, th[2] = h2;
        slots[t].n_hits = 3;
        slots[t].last_station = (uint32_t)k;
        slots[t].id = h1;
        used[h0] = used[h1] = used[h2] = 1;
      }
    kst_syncthreads();
  }
}

KST_EXTERN_C kst_status kst_velo_search_launch(velo_search_by_triplet_args a, kst_stream *stream) {
  if (a.dev_event_list.count == 0) return kst_ok();
  KST_LAUNCH(velo_search_kernel, KST_DIM3(a.dev_event_list.count, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream,
             a);
  return kst_launch_check("velo_search_kernel");
}
