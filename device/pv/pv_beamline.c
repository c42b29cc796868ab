/* pv_beamline: descriptor and hooks. */
#include "device/pv/pv_beamline.h"


static kst_status set_sizes(kst_ctx *ctx, pv_beamline_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_count("dev_velo_track_offsets", a->dev_velo_track_offsets.count, events + 1));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  a->dev_pvs.count = events * a->props.max_pvs;
  a->dev_pv_counts.count = a->dev_pv_flags.count = events;
  a->dev_pv_seeds.count = events * a->props.max_pvs;
  /* Per event, a run of floats per track and PV_STRIPES spare ones (the finder's CPU loops read whole stripes). */
  const uint64_t slots = a->dev_velo_states_beam.count + PV_STRIPES * events;
  a->dev_track_weight_sum.count = slots;
  a->dev_tracks_by_z.count = PV_TRACK_FIELDS * slots;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const pv_beamline_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  /* Events not in the list have no vertices. */
  KST_TRY(kst_memset(a->dev_pv_counts.data, 0, a->dev_pv_counts.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_pv_flags.data, 0, a->dev_pv_flags.count * sizeof(uint32_t), s));
  return kst_pv_beamline_launch(*a, s);
}

/* The histogram needs an increasing z range of at most 8192 bins (the kernel keeps them in shared memory). */
static kst_status check(const pv_beamline_props *p) {
  if (!(p->z_range[1] > p->z_range[0]))
    return kst_error(KST_ERR_CONFIG, "z_range must be increasing ([%g, %g])", p->z_range[0], p->z_range[1]);
  if ((p->z_range[1] - p->z_range[0]) / p->bin_width > 8192.0f)
    return kst_error(KST_ERR_CONFIG, "z_range / bin_width must be at most 8192 bins (%g)",
                     (p->z_range[1] - p->z_range[0]) / p->bin_width);
  return kst_ok();
}

static const pv_beamline_hooks pv_beamline_hook_table = {.set_sizes = set_sizes, .run = run, .check = check};
KST_ALGORITHM(pv_beamline, PV_BEAMLINE_PARAMS, PV_BEAMLINE_PROPS, pv_beamline_hook_table,
              .description = "finds primary vertices: track z histogram at the beam line, peaks, adaptive multi-vertex fit");
