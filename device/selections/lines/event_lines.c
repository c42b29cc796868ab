/* Event lines' descriptors. */
#include "device/selections/lines/event_lines.h"

KST_LINE_ALGORITHM(passthrough_line, PASSTHROUGH_LINE_PARAMS, PASSTHROUGH_LINE_PROPS, EVENT,
                   "event line: fires on the bunch-crossing types given (NoBias, Passthrough; prescale it)");
