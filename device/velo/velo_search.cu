/* velo_search_by_triplet kernel. Stations are processed from the last (highest z) to the first; at each one,
   tracks are extended into it, then new triplets are seeded on it and the two stations above. Competition for
   a hit is settled by the smallest (kink, id) key, so the result does not depend on thread scheduling. */
#include "device/event_model/velo_geometry.h"
#include "device/common/kst_math.h"
#include "device/common/kst_simd.h"
#include "device/event_model/velo_hits.h"
#include "device/velo/velo_search.h"
#include "device/event_model/event_list.h"
#include "kst_dialect.h"

#include <math.h>
#include <string.h>

#define NONE 0xFFFFFFFFu
/* At most this many inner hits are considered per middle hit (the window holds a few tens at small radius). */
#define KST_SEED_CANDIDATES 128u
#define NO_KEY 0xFFFFFFFFFFFFFFFFull
/* Outer hits are gathered (at least) this many at a time. */
#define KST_SEED_OUTER_CHUNK 32u

/* Orders keys by kink (a non-negative float's bits order like the float), then by a unique id. */
KST_DEVICE uint64_t make_key(float scatter, uint32_t id) {
  uint32_t bits;
  memcpy(&bits, &scatter, sizeof bits);
  return ((uint64_t)bits << 32) | id;
}

/* The CPU runs a block as one thread, which pays for each hit it scans and each polynomial it evaluates. There the
   seeding scans copies of the unused hits of the stations it reads, refreshed before each station's seeding, instead
   of every hit (by then half of the outer station's hits and a quarter of the inner one's belong to tracks: search
   445 to 415 us per event), and the extension computes its tracks' predicted phis in a loop that vectorises (the
   arctangent, one track at a time, was 7% of the search). A GPU warp scans 32 hits at a time, and a module's window
   rarely holds more, so it would gain nothing from the copies, and the extra loops cost its search kernel
   registers it does not have (it spilled): it scans the hits themselves and computes each phi where it is used. The
   results are the same bits either way; tests/portable_agree.sh checks that by building the CPU with
   -DKST_VELO_SEARCH_CPU_PATH=0, which runs the GPU's code with a warp of one (docs/kernels.md). */
#ifndef KST_VELO_SEARCH_CPU_PATH
#define KST_VELO_SEARCH_CPU_PATH KST_CPU_PATH_DEFAULT
#endif
/* With AVX-512 the CPU gathers a seed's inner and outer hits 16 slots at a time, compressing the ones that pass
   into the scratch (search 390 to 327 us per event); without, it runs the warp loops with a warp of one. */
#define KST_SEARCH_X16 (KST_VELO_SEARCH_CPU_PATH && KST_SIMD_AVX512)

/* Each module's phi-sorted hits get a coarse index: for each of KST_PHI_BUCKETS equal phi intervals, the first
   hit at or above its lower edge less a margin. A lookup then starts a short linear scan from its bucket instead
   of a binary search (two thirds of the search's time went into unpredictable binary-search branches). The margin
   is far larger than the rounding of the bucket number, so a lookup never starts past its answer. The results do
   not depend on the number of buckets, only the work does: a CPU thread has room for a fine index (its scans are
   most of the search, and 256 buckets take 8% off it against 64), a GPU block keeps the index in shared memory. */
#if KST_VELO_SEARCH_CPU_PATH
#define KST_PHI_BUCKETS 256
#else
#define KST_PHI_BUCKETS 64
#endif
#define KST_PHI_INDEX_STRIDE (KST_PHI_BUCKETS + 1)
#define KST_PHI_INDEX_MARGIN 1e-3f
#define KST_PI_F 3.14159265359f

/* Lower edge of bucket b, less the margin. */
KST_DEVICE float bucket_edge(int b) {
  return -KST_PI_F + (float)b * (2.0f * KST_PI_F / (float)KST_PHI_BUCKETS) - KST_PHI_INDEX_MARGIN;
}

/* The bucket holding phi v, clamped to 0..KST_PHI_BUCKETS (0 for NaN). The float is clamped before it is converted,
   in the form x86's minimum and maximum instructions take: selects between converted values became branches, which
   the CPU mispredicted. */
KST_DEVICE uint32_t phi_bucket(float v) {
  float t = (v + KST_PI_F) * ((float)KST_PHI_BUCKETS / (2.0f * KST_PI_F));
  t = t > 0.0f ? t : 0.0f;
  t = t < (float)KST_PHI_BUCKETS ? t : (float)KST_PHI_BUCKETS;
  return (uint32_t)t;
}

/* The first bucket whose lower edge (less the margin) lies above phi v; KST_PHI_BUCKETS + 1 when none (and for NaN).
   Arithmetic finds it to within rounding, and the edges themselves settle it, as the lookups compare with them. */
KST_DEVICE uint32_t first_edge_above(float v) {
  const float t = (v + KST_PI_F + KST_PHI_INDEX_MARGIN) * ((float)KST_PHI_BUCKETS / (2.0f * KST_PI_F)) + 1.0f;
  uint32_t b = !(t >= 0.0f) ? 0u : t >= (float)(KST_PHI_BUCKETS + 1) ? KST_PHI_BUCKETS + 1u : (uint32_t)t;
  while (b > 0 && v < bucket_edge((int)b - 1)) --b;
  while (b <= KST_PHI_BUCKETS && !(v < bucket_edge((int)b))) ++b;
  return b;
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

/* A warp gathers outer hits until a chunk is full, a warp's worth at a time, so it may overshoot by a warp less one;
   the CPU's 16-wide gathering stores a whole vector past the chunk's last hit. */
#define KST_SEED_OUTER_BUFFER (KST_SEED_OUTER_CHUNK + (KST_WARP_SIZE > 16u ? KST_WARP_SIZE - 1u : 16u))

/* The candidates are weighed KST_KINK_TILE at a time: on the CPU a whole vector of them (a middle hit has about a
   dozen, and a loop of unknown length that short would run in the compiler's scalar remainder), the slots past the
   last candidate holding infinite slopes, whose kink is above every real one; on a GPU, where each lane loops over
   the candidates alone, one at a time. */
#if KST_VELO_SEARCH_CPU_PATH
#define KST_KINK_TILE 16u
#else
#define KST_KINK_TILE 1u
#endif

/* One warp's seeding scratch: a middle hit's inner candidates and a chunk of its outer hits, each as the slopes of
   its line to the middle hit. The kink of a triplet is then the difference of two slopes, computed once per hit
   rather than once per pair. In shared memory on a GPU, so the lanes share them and no thread keeps kilobytes in
   local memory. */
/* Room past the last candidate: on the CPU a vector's worth, for the last tile's fill and the 16-wide gathering's
   whole-vector stores; none on a GPU (a few more bytes there moved the search kernel's fields and made it spill). */
#define KST_SEED_PAD (KST_VELO_SEARCH_CPU_PATH ? 16u : 0u)
typedef struct {
  uint32_t c_hit[KST_SEED_CANDIDATES + KST_SEED_PAD];
  float c_tx[KST_SEED_CANDIDATES + KST_SEED_PAD], c_ty[KST_SEED_CANDIDATES + KST_SEED_PAD];
  uint32_t o_hit[KST_SEED_OUTER_BUFFER];
  float o_tx[KST_SEED_OUTER_BUFFER], o_ty[KST_SEED_OUTER_BUFFER];
} seed_scratch;

/* The squared kink between candidate c and an outer hit of slopes (tx, ty), as its float bits (a non-negative
   float's bits order like the float). */
KST_DEVICE uint32_t kink_bits(const seed_scratch *sc, uint32_t c, float tx, float ty) {
  const float dx = sc->c_tx[c] - tx, dy = sc->c_ty[c] - ty, q = dx * dx + dy * dy;
  uint32_t b;
  memcpy(&b, &q, sizeof b);
  return b;
}

/* The smallest kink_bits over the first nc candidates: an integer minimum, in a loop the CPU compiler vectorises. */
KST_DEVICE uint32_t min_kink_bits(const seed_scratch *sc, uint32_t nc, float tx, float ty) {
  const uint32_t tiled = (nc + KST_KINK_TILE - 1u) / KST_KINK_TILE * KST_KINK_TILE;
  uint32_t m = 0xFFFFFFFFu;
  for (uint32_t c = 0; c < tiled; ++c) {
    const uint32_t b = kink_bits(sc, c, tx, ty);
    m = b < m ? b : m;
  }
  return m;
}


/* An event's hits as the seeding reads them: a hit's own coordinates by its index, and the hits it scans by their
   slot (on the CPU copies of the modules' unused hits; on a GPU the hits themselves). */
typedef struct {
  const float *x, *y, *z, *phi;
  const uint32_t *used;
  /* The CPU's copies only: x, y, z and phi by slot, the hit in each slot, and for position p of module m (up to and
     including its end) the first slot at or after it, at p + m. */
  const float *sx, *sy, *sz, *sphi;
  const uint32_t *scan_hit, *slot;
} hit_view;

#if KST_VELO_SEARCH_CPU_PATH
KST_DEVICE float scan_x(const hit_view *hv, uint32_t s) { return hv->sx[s]; }
KST_DEVICE float scan_y(const hit_view *hv, uint32_t s) { return hv->sy[s]; }
KST_DEVICE float scan_z(const hit_view *hv, uint32_t s) { return hv->sz[s]; }
KST_DEVICE float scan_phi(const hit_view *hv, uint32_t s) { return hv->sphi[s]; }
/* Every slot holds an unused hit. */
KST_DEVICE int scan_unused(const hit_view *hv, uint32_t s) { return (void)hv, (void)s, 1; }
KST_DEVICE uint32_t scan_hit(const hit_view *hv, uint32_t s) { return hv->scan_hit[s]; }
/* The span of module m's positions as slots. */
KST_DEVICE void span_to_slots(const hit_view *hv, uint32_t m, phi_span *sp) {
  sp->begin = hv->slot[sp->begin + m], sp->end = hv->slot[sp->end + m];
}
#else
KST_DEVICE float scan_x(const hit_view *hv, uint32_t s) { return hv->x[s]; }
KST_DEVICE float scan_y(const hit_view *hv, uint32_t s) { return hv->y[s]; }
KST_DEVICE float scan_z(const hit_view *hv, uint32_t s) { return hv->z[s]; }
KST_DEVICE float scan_phi(const hit_view *hv, uint32_t s) { return hv->phi[s]; }
KST_DEVICE int scan_unused(const hit_view *hv, uint32_t s) { return hv->used[s] == 0; }
KST_DEVICE uint32_t scan_hit(const hit_view *hv, uint32_t s) { return (void)hv, s; }
KST_DEVICE void span_to_slots(const hit_view *hv, uint32_t m, phi_span *sp) { (void)hv, (void)m, (void)sp; }
#endif

/* A middle hit's best seed so far: its squared kink and its outer and inner hits. */
typedef struct {
  float scatter;
  uint32_t outer, inner;
} seed_choice;

#if KST_SEARCH_X16
/* The AVX-512 gathering of kst_simd.h over the CPU's copies of the unused hits. */
static inline uint32_t gather_x16(const hit_view *hv, float x1, float y1, float z1, phi_span s, uint32_t at, float slope,
                                  uint32_t room, uint32_t *hit, float *tx_out, float *ty_out, uint32_t *n) {
  return kst_simd_gather_slopes_x16(hv->sx, hv->sy, hv->sz, hv->sphi, hv->scan_hit, x1, y1, z1, s.lo, s.hi, at, s.end,
                                    slope, room, hit, tx_out, ty_out, n);
}
#endif

/* Called by a whole warp: weighs the outer hits of station so (on both of its modules, within a phi window of
   window + slope dz / r1 around middle hit h1) against the nc inner candidates in the scratch, and keeps the triplet
   of smallest kink in best when it beats best's. */
KST_DEVICE void weigh_station(const hit_view *hv, const uint32_t *off, const uint32_t *phi_index, uint32_t h1, float r1,
                              uint32_t so, float window, float slope, float max_slope, seed_scratch *sc, uint32_t nc,
                              seed_choice *best_out) {
  const uint32_t lane = kst_lane();
  /* A local copy: the compiler cannot know that the scratch's floats never alias it. */
  seed_choice best = *best_out;
  for (uint32_t m0 = 2u * so; m0 < 2u * so + 2u; ++m0) {
    if (off[m0] == off[m0 + 1]) continue;
    const float dz_up = hv->z[off[m0]] - hv->z[h1];
    const float w0 = window + slope * (dz_up < 0 ? -dz_up : dz_up) / r1;
    phi_span s0[2];
    const uint32_t n0 = phi_spans(off, phi_index, m0, hv->phi[h1], w0, s0);
    for (uint32_t q0 = 0; q0 < n0; ++q0) span_to_slots(hv, m0, &s0[q0]);
    for (uint32_t q0 = 0; q0 < n0; ++q0)
      for (uint32_t h0 = s0[q0].begin; h0 < s0[q0].end;) {
        /* The outer hits that qualify, gathered like the inner ones, a chunk at a time. */
        uint32_t no = 0;
#if KST_SEARCH_X16
        /* NONE, past every slot, when the span is done. */
        h0 = gather_x16(hv, hv->x[h1], hv->y[h1], hv->z[h1], s0[q0], h0, max_slope, KST_SEED_OUTER_CHUNK, sc->o_hit, sc->o_tx,
                        sc->o_ty, &no);
#else
        for (; h0 < s0[q0].end && no < KST_SEED_OUTER_CHUNK; h0 += KST_WARP_SIZE) {
          const uint32_t h = h0 + lane;
          float tx = 0.0f, ty = 0.0f;
          int ok = 0;
          if (h < s0[q0].end) {
            const float dz = hv->z[h1] - scan_z(hv, h);
            tx = (hv->x[h1] - scan_x(hv, h)) / dz, ty = (hv->y[h1] - scan_y(hv, h)) / dz;
            ok = scan_unused(hv, h) & in_span(&s0[q0], scan_phi(hv, h)) & (tx <= max_slope) & (tx >= -max_slope) &
                 (ty <= max_slope) & (ty >= -max_slope);
          }
          const kst_lanemask votes = kst_ballot(ok);
          const uint32_t pos = no + kst_popc(votes & kst_lanes_below());
          if (KST_WARP_SIZE == 1 || ok) sc->o_hit[pos] = scan_hit(hv, h), sc->o_tx[pos] = tx, sc->o_ty[pos] = ty;
          no += kst_popc(votes);
        }
#endif
        kst_syncwarp();
        /* Each lane weighs an outer hit against every candidate. The serial rule (take an outer hit when its
           smallest kink beats the best so far, the first candidate holding it) becomes: the smallest
           (kink, outer index) over the warp, then the first candidate with that kink. */
        for (uint32_t o0 = 0; o0 < no; o0 += KST_WARP_SIZE) {
          const uint32_t o = o0 + lane;
          uint64_t key = NO_KEY;
          if (o < no) {
            const uint32_t min_bits = min_kink_bits(sc, nc, sc->o_tx[o], sc->o_ty[o]);
            float min_q;
            memcpy(&min_q, &min_bits, sizeof min_q);
            if (min_q < best.scatter) key = ((uint64_t)min_bits << 32) | o;
          }
          key = kst_warp_min_u64(key);
          if (key == NO_KEY) continue;
          const uint32_t win = (uint32_t)key, win_bits = (uint32_t)(key >> 32);
          const float tx = sc->o_tx[win], ty = sc->o_ty[win];
          uint32_t c_first = NONE;
          for (uint32_t c0 = 0; c0 < nc && c_first == NONE; c0 += KST_WARP_SIZE) {
            const uint32_t c = c0 + lane;
            const kst_lanemask holds = kst_ballot(c < nc && kink_bits(sc, c, tx, ty) == win_bits);
            if (holds) c_first = c0 + kst_first_lane(holds);
          }
          memcpy(&best.scatter, &win_bits, sizeof best.scatter);
          best.outer = sc->o_hit[win], best.inner = sc->c_hit[c_first];
        }
        kst_syncwarp();
      }
  }
  *best_out = best;
}

/* How far the gathering of a middle hit's inner candidates has gone: the span, and its first hit not looked at
   (NONE: the span's first hit). q is NONE when every candidate has been gathered. */
typedef struct {
  uint32_t q, at;
} inner_cursor;

/* Called by a whole warp: stores middle hit h1's next inner candidates (unused hits of station k within phi window
   w2 of it and at most inner_slope steep) in the scratch, from the cursor on, until the scratch is full. Returns how
   many and moves the cursor to the first candidate not stored, so that every candidate is in exactly one chunk. The
   spans are found again at each call rather than kept: a GPU would hold them in registers through the weighing. */
KST_DEVICE uint32_t gather_inner(const hit_view *hv, const uint32_t *off, const uint32_t *phi_index, uint32_t k,
                                 uint32_t h1, float w2, float inner_slope, inner_cursor *cur, seed_scratch *sc) {
  phi_span s2[4];
  uint32_t n2 = 0, nc = 0;
  for (uint32_t m2 = 2u * k; m2 < 2u * k + 2u; ++m2) {
    const uint32_t n = phi_spans(off, phi_index, m2, hv->phi[h1], w2, &s2[n2]);
    for (uint32_t q = n2; q < n2 + n; ++q) span_to_slots(hv, m2, &s2[q]);
    n2 += n;
  }
  kst_syncwarp();
#if KST_SEARCH_X16
  for (uint32_t q = cur->q; q < n2; ++q) {
    const uint32_t from = q == cur->q && cur->at != NONE ? cur->at : s2[q].begin;
    const uint32_t stop = gather_x16(hv, hv->x[h1], hv->y[h1], hv->z[h1], s2[q], from, inner_slope, KST_SEED_CANDIDATES,
                                     sc->c_hit, sc->c_tx, sc->c_ty, &nc);
    if (stop != NONE) {
      cur->q = q, cur->at = stop;
      return KST_SEED_CANDIDATES;
    }
  }
#else
  const uint32_t lane = kst_lane();
  for (uint32_t q = cur->q; q < n2; ++q) {
    const phi_span s = s2[q];
    for (uint32_t at = q == cur->q && cur->at != NONE ? cur->at : s.begin; at < s.end; at += KST_WARP_SIZE) {
      const uint32_t h2 = at + lane;
      float tx = 0.0f, ty = 0.0f;
      int ok = 0;
      if (h2 < s.end) {
        const float dz = hv->z[h1] - scan_z(hv, h2);
        tx = (hv->x[h1] - scan_x(hv, h2)) / dz, ty = (hv->y[h1] - scan_y(hv, h2)) / dz;
        ok = scan_unused(hv, h2) & in_span(&s, scan_phi(hv, h2)) & (tx <= inner_slope) & (tx >= -inner_slope) &
             (ty <= inner_slope) & (ty >= -inner_slope);
      }
      const kst_lanemask votes = kst_ballot(ok);
      const uint32_t pos = nc + kst_popc(votes & kst_lanes_below());
      /* A warp of one writes every hit and keeps it only when it qualifies: no branch to mispredict. */
      if ((KST_WARP_SIZE == 1 || ok) && pos < KST_SEED_CANDIDATES)
        sc->c_hit[pos] = scan_hit(hv, h2), sc->c_tx[pos] = tx, sc->c_ty[pos] = ty;
      const kst_lanemask spill = kst_ballot(ok && pos >= KST_SEED_CANDIDATES);
      if (spill) {
        cur->q = q, cur->at = at + kst_first_lane(spill);
        kst_syncwarp();
        return KST_SEED_CANDIDATES;
      }
      nc += kst_popc(votes);
    }
  }
#endif
  cur->q = NONE;
  /* Fill the rest of the last tile: a whole tile less one past the candidates, a fixed count that the CPU writes
     without a loop to mispredict (the scratch has room past its last candidate). */
  for (uint32_t i = kst_lane(); i + 1u < KST_KINK_TILE; i += KST_WARP_SIZE)
    sc->c_tx[nc + i] = sc->c_ty[nc + i] = INFINITY;
  kst_syncwarp();
  return nc;
}

/* Called by a whole warp: the next middle hit for it to seed from, taken from the block's counter. */
KST_DEVICE uint32_t take_middle(uint32_t *next) {
  uint32_t h1 = 0;
  if (kst_lane() == 0) h1 = kst_atomic_add_u32(next, 1u);
  return kst_shfl_u32(h1, 0);
}

/* Four blocks of 256 threads per multiprocessor, as many as before the candidates were gathered in chunks: left to
   itself the compiler takes 70 registers for the chunk bookkeeping and fits three (search time +15% on an H100);
   held to 64 it spills nothing. */
KST_GLOBAL_BOUNDED(256, 4) velo_search_kernel(velo_search_by_triplet_args a) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  const uint32_t *off = &a.dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
  const kst_velo_hits_in hits = kst_velo_hits_view(a.dev_velo_hits.data, a.dev_velo_hits.count);
  const float *X = hits.x, *Y = hits.y, *Z = hits.z, *PHI = hits.phi;
  uint32_t *used = a.dev_hit_used.data;
  uint64_t *owner = a.dev_hit_owner.data;
  const uint32_t cap = a.props.max_tracks;
  kst_velo_track_slot *slots = &a.dev_track_slots.data[(uint64_t)e * cap];
  uint32_t *slot_hits = &a.dev_track_slot_hits.data[(uint64_t)e * cap * KST_VELO_MAX_TRACK_HITS];
  uint32_t *ext_hit = &a.dev_extension_hit.data[(uint64_t)e * cap];
  uint64_t *ext_key = &a.dev_extension_key.data[(uint64_t)e * cap];
  uint32_t *count = &a.dev_track_slot_count.data[e];
  __shared__ uint32_t n_tracks, next_middle;
  __shared__ uint32_t phi_index[KST_VELO_MODULES * KST_PHI_INDEX_STRIDE];
  KST_DYNAMIC_SHARED(seed_scratch, scratch);
  const uint32_t lane = kst_lane(), warp = threadIdx.x / KST_WARP_SIZE;
  seed_scratch *sc = &scratch[warp];
  /* An inner hit steeper than this cannot make a seed: an outer hit is at most max_slope steep, and a kink below
     max_scatter_seeding is a slope difference below its square root (doubled, so that rounding never matters). */
  const float inner_slope = a.props.max_slope + 2.0f * sqrtf(a.props.max_scatter_seeding);
  /* The copies' x, y, z and phi, each an array as long as the hits. */
  float *copy_x = a.dev_scan_hits.data, *copy_y = copy_x + a.dev_velo_hits.count, *copy_z = copy_y + a.dev_velo_hits.count,
        *copy_phi = copy_z + a.dev_velo_hits.count;
  const hit_view hv = {X, Y, Z, PHI, used, copy_x, copy_y, copy_z, copy_phi, a.dev_scan_hit_index.data,
                      a.dev_scan_slot.data + (uint64_t)e * KST_VELO_MODULES};

  for (uint32_t h = off[0] + threadIdx.x; h < off[KST_VELO_MODULES]; h += blockDim.x) used[h] = 0, owner[h] = NO_KEY;
  if (threadIdx.x == 0) *count = 0, a.dev_velo_track_flags.data[e] = 0;
  /* Entry b counts the module's hits below edge b: each hit is counted at the first edge above it, then the counts
     are summed up. */
  for (uint32_t m = threadIdx.x; m < KST_VELO_MODULES; m += blockDim.x) {
    uint32_t *im = &phi_index[m * KST_PHI_INDEX_STRIDE];
    for (uint32_t b = 0; b <= KST_PHI_BUCKETS; ++b) im[b] = 0;
    for (uint32_t i = off[m]; i < off[m + 1]; ++i) {
      const uint32_t b = first_edge_above(PHI[i]);
      if (b <= KST_PHI_BUCKETS) im[b]++;
    }
    for (uint32_t b = 1; b <= KST_PHI_BUCKETS; ++b) im[b] += im[b - 1];
  }
  kst_syncthreads();

  for (int k = (int)KST_VELO_STATIONS - 3; k >= 0; --k) {
    const uint32_t s_begin = off[2 * k], s_end = off[2 * k + 2];
    /* ---- Extension: every live track proposes its best hit on station k. */
    if (threadIdx.x == 0) n_tracks = *count < cap ? *count : cap;
    kst_syncthreads();
    const uint32_t n_live = n_tracks;
#if KST_VELO_SEARCH_CPU_PATH
    /* A track's predicted x and y on each module of the station, module j's at j * cap; then its phi, over x. */
    float *pred_x = &a.dev_extension_prediction.data[(uint64_t)e * cap * 4u], *pred_y = pred_x + 2u * cap;
    for (uint32_t t = threadIdx.x; t < n_live; t += blockDim.x) {
      const kst_velo_track_slot *tr = &slots[t];
      if (tr->last_station - (uint32_t)k > a.props.max_skipped_stations + 1u) continue;
      const uint32_t *th = &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS];
      const uint32_t h1 = th[tr->n_hits - 1], h0 = th[tr->n_hits - 2];
      const float tx = (X[h1] - X[h0]) / (Z[h1] - Z[h0]), ty = (Y[h1] - Y[h0]) / (Z[h1] - Z[h0]);
      for (uint32_t j = 0; j < 2u; ++j) {
        const float dz = Z[off[2u * (uint32_t)k + j]] - Z[h1];
        pred_x[j * cap + t] = X[h1] + tx * dz, pred_y[j * cap + t] = Y[h1] + ty * dz;
      }
    }
    for (uint32_t j = 0; j < 2u; ++j) {
      float *x = pred_x + j * cap;
      const float *y = pred_y + j * cap;
      for (uint32_t t = threadIdx.x; t < n_live; t += blockDim.x) x[t] = kst_atan2f(y[t], x[t]);
    }
#endif
    for (uint32_t t = threadIdx.x; t < n_live; t += blockDim.x) {
      kst_velo_track_slot *tr = &slots[t];
      ext_hit[t] = NONE;
      if (tr->last_station - (uint32_t)k > a.props.max_skipped_stations + 1u) continue;
      const uint32_t *th = &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS];
      const uint32_t h1 = th[tr->n_hits - 1], h0 = th[tr->n_hits - 2];
      const float tx = (X[h1] - X[h0]) / (Z[h1] - Z[h0]), ty = (Y[h1] - Y[h0]) / (Z[h1] - Z[h0]);
      /* The hit of smallest (scatter, index) below max_scatter_forwarding, as a key: a minimum without branches,
         which the CPU mispredicted on most hits. A NaN scatter's bits are above every number's, so it never wins. */
      const uint64_t none_key = make_key(a.props.max_scatter_forwarding, 0u);
      uint64_t best = none_key;
      for (uint32_t m = 2u * (uint32_t)k; m < 2u * (uint32_t)k + 2u; ++m) {
        if (off[m] == off[m + 1]) continue;
        phi_span sp[2];
#if KST_VELO_SEARCH_CPU_PATH
        const float phi = pred_x[(m - 2u * (uint32_t)k) * cap + t];
#else
        const float dz = Z[off[m]] - Z[h1];
        const float phi = kst_atan2f(Y[h1] + ty * dz, X[h1] + tx * dz);
#endif
        const uint32_t ns = phi_spans(off, phi_index, m, phi, a.props.forward_phi_window, sp);
        for (uint32_t q = 0; q < ns; ++q)
          for (uint32_t h = sp[q].begin; h < sp[q].end; ++h) {
            const float hz = Z[h] - Z[h1], dx = X[h] - (X[h1] + tx * hz), dy = Y[h] - (Y[h1] + ty * hz);
            const uint64_t key = make_key((dx * dx + dy * dy) / (hz * hz), h);
            best = ((used[h] == 0) & in_span(&sp[q], PHI[h]) & (key < best)) ? key : best;
          }
      }
      if (best == none_key) continue;
      ext_hit[t] = (uint32_t)best;
      ext_key[t] = ((best >> 32) << 32) | tr->id;
      kst_atomic_min_u64(&owner[(uint32_t)best], ext_key[t]);
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
    if (threadIdx.x == 0) next_middle = m_begin;
#if KST_VELO_SEARCH_CPU_PATH
    /* The stations the seeding scans, each module's unused hits copied to its first slots: the inner station after
       the extension, and the outer ones after the last station's seeds. */
    for (uint32_t m = 2u * (uint32_t)k + threadIdx.x; m < 2u * last_outer + 2u; m += blockDim.x) {
      if (m == 2u * (uint32_t)k + 2u || m == 2u * (uint32_t)k + 3u) continue; /* the middle station */
      uint32_t *scan_hit = a.dev_scan_hit_index.data, *slot = &a.dev_scan_slot.data[(uint64_t)e * KST_VELO_MODULES + m];
      uint32_t n = off[m];
      /* Every hit is written and kept only when unused: no branch to mispredict. */
      for (uint32_t h = off[m]; h < off[m + 1]; ++h) {
        slot[h] = n;
        copy_x[n] = X[h], copy_y[n] = Y[h], copy_z[n] = Z[h], copy_phi[n] = PHI[h];
        scan_hit[n] = h;
        n += used[h] == 0;
      }
      slot[off[m + 1]] = n;
    }
#endif
    kst_syncthreads();
    /* One warp per middle hit: its lanes gather the candidates together and weigh an outer hit each (on the CPU a
       warp is the block's single thread). A warp takes the next middle hit when it is done with one: their costs
       differ by tens of times, and a fixed share left most warps waiting at the barrier for the one with the
       busiest hits. Each middle hit's seed depends on nothing another writes before the barrier, so the order in
       which they are taken does not matter. */
    for (uint32_t h1 = take_middle(&next_middle); h1 < m_end; h1 = take_middle(&next_middle)) {
      if (lane == 0) a.dev_seed_key.data[h1] = NO_KEY;
      if (used[h1]) continue;
      /* The inner station's distance from a hit of it (none: nothing to pair with). */
      if (off[2 * k] == off[2 * k + 2]) continue;
      seed_choice best = {a.props.max_scatter_seeding, NONE, NONE};
      /* Tracks that do not come from the beam line turn in phi; the turn per station grows as 1 / radius. */
      const float r1 = sqrtf(X[h1] * X[h1] + Y[h1] * Y[h1]);
      const float dz_down = Z[h1] - Z[off[2 * k]];
      const float w2 = a.props.seed_phi_window + a.props.seed_tangential_slope * (dz_down < 0 ? -dz_down : dz_down) / r1;
      /* The inner candidates do not depend on the outer hit: they are gathered relative to h1 once, or a chunk at a
         time when there are more than the scratch holds (near the beam line in busy events). A seed across a missed
         station is looked for only when there is none without: a real track's hit on the nearer station would
         otherwise be left behind. */
      inner_cursor cur = {NONE, NONE};
      uint32_t nc = 0;
      int whole = 0;
      for (uint32_t so = (uint32_t)k + 2u; so <= last_outer;) {
        if (!whole) {
          if (cur.q == NONE) cur.q = 0u, cur.at = NONE;
          const int first_chunk = cur.q == 0u && cur.at == NONE;
          nc = gather_inner(&hv, off, phi_index, (uint32_t)k, h1, w2, inner_slope, &cur, sc);
          whole = first_chunk && cur.q == NONE;
        }
        if (nc == 0) break;
        /* The search across a gap runs for every middle hit that found no seed (most of them), so it has its own,
           narrower, sideways slope. */
        const float slope = so == (uint32_t)k + 2u ? a.props.seed_tangential_slope : a.props.gap_seed_tangential_slope;
        weigh_station(&hv, off, phi_index, h1, r1, so, a.props.seed_phi_window, slope, a.props.max_slope, sc, nc, &best);
        if (!whole && cur.q != NONE) continue; /* the next chunk, for the same station */
        if (best.outer != NONE) break;
        ++so;
      }
      if (best.outer == NONE || lane != 0) continue;
      const uint64_t key = make_key(best.scatter, h1);
      a.dev_seed_outer.data[h1] = best.outer;
      a.dev_seed_inner.data[h1] = best.inner;
      a.dev_seed_key.data[h1] = key;
      kst_atomic_min_u64(&owner[best.outer], key);
      kst_atomic_min_u64(&owner[best.inner], key);
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
    /* Slots are handed out in middle-hit order by the first warp, so which seeds are dropped when the capacity is
       full does not depend on thread timing. */
    if (warp == 0) {
      uint32_t n = *count, overflow = 0;
      for (uint32_t base = m_begin; base < m_end; base += KST_WARP_SIZE) {
        const uint32_t h1 = base + lane;
        const uint64_t key = h1 < m_end ? a.dev_seed_key.data[h1] : NO_KEY;
        const kst_lanemask votes = kst_ballot(key != NO_KEY);
        const uint32_t t = n + kst_popc(votes & kst_lanes_below());
        if (key != NO_KEY && t >= cap) overflow = 1;
        if (key != NO_KEY && t < cap) {
          const uint32_t h0 = a.dev_seed_outer.data[h1], h2 = a.dev_seed_inner.data[h1];
          uint32_t *th = &slot_hits[(uint64_t)t * KST_VELO_MAX_TRACK_HITS];
          th[0] = h0, th[1] = h1, th[2] = h2;
          slots[t].n_hits = 3;
          slots[t].last_station = (uint32_t)k;
          slots[t].id = h1;
          used[h0] = used[h1] = used[h2] = 1;
        }
        n += kst_popc(votes);
        n = n < cap ? n : cap;
      }
      if (kst_ballot(overflow) && lane == 0) a.dev_velo_track_flags.data[e] |= KST_VELO_TRACKS_OVERFLOW;
      kst_syncwarp();
      if (lane == 0) *count = n;
    }
    kst_syncthreads();
  }
}

KST_EXTERN_C int kst_velo_search_cpu_path(void) { return KST_VELO_SEARCH_CPU_PATH; }

KST_EXTERN_C kst_status kst_velo_search_launch(velo_search_by_triplet_args a, kst_stream *stream) {
  if (KST_EVENT_LIST_CAPACITY(a.dev_event_list.count) == 0) return kst_ok();
  /* Seeding runs a warp per middle hit, with all of its lanes voting together: a partial warp would hang. */
  if (KST_GPU && a.props.block_dim % KST_WARP_SIZE != 0)
    return kst_error(KST_ERR_CONFIG, "velo_search_by_triplet: block_dim %u is not a multiple of the warp size (%u)",
                     a.props.block_dim, (unsigned)KST_WARP_SIZE);
  /* A seeding scratch per warp (the CPU runs a block as one thread). */
  const size_t shared = (KST_GPU ? a.props.block_dim / KST_WARP_SIZE : 1u) * sizeof(seed_scratch);
  KST_LAUNCH(velo_search_kernel, KST_DIM3(KST_EVENT_LIST_CAPACITY(a.dev_event_list.count), 1, 1), KST_DIM3(a.props.block_dim, 1, 1), shared,
             stream, a);
  return kst_launch_check("velo_search_kernel");
}
