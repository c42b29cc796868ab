/* Dumpers for kestrel run --dump DIR: every event's UT hits, SciFi hits and MC particles as text (docs/downstream.md). */
#ifndef KST_DOWNSTREAM_DUMPS_H
#define KST_DOWNSTREAM_DUMPS_H

#include "device/common/kst_algorithm.h"
#include "host/validators/long_views.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/selections.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/ut_geometry.h"
#include "device/event_model/ut_hits.h"

#define UT_HIT_DUMP_PARAMS(P)                        \
  P(dev_ut_hits, DEVICE_TO_HOST, kst_ut_hit_bytes)   \
  P(dev_ut_hit_offsets, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(ut_hit_dump, UT_HIT_DUMP_PARAMS, KST_NO_PROPS)

#define SCIFI_HIT_DUMP_PARAMS(P)                           \
  P(dev_scifi_hits, DEVICE_TO_HOST, kst_scifi_hit_bytes)   \
  P(dev_scifi_hit_offsets, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(scifi_hit_dump, SCIFI_HIT_DUMP_PARAMS, KST_NO_PROPS)

#define LONG_TRACK_DUMP_PARAMS(P) KST_LONG_VIEW_PARAMS(P)
KST_ALGORITHM_ARGS(long_track_dump, LONG_TRACK_DUMP_PARAMS, KST_NO_PROPS)

/* No device input: it reads the MC banks of the batch's records. */
#define MC_PARTICLE_DUMP_PARAMS(P) P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)
KST_ALGORITHM_ARGS(mc_particle_dump, MC_PARTICLE_DUMP_PARAMS, KST_NO_PROPS)

#define VERTEX_DUMP_PARAMS(P)                              \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)      \
  P(dev_long_tracks, DEVICE_TO_HOST, kst_long_track)       \
  P(dev_long_states_beam, DEVICE_TO_HOST, kst_velo_state)  \
  P(dev_track_pv, DEVICE_TO_HOST, kst_track_pv)            \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)                       \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)               \
  P(dev_sv_flags, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(vertex_dump, VERTEX_DUMP_PARAMS, KST_NO_PROPS)

#define DEC_REPORT_DUMP_PARAMS(P)                        \
  P(dev_dec_reports, DEVICE_TO_HOST, uint32_t)           \
  P(dev_routing_bits, DEVICE_TO_HOST, uint32_t)          \
  P(dev_candidates, DEVICE_TO_HOST, kst_line_candidate)  \
  P(dev_velo_track_offsets, DEVICE_TO_HOST, uint32_t)    \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)             \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)
KST_ALGORITHM_ARGS(dec_report_dump, DEC_REPORT_DUMP_PARAMS, KST_NO_PROPS)

#endif
