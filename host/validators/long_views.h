/* Long tracks copied back from the device as the checkers' views (VELO and SciFi LHCbIDs, q/p), one event at a time. */
#ifndef KST_LONG_VIEWS_H
#define KST_LONG_VIEWS_H

#include <stdint.h>

#include "checker/long_track_checker.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"
#include "kst_status.h"

/* The device outputs a view is made of (host copies). */
typedef struct kst_long_view_source {
  const uint32_t *track_offsets;     /* VELO tracks per event: [e, e + 1) */
  const uint32_t *velo_ids;          /* LHCbID of each VELO hit */
  const uint32_t *hit_begin, *n_hits, *track_hits; /* each VELO track's hits */
  const uint32_t *scifi_ids;         /* LHCbID of each SciFi hit */
  const kst_long_track *tracks;      /* one slot per VELO track */
  const uint32_t *long_scifi_hits;   /* KST_LONG_MAX_SCIFI_HITS per slot */
  uint32_t n_events;
} kst_long_view_source;

/* The device outputs a source is made of, as an algorithm's DEVICE_TO_HOST parameters (in its PARAMS list). */
#define KST_LONG_VIEW_PARAMS(P)                                \
  P(dev_velo_hits, DEVICE_TO_HOST, kst_velo_hit_bytes)         \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)          \
  P(dev_velo_track_hit_begin, DEVICE_TO_HOST, uint32_t)        \
  P(dev_velo_track_n_hits, DEVICE_TO_HOST, uint32_t)           \
  P(dev_velo_track_hits, DEVICE_TO_HOST, uint32_t)             \
  P(dev_scifi_hits, DEVICE_TO_HOST, kst_scifi_hit_bytes)       \
  P(dev_long_tracks, DEVICE_TO_HOST, kst_long_track)           \
  P(dev_long_scifi_hits, DEVICE_TO_HOST, uint32_t)

/* The source in the device outputs of an algorithm's args a (any args struct with these parameters: the long-track
   and vertex checkers'). */
#define KST_LONG_VIEW_SOURCE(a, events)                                                                     \
  ((kst_long_view_source){(a)->dev_velo_track_offsets.data,                                                \
                          kst_velo_hits_view((a)->dev_velo_hits.data, (a)->dev_velo_hits.count).id,         \
                          (a)->dev_velo_track_hit_begin.data, (a)->dev_velo_track_n_hits.data,              \
                          (a)->dev_velo_track_hits.data,                                                    \
                          kst_scifi_hits_view((a)->dev_scifi_hits.data, (a)->dev_scifi_hits.count).id,      \
                          (a)->dev_long_tracks.data, (a)->dev_long_scifi_hits.data, (events)})

/* The most ids one view holds: VELO hits of a track and its SciFi hits. */
#define KST_LONG_VIEW_MAX_IDS (KST_VELO_MAX_TRACK_HITS + KST_LONG_MAX_SCIFI_HITS)

/* Room for the views of any event of the source. */
typedef struct kst_long_views {
  kst_long_track_view *views;
  uint32_t *slots;                   /* the VELO track index of each view */
  uint32_t *ids;
  uint32_t max_tracks;               /* the most VELO tracks of any event of the source */
} kst_long_views;

/* Allocates room for the largest event of src. */
kst_status kst_long_views_alloc(kst_long_views *v, const kst_long_view_source *src);
/* Frees the room; a zeroed v is fine. */
void kst_long_views_free(kst_long_views *v);
/* The view of VELO track t: its VELO ids and, with_scifi, its long track's SciFi ids and q/p, gathered into ids (room
   for KST_LONG_VIEW_MAX_IDS). */
void kst_long_view_of(const kst_long_view_source *src, uint32_t t, int with_scifi, uint32_t *ids,
                      kst_long_track_view *w);
/* Fills v with event e's long tracks (slots with hits) in slot order; returns how many. */
uint32_t kst_long_views_event(kst_long_views *v, const kst_long_view_source *src, uint32_t e);

#endif
