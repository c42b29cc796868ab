/* The selection-line machinery (docs/selections.md). A line is an algorithm type in one of four shapes (event,
   VELO track, long track, two-track vertex); it declares its properties and a select function for one candidate, and
   these macros give it the common parameters and properties, the kernel (pre-scaler, candidates, post-scaler) and the
   descriptor. Its output adds its column to the selections of the lines before it. */
#ifndef KST_LINE_H
#define KST_LINE_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/odin.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/selections.h"
#include "device/event_model/velo_tracks.h"
#include "device/selections/scaler.h"

/* Parameters of every line. */
#define KST_LINE_PARAMS(P)                                  \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)      \
  P(dev_odin, DEVICE_INPUT, kst_odin)                       \
  P(dev_selections, DEVICE_INPUT, kst_selection_word)       \
  P(dev_candidates, DEVICE_INPUT, kst_line_candidate)       \
  P(dev_line_selections, DEVICE_OUTPUT, kst_selection_word) \
  P(dev_line_candidates, DEVICE_OUTPUT, kst_line_candidate)

/* The candidates of each shape. */
#define KST_LINE_EVENT_PARAMS(P)
#define KST_LINE_VELO_PARAMS(P)                             \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_velo_track_n_hits, DEVICE_INPUT, uint32_t)          \
  P(dev_velo_states_beam, DEVICE_INPUT, kst_velo_state)     \
  P(dev_velo_states_end, DEVICE_INPUT, kst_velo_state)      \
  P(dev_track_pv, DEVICE_INPUT, kst_track_pv)
#define KST_LINE_ONE_TRACK_PARAMS(P)                        \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_long_tracks, DEVICE_INPUT, kst_long_track)          \
  P(dev_ghost_probs, DEVICE_INPUT, float)                   \
  P(dev_long_states_beam, DEVICE_INPUT, kst_velo_state)     \
  P(dev_track_pv, DEVICE_INPUT, kst_track_pv)               \
  P(dev_pvs, DEVICE_INPUT, kst_pv)                          \
  P(dev_pv_counts, DEVICE_INPUT, uint32_t)
#define KST_LINE_TWO_TRACK_PARAMS(P)                        \
  P(dev_svs, DEVICE_INPUT, kst_sv)                          \
  P(dev_ghost_probs, DEVICE_INPUT, float)                   \
  P(dev_sv_counts, DEVICE_INPUT, uint32_t)                  \
  P(dev_pvs, DEVICE_INPUT, kst_pv)                          \
  P(dev_pv_counts, DEVICE_INPUT, uint32_t)

/* Properties of every line. */
#define KST_LINE_PROPS(Q)                                                                                           \
  Q(pre_scaler, FLOAT, 1, "1", 0, 1, "fraction of events the line looks at, chosen per event by LHCb's hash")      \
  Q(post_scaler, FLOAT, 1, "1", 0, 1, "fraction of the line's positive decisions it keeps, chosen the same way")   \
  Q(pre_scaler_hash_string, STRING, 1, "\"\"", 1, 0, "the pre-scaler's hash string (empty: the instance name + _pre)") \
  Q(post_scaler_hash_string, STRING, 1, "\"\"", 1, 0, "the post-scaler's hash string (empty: the instance name + _post)") \
  Q(min_candidates, UINT, 1, "1", 1, 16777215, "candidates that must pass for the line to fire")                 \
  Q(block_dim, UINT, 1, "64", 1, KST_LINE_MAX_BLOCK, "threads per block (one block per event)")

/* The most threads a line's block may have: its shared mask of passing candidates has a bit per thread. */
#define KST_LINE_MAX_BLOCK 1024

/* The property of the long-track shapes: their tracks' ghost probability (track_network) at most this. */
#define KST_LINE_GHOST_PROPS(Q) \
  Q(max_ghost_prob, FLOAT, 1, "1", 0, 1, "each track's ghost probability (track_network), at most (1: no cut)")

/* The candidate range of event e and whether candidate c counts, per shape. */
#define KST_LINE_RANGE_EVENT(a, e, n, c0, c1) (c0 = 0u, c1 = 1u)
#define KST_LINE_TAKES_EVENT(a, c) 1
#define KST_LINE_RANGE_VELO(a, e, n, c0, c1) (c0 = (a).dev_velo_track_offsets.data[e], c1 = (a).dev_velo_track_offsets.data[(e) + 1u])
#define KST_LINE_TAKES_VELO(a, c) 1
#define KST_LINE_RANGE_ONE_TRACK(a, e, n, c0, c1) KST_LINE_RANGE_VELO(a, e, n, c0, c1)
#define KST_LINE_TAKES_ONE_TRACK(a, c) \
  ((a).dev_long_tracks.data[c].n_hits != 0u && (a).dev_ghost_probs.data[c] <= (a).props.max_ghost_prob)
#define KST_LINE_RANGE_TWO_TRACK(a, e, n, c0, c1)                                                  \
  (c0 = (uint32_t)((uint64_t)(e) * ((a).dev_svs.count / (n))), c1 = c0 + (a).dev_sv_counts.data[e])
#define KST_LINE_TAKES_TWO_TRACK(a, c)                                                  \
  ((a).dev_ghost_probs.data[(a).dev_svs.data[c].a] <= (a).props.max_ghost_prob &&         \
   (a).dev_ghost_probs.data[(a).dev_svs.data[c].b] <= (a).props.max_ghost_prob)

/* Whether a shape's candidates are objects to store (an event line's one candidate is the event itself). */
#define KST_LINE_STORES_EVENT 0u
#define KST_LINE_STORES_VELO 1u
#define KST_LINE_STORES_ONE_TRACK 1u
#define KST_LINE_STORES_TWO_TRACK 1u

/* Inputs a shape's set_sizes checks. */
#define KST_LINE_CHECK_EVENT(a, events) kst_ok()
#define KST_LINE_CHECK_VELO(a, events) kst_expect_count("dev_velo_track_offsets", (a)->dev_velo_track_offsets.count, (events) + 1)
#define KST_LINE_CHECK_ONE_TRACK(a, events)                                                              \
  kst_line_check_tracks((a)->dev_velo_track_offsets.count, (events), (a)->dev_ghost_probs.count,           \
                        (a)->dev_long_tracks.count)
#define KST_LINE_CHECK_TWO_TRACK(a, events) kst_expect_count("dev_sv_counts", (a)->dev_sv_counts.count, (events))

/* Declares line's launcher (in its header). */
#define KST_LINE_DECLARE(line)                                                                                     \
  KST_EXTERN_C_DECL kst_status line##_launch(line##_args a, uint32_t pre_seed, uint32_t post_seed, uint32_t events, \
                                             kst_stream *stream);

#ifdef __cplusplus
#define KST_EXTERN_C_DECL extern "C"
#else
#define KST_EXTERN_C_DECL
#endif

/* The kernel and launcher of line (in its .cu file, after `KST_DEVICE int line##_select(const line##_args *a,
   uint32_t e, uint32_t c)`): one block per listed event; a pre-scaler that lets the line look, the candidates taken a
   block at a time (each thread sets its bit in a shared mask, and the first thread stores the passing indices in
   increasing order, so the stored candidates do not depend on the block size), a post-scaler on the decision, and
   the word in the line's column. */
#define KST_LINE_KERNEL(line, SHAPE)                                                                               \
  KST_GLOBAL line##_kernel(line##_args a, uint32_t pre_seed, uint32_t post_seed, uint32_t events) {               \
    if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;                                                  \
    const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);                                        \
    const kst_odin o = a.dev_odin.data[e];                                                                         \
    const uint32_t column = (uint32_t)(a.dev_selections.count / events);                                           \
    kst_line_candidate *stored = a.dev_line_candidates.data + ((uint64_t)column * events + e) * KST_LINE_STORED;   \
    __shared__ uint32_t passed;                                                                                    \
    __shared__ uint32_t mask[KST_LINE_MAX_BLOCK / 32u];                                                            \
    if (threadIdx.x == 0) passed = 0;                                                                              \
    kst_syncthreads();                                                                                             \
    const int looks = kst_scaler_keep(pre_seed, a.props.pre_scaler, o.run, o.event_hi, o.event_lo, o.gps_hi, o.gps_lo); \
    if (looks) {                                                                                                   \
      uint32_t c0, c1;                                                                                             \
      KST_LINE_RANGE_##SHAPE(a, e, events, c0, c1);                                                                \
      for (uint32_t base = c0; base < c1; base += blockDim.x) {                                                    \
        for (uint32_t w = threadIdx.x; w < (blockDim.x + 31u) / 32u; w += blockDim.x) mask[w] = 0u;               \
        kst_syncthreads();                                                                                         \
        const uint32_t c = base + threadIdx.x;                                                                     \
        if (c < c1 && KST_LINE_TAKES_##SHAPE(a, c) && line##_select(&a, e, c))                                     \
          kst_atomic_or_u32(&mask[threadIdx.x / 32u], 1u << (threadIdx.x % 32u));                                  \
        kst_syncthreads();                                                                                         \
        if (threadIdx.x == 0)                                                                                      \
          for (uint32_t w = 0; w < (blockDim.x + 31u) / 32u; ++w)                                                  \
            for (uint32_t m = mask[w]; m; m &= m - 1u, ++passed)                                                   \
              if (KST_LINE_STORES_##SHAPE && passed < KST_LINE_STORED) stored[passed] = base + 32u * w + kst_ctz_u32(m); \
        kst_syncthreads();                                                                                         \
      }                                                                                                            \
    }                                                                                                              \
    if (threadIdx.x == 0) {                                                                                        \
      const uint32_t n = passed < KST_SEL_CANDIDATES ? passed : KST_SEL_CANDIDATES;                              \
      const int fires = looks && n >= a.props.min_candidates &&                                                    \
                        kst_scaler_keep(post_seed, a.props.post_scaler, o.run, o.event_hi, o.event_lo, o.gps_hi, o.gps_lo); \
      a.dev_line_selections.data[(uint64_t)column * events + e] =                                                  \
          n | (looks ? KST_SEL_PRESCALED : 0u) | (fires ? KST_SEL_DECISION : 0u);                                  \
    }                                                                                                              \
  }                                                                                                                \
  KST_EXTERN_C kst_status line##_launch(line##_args a, uint32_t pre_seed, uint32_t post_seed, uint32_t events,    \
                                        kst_stream *stream) {                                                      \
    const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);                                       \
    if (blocks == 0) return kst_ok();                                                                              \
    KST_LAUNCH(line##_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, pre_seed,    \
               post_seed, events);                                                                                 \
    return kst_launch_check(#line "_kernel");                                                                      \
  }

#ifdef __cplusplus
extern "C" {
#endif
/* A line's scaler seed from its hash string, or from the instance name and suffix when the string is empty. */
uint32_t kst_line_seed(const kst_ctx *ctx, const char *hash_string, const char *suffix);
/* The inputs of a long-track line: offsets of the events' tracks, and a ghost probability per track. */
kst_status kst_line_check_tracks(uint64_t offsets, uint64_t events, uint64_t ghost_probs, uint64_t tracks);
/* The common sizing of a line: its outputs are the selections and candidates before it plus one column each. */
kst_status kst_line_sizes(kst_ctx *ctx, uint64_t events, uint64_t in_words, uint64_t in_candidates,
                          uint64_t list_words, uint64_t odin_count, uint64_t *out_words, uint64_t *out_candidates);
/* The common run of a line before its kernel: the columns before it copied, its own cleared (unlisted events: no
   decision and no candidates). */
kst_status kst_line_prepare(kst_ctx *ctx, kst_selection_word *out, const kst_selection_word *in, uint64_t in_words,
                            kst_line_candidate *out_candidates, const kst_line_candidate *in_candidates,
                            uint64_t events);
#ifdef __cplusplus
}
#endif

/* The descriptor and hooks of line (in its .c file). */
#define KST_LINE_ALGORITHM(line, PARAMS, PROPS, SHAPE, text)                                                       \
  static kst_status line##__line_sizes(kst_ctx *ctx, line##_args *a) {                                                  \
    const uint64_t events = kst_ctx_events(ctx);                                                                   \
    KST_TRY(KST_LINE_CHECK_##SHAPE(a, events));                                                                    \
    return kst_line_sizes(ctx, events, a->dev_selections.count, a->dev_candidates.count, a->dev_event_list.count,  \
                          a->dev_odin.count, &a->dev_line_selections.count, &a->dev_line_candidates.count);        \
  }                                                                                                                \
  static kst_status line##__line_run(kst_ctx *ctx, const line##_args *a) {                                              \
    const uint64_t events = kst_ctx_events(ctx);                                                                   \
    KST_TRY(kst_line_prepare(ctx, a->dev_line_selections.data, a->dev_selections.data, a->dev_selections.count,    \
                             a->dev_line_candidates.data, a->dev_candidates.data, events));                        \
    return line##_launch(*a, kst_line_seed(ctx, a->props.pre_scaler_hash_string, "_pre"),                          \
                         kst_line_seed(ctx, a->props.post_scaler_hash_string, "_post"), (uint32_t)events,          \
                         kst_ctx_stream(ctx));                                                                     \
  }                                                                                                                \
  static const line##_hooks line##__line_hooks = {.set_sizes = line##__line_sizes, .run = line##__line_run};                 \
  KST_ALGORITHM(line, PARAMS, PROPS, line##__line_hooks, .description = text, .line_shape = KST_LINE_SHAPE_##SHAPE)

#endif
