/* long_track_fit: descriptor and hooks; one state per VELO track slot, so sizes need no synchronisation. */
#include "device/fit/long_track_fit.h"

static kst_status set_sizes(kst_ctx *ctx, long_track_fit_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  KST_TRY(kst_expect_count("dev_velo_track_offsets", a->dev_velo_track_offsets.count, events + 1));
  KST_TRY(kst_expect_count("dev_long_tracks", a->dev_long_tracks.count, a->dev_velo_states_beam.count));
  KST_TRY(kst_expect_count("dev_velo_track_n_hits", a->dev_velo_track_n_hits.count, a->dev_velo_states_beam.count));
  a->dev_long_states_beam.count = a->dev_velo_states_beam.count;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const long_track_fit_args *a) {
  /* Unlisted events keep no state: zeros, which no later step reads (their tracks are not long). */
  KST_TRY(kst_memset(a->dev_long_states_beam.data, 0, a->dev_long_states_beam.count * sizeof(kst_velo_state),
                     kst_ctx_stream(ctx)));
  return kst_long_track_fit_launch(*a, kst_ctx_stream(ctx));
}

static const long_track_fit_hooks long_track_fit_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(long_track_fit, LONG_TRACK_FIT_PARAMS, LONG_TRACK_FIT_PROPS, long_track_fit_hook_table,
              .description = "refits each long track's VELO hits with scattering from its momentum: the state at the "
                             "beam line with covariance and chi2 (other VELO tracks keep their VELO state)");
