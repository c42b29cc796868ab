/* Long-track views for the checkers: each long track's VELO and SciFi LHCbIDs gathered from the device's copies. */
#include "host/validators/long_views.h"

#include <stdlib.h>
#include <string.h>

kst_status kst_long_views_alloc(kst_long_views *v, const kst_long_view_source *src) {
  memset(v, 0, sizeof *v);
  uint32_t max_tracks = 0;
  for (uint32_t e = 0; e < src->n_events; ++e)
    if (src->track_offsets[e + 1] - src->track_offsets[e] > max_tracks) max_tracks = src->track_offsets[e + 1] - src->track_offsets[e];
  v->max_tracks = max_tracks;
  v->views = malloc((max_tracks + 1) * sizeof *v->views);
  v->slots = malloc((max_tracks + 1) * sizeof *v->slots);
  v->ids = malloc(((uint64_t)max_tracks * KST_LONG_VIEW_MAX_IDS + 1) * sizeof *v->ids);
  if (!v->views || !v->slots || !v->ids) {
    kst_long_views_free(v);
    return kst_error(KST_ERR_NOMEM, "long-track views: out of memory");
  }
  return kst_ok();
}

void kst_long_views_free(kst_long_views *v) {
  free(v->views);
  free(v->slots);
  free(v->ids);
  memset(v, 0, sizeof *v);
}

void kst_long_view_of(const kst_long_view_source *src, uint32_t t, int with_scifi, uint32_t *ids,
                      kst_long_track_view *w) {
  const kst_long_track *l = &src->tracks[t];
  const uint32_t begin = src->hit_begin[t];
  uint32_t at = 0;
  w->n_velo = src->n_hits[t], w->velo = ids;
  for (uint32_t h = 0; h < w->n_velo; ++h) ids[at++] = src->velo_ids[src->track_hits[begin + h]];
  w->n_scifi = with_scifi ? l->n_hits : 0u, w->scifi = &ids[at];
  for (uint32_t h = 0; h < w->n_scifi; ++h)
    ids[at++] = src->scifi_ids[src->long_scifi_hits[(uint64_t)t * KST_LONG_MAX_SCIFI_HITS + h]];
  w->qop = with_scifi ? l->qop : 0.0f;
}

uint32_t kst_long_views_event(kst_long_views *v, const kst_long_view_source *src, uint32_t e) {
  uint32_t n = 0, at = 0;
  for (uint32_t t = src->track_offsets[e]; t < src->track_offsets[e + 1]; ++t) {
    if (!src->tracks[t].n_hits) continue;
    kst_long_track_view *w = &v->views[n];
    v->slots[n++] = t;
    kst_long_view_of(src, t, 1, &v->ids[at], w);
    at += w->n_velo + w->n_scifi;
  }
  return n;
}
