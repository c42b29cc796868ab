/* line_efficiency: each line's efficiency on signal samples, event-level and trigger-on-signal (TOS: a candidate that
   fired the line is made of the signal's tracks), for all events and for events whose signal decay's charged
   daughters are all reconstructible long particles (LHCb's denominator). */
#ifndef KST_LINE_EFFICIENCY_H
#define KST_LINE_EFFICIENCY_H

#include "device/common/kst_algorithm.h"
#include "host/validators/long_views.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/selections.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"

#define LINE_EFFICIENCY_PARAMS(P)                              \
  P(dev_selections, DEVICE_TO_HOST, kst_selection_word)        \
  P(dev_candidates, DEVICE_TO_HOST, kst_line_candidate)        \
  KST_LONG_VIEW_PARAMS(P)                                      \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)                           \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(line_efficiency, LINE_EFFICIENCY_PARAMS, KST_NO_PROPS)

#endif
