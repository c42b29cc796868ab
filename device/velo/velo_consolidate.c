/* velo_consolidate: descriptor and hooks; the per-event offsets come from the device prefix sum. */
#include "device/velo/velo_consolidate.h"

#include "device/common/kst_primitives.h"

static kst_status set_sizes(kst_ctx *ctx, velo_consolidate_args *a) {
  const uint32_t events = kst_ctx_events(ctx);
  const uint64_t slots = a->dev_track_slots.count, hits = a->dev_velo_hits.count;
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  size_t temp = 0;
  KST_TRY(kst_counts_to_offsets_u32(NULL, &temp, NULL, NULL, events, NULL));
  a->dev_velo_track_counts.count = events;
  a->dev_velo_track_offsets.count = (uint64_t)events + 1;
  /* Every hit is on at most one track, so a batch has at most hits / 3 tracks and hits track hits. */
  const uint64_t tracks = slots < hits / 3 ? slots : hits / 3;
  a->dev_velo_track_hit_begin.count = a->dev_velo_track_n_hits.count = tracks;
  a->dev_velo_states_beam.count = a->dev_velo_states_end.count = tracks;
  a->dev_velo_track_hits.count = hits;
  a->dev_scan_temp.count = temp;
  a->dev_id_slot.count = hits;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const velo_consolidate_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  /* The kernels derive the per-event slot capacity from these two counts: they must be those of one search. */
  const uint64_t events = a->dev_track_slot_count.count;
  if (events != kst_ctx_events(ctx) || a->dev_track_slots.count % (events ? events : 1) ||
      a->dev_track_slot_hits.count != a->dev_track_slots.count * KST_VELO_MAX_TRACK_HITS)
    return kst_error(KST_ERR_CONFIG, "inputs are not the outputs of one velo_search_by_triplet (check the bindings)");
  if (events == 0) return kst_ok();
  size_t temp = a->dev_scan_temp.count;
  /* Events not in the list keep zero tracks. */
  KST_TRY(kst_memset(a->dev_velo_track_counts.data, 0, a->dev_velo_track_counts.count * sizeof(uint32_t), s));
  KST_TRY(kst_velo_consolidate_count_launch(*a, s));
  KST_TRY(kst_counts_to_offsets_u32(a->dev_scan_temp.data, &temp, a->dev_velo_track_counts.data,
                                    a->dev_velo_track_offsets.data, (uint32_t)a->dev_velo_track_counts.count, s));
  return kst_velo_consolidate_write_launch(*a, s);
}

static const velo_consolidate_hooks velo_consolidate_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(velo_consolidate, VELO_CONSOLIDATE_PARAMS, VELO_CONSOLIDATE_PROPS, velo_consolidate_hook_table,
              .description = "keeps good VELO tracks, compacts them per event in a stable order and fits them (Kalman)");
