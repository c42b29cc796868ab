/* Event lines: one candidate per event. passthrough_line fires on the bunch-crossing types it is given (NoBias and
   Passthrough are prescaled instances of it). */
#ifndef KST_EVENT_LINES_H
#define KST_EVENT_LINES_H

#include "device/selections/line.h"

#define PASSTHROUGH_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_EVENT_PARAMS(P)
#define PASSTHROUGH_LINE_PROPS(Q)                                                                                 \
  KST_LINE_PROPS(Q)                                                                                               \
  Q(bx_types, UINT, 1, "15", 0, 15, "bunch-crossing types it fires on, as bits: 1 empty, 2 beam 1, 4 beam 2, 8 beam-beam")
KST_ALGORITHM_ARGS(passthrough_line, PASSTHROUGH_LINE_PARAMS, PASSTHROUGH_LINE_PROPS)
KST_LINE_DECLARE(passthrough_line)

#endif
