/* Event lines' descriptors. */
#include "device/selections/lines/event_lines.h"

KST_LINE_ALGORITHM(passthrough_line, PASSTHROUGH_LINE_PARAMS, PASSTHROUGH_LINE_PROPS, EVENT,
                   "event line: fires on the bunch-crossing types given (NoBias, Passthrough; prescale it)");
KST_LINE_ALGORITHM(anomaly_line, ANOMALY_LINE_PARAMS, ANOMALY_LINE_PROPS, EVENT,
                   "event line: the event's anomaly score (event_network) above min_score");
