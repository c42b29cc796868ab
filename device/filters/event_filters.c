/* Event filters: descriptors and hooks of global_event_cut and velo_track_filter. */
#include "device/filters/event_filters.h"


/* The output list has the input's capacity: a filter never lists more events than it was given. */
static kst_status size_filter(kst_ctx *ctx, uint64_t list_words, const char *offsets_name, uint64_t offsets_count,
                              uint64_t *out_words) {
  const uint64_t events = kst_ctx_events(ctx);
  KST_TRY(kst_expect_event_list("dev_event_list", list_words, events));
  KST_TRY(kst_expect_count(offsets_name, offsets_count, events + 1));
  *out_words = list_words;
  return kst_ok();
}

static kst_status gec_sizes(kst_ctx *ctx, global_event_cut_args *a) {
  return size_filter(ctx, a->dev_event_list.count, "dev_item_offsets", a->dev_item_offsets.count,
                     &a->dev_gec_event_list.count);
}

static kst_status gec_run(kst_ctx *ctx, const global_event_cut_args *a) {
  return kst_count_filter_launch(a->dev_event_list.data, a->dev_item_offsets.data, a->props.min_clusters,
                                 a->props.max_clusters, a->dev_gec_event_list.data, a->props.block_dim,
                                 kst_ctx_stream(ctx));
}

static const global_event_cut_hooks gec_hooks = {.set_sizes = gec_sizes, .run = gec_run};
KST_ALGORITHM(global_event_cut, GLOBAL_EVENT_CUT_PARAMS, GLOBAL_EVENT_CUT_PROPS, gec_hooks,
              .description = "global event cut: keeps the listed events with a number of clusters in a range");

static kst_status tracks_sizes(kst_ctx *ctx, velo_track_filter_args *a) {
  return size_filter(ctx, a->dev_event_list.count, "dev_velo_track_offsets", a->dev_velo_track_offsets.count,
                     &a->dev_velo_track_event_list.count);
}

static kst_status tracks_run(kst_ctx *ctx, const velo_track_filter_args *a) {
  return kst_count_filter_launch(a->dev_event_list.data, a->dev_velo_track_offsets.data, a->props.min_tracks,
                                 a->props.max_tracks, a->dev_velo_track_event_list.data, a->props.block_dim,
                                 kst_ctx_stream(ctx));
}

static const velo_track_filter_hooks tracks_hooks = {.set_sizes = tracks_sizes, .run = tracks_run};
KST_ALGORITHM(velo_track_filter, VELO_TRACK_FILTER_PARAMS, VELO_TRACK_FILTER_PROPS, tracks_hooks,
              .description = "keeps the listed events with a number of VELO tracks in a range");
