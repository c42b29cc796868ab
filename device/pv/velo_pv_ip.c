/* velo_pv_ip: descriptor and hooks. */
#include "device/pv/velo_pv_ip.h"


static kst_status set_sizes(kst_ctx *ctx, velo_pv_ip_args *a) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  if (a->dev_pv_counts.count != events || (events && a->dev_pvs.count % events))
    return kst_error(KST_ERR_CONFIG, "dev_pvs and dev_pv_counts are not the outputs of one pv_beamline (check the bindings)");
  a->dev_track_pv.count = a->dev_velo_states_beam.count;
  a->dev_track_pv_counts.count = 2 * events;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const velo_pv_ip_args *a) {
  const uint64_t events = a->dev_pv_counts.count;
  /* Events not in the list count nothing, and their tracks have no PV (pv KST_NO_PV, ip and ip_chi2 NaN). */
  KST_TRY(kst_memset(a->dev_track_pv_counts.data, 0, a->dev_track_pv_counts.count * sizeof(uint32_t), kst_ctx_stream(ctx)));
  KST_TRY(kst_memset(a->dev_track_pv.data, 0xFF, a->dev_track_pv.count * sizeof(kst_track_pv), kst_ctx_stream(ctx)));
  return kst_velo_pv_ip_launch(*a, events ? (uint32_t)(a->dev_pvs.count / events) : 0u, kst_ctx_stream(ctx));
}

static const velo_pv_ip_hooks velo_pv_ip_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(velo_pv_ip, VELO_PV_IP_PARAMS, VELO_PV_IP_PROPS, velo_pv_ip_hook_table,
              .description = "associates each VELO track with its best primary vertex, with impact parameter and IP chi2");
