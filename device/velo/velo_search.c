/* velo_search_by_triplet: descriptor and hooks. */
#include "device/velo/velo_search.h"

#include "device/event_model/velo_geometry.h"
#include "device/event_model/velo_hits.h"

static kst_status set_sizes(kst_ctx *ctx, velo_search_by_triplet_args *a) {
  const uint64_t events = kst_ctx_events(ctx), hits = a->dev_velo_hits.count;
  KST_TRY(kst_expect_count("dev_module_offsets", a->dev_module_offsets.count, events * KST_VELO_OFFSETS_PER_EVENT));
  KST_TRY(kst_expect_event_list("dev_event_list", a->dev_event_list.count, events));
  const uint64_t slots = events * a->props.max_tracks;
  a->dev_track_slots.count = slots;
  a->dev_track_slot_hits.count = slots * KST_VELO_MAX_TRACK_HITS;
  a->dev_track_slot_count.count = events;
  a->dev_velo_track_flags.count = events;
  a->dev_hit_used.count = a->dev_hit_owner.count = hits;
  a->dev_seed_outer.count = a->dev_seed_inner.count = a->dev_seed_key.count = hits;
  a->dev_extension_hit.count = a->dev_extension_key.count = slots;
  const int cpu_path = kst_velo_search_cpu_path();
  a->dev_extension_prediction.count = cpu_path ? 4u * slots : 0u;
  a->dev_scan_hits.count = cpu_path ? 4u * hits : 0u;
  a->dev_scan_hit_index.count = cpu_path ? hits : 0u;
  /* A slot for each hit position and one for each module's end. */
  a->dev_scan_slot.count = cpu_path ? hits + events * KST_VELO_MODULES : 0u;
  return kst_ok();
}

static kst_status run(kst_ctx *ctx, const velo_search_by_triplet_args *a) {
  kst_stream *s = kst_ctx_stream(ctx);
  /* Events not in the list have no tracks and no flags. */
  KST_TRY(kst_memset(a->dev_track_slot_count.data, 0, a->dev_track_slot_count.count * sizeof(uint32_t), s));
  KST_TRY(kst_memset(a->dev_velo_track_flags.data, 0, a->dev_velo_track_flags.count * sizeof(uint32_t), s));
  return kst_velo_search_launch(*a, s);
}

static const velo_search_by_triplet_hooks velo_search_by_triplet_hook_table = {.set_sizes = set_sizes, .run = run};
KST_ALGORITHM(velo_search_by_triplet, VELO_SEARCH_BY_TRIPLET_PARAMS, VELO_SEARCH_BY_TRIPLET_PROPS, velo_search_by_triplet_hook_table,
              .description = "finds VELO tracks: triplet seeds on consecutive stations, extended station by station");
