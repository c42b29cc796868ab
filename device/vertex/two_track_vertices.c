/* two_track_vertices: descriptor and hooks; vertices go in per-event slots of the max_svs capacity. */
#include "device/vertex/two_track_vertices.h"

static kst_status set_sizes(kst_ctx *ctx, two_track_vertices_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  KST_TRY(kst_expect_count("dev_velo_track_offsets", a->dev_velo_track_offsets.count, events + 1));
  KST_TRY(kst_expect_count("dev_long_states_beam", a->dev_long_states_beam.count, a->dev_long_tracks.count));
  KST_TRY(kst_expect_count("dev_track_pv", a->dev_track_pv.count, a->dev_long_tracks.count));
  if (a->dev_pv_counts.count != events || (events && a->dev_pvs.count % events))
    return kst_error(KST_ERR_CONFIG, "dev_pvs and dev_pv_counts are not the outputs of one pv_beamline (check the bindings)");
  a->dev_svs.count = events * a->props.max_svs;
  a->dev_sv_counts.count = a->dev_sv_flags.count = events;
  a->dev_sv_tracks.count = events * a->props.max_tracks;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const two_track_vertices_args *a) {
  const uint64_t events = a->dev_sv_counts.count;
  kst_stream *s = kst_ctx_stream(ctx);
  /* Unlisted events have no vertices and no flags. */
  KST_TRY(kst_memset(a->dev_sv_counts.data, 0, events * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_sv_flags.data, 0, events * sizeof(uint32_t), s));
  return kst_two_track_vertices_launch(*a, events ? (uint32_t)(a->dev_pvs.count / events) : 0u, s);
}

static const two_track_vertices_hooks two_track_vertices_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(two_track_vertices, TWO_TRACK_VERTICES_PARAMS, TWO_TRACK_VERTICES_PROPS, two_track_vertices_hook_table,
              .description = "fits pairs of prefiltered long tracks to a vertex: position, covariance, chi2, DOCA, and "
                             "the composite's pT, eta, mass, corrected mass, flight distance and direction to its PV");
