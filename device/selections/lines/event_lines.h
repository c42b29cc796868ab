/* Event lines: one candidate per event. passthrough_line fires on the bunch-crossing types it is given (NoBias and
   Passthrough are prescaled instances of it); anomaly_line on events an autoencoder finds unusual. */
#ifndef KST_EVENT_LINES_H
#define KST_EVENT_LINES_H

#include "device/selections/line.h"

#define PASSTHROUGH_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_EVENT_PARAMS(P)
#define PASSTHROUGH_LINE_PROPS(Q)                                                                                 \
  KST_LINE_PROPS(Q)                                                                                               \
  Q(bx_types, UINT, 1, "15", 0, 15, "bunch-crossing types it fires on, as bits: 1 empty, 2 beam 1, 4 beam 2, 8 beam-beam")
KST_ALGORITHM_ARGS(passthrough_line, PASSTHROUGH_LINE_PARAMS, PASSTHROUGH_LINE_PROPS)
KST_LINE_DECLARE(passthrough_line)

/* The anomaly line: an event whose anomaly score (event_network) is above a threshold. */
#define ANOMALY_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_EVENT_PARAMS(P) P(dev_event_scores, DEVICE_INPUT, float)
#define ANOMALY_LINE_PROPS(Q)                                                                                     \
  KST_LINE_PROPS(Q)                                                                                               \
  Q(min_score, FLOAT, 1, "1e9", 0, 1e30, "the event's anomaly score, above (set for a rate on minimum bias)")
KST_ALGORITHM_ARGS(anomaly_line, ANOMALY_LINE_PARAMS, ANOMALY_LINE_PROPS)
KST_LINE_DECLARE(anomaly_line)

#endif
