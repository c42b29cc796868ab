/* vertex_checker: IP resolution of long tracks and two-track vertices of signal decays against MC truth. */
#ifndef KST_VERTEX_CHECKER_ALG_H
#define KST_VERTEX_CHECKER_ALG_H

#include "device/common/kst_algorithm.h"
#include "host/validators/long_views.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"

#define VERTEX_CHECKER_PARAMS(P)                               \
  P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)       \
  P(dev_velo_errors, DEVICE_TO_HOST, uint32_t)                 \
  P(dev_scifi_errors, DEVICE_TO_HOST, uint32_t)                \
  KST_LONG_VIEW_PARAMS(P)                                      \
  P(dev_velo_states_beam, DEVICE_TO_HOST, kst_velo_state)      \
  P(dev_long_states_beam, DEVICE_TO_HOST, kst_velo_state)      \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)                           \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)

KST_ALGORITHM_ARGS(vertex_checker, VERTEX_CHECKER_PARAMS, KST_NO_PROPS)

#endif
