/* reduced_writer: the accepted events written for analysis, without their raw banks: ODIN, the decision banks, the
   tracks and vertices that fired the lines (the selected-objects bank) and MC truth when there is some
   (docs/output.md). */
#ifndef KST_REDUCED_WRITER_H
#define KST_REDUCED_WRITER_H

#include "device/common/kst_algorithm.h"
#include "host/validators/long_views.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/selections.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"

#define REDUCED_WRITER_PARAMS(P)                               \
  P(dev_accepted, DEVICE_TO_HOST, kst_event_list_word)         \
  P(dev_dec_reports, DEVICE_TO_HOST, uint32_t)                 \
  P(dev_routing_bits, DEVICE_TO_HOST, uint32_t)                \
  P(dev_candidates, DEVICE_TO_HOST, kst_line_candidate)        \
  KST_LONG_VIEW_PARAMS(P)                                      \
  P(dev_velo_states_beam, DEVICE_TO_HOST, kst_velo_state)      \
  P(dev_long_states_beam, DEVICE_TO_HOST, kst_velo_state)      \
  P(dev_svs, DEVICE_TO_HOST, kst_sv)                           \
  P(dev_sv_counts, DEVICE_TO_HOST, uint32_t)
#define REDUCED_WRITER_PROPS(Q)                                                                                  \
  Q(dec_reports_source_id, UINT, 1, "8192", 0, 65535, "the DecReports bank's source id (LHCb's HLT1: 1 << 13)")  \
  Q(routing_bits_source_id, UINT, 1, "0", 0, 65535, "the routing-bits bank's source id")
KST_ALGORITHM_ARGS(reduced_writer, REDUCED_WRITER_PARAMS, REDUCED_WRITER_PROPS)

#endif
