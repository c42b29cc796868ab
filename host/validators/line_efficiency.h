/* line_efficiency: each line's event-level efficiency on signal samples, for all events and for events whose signal
   decay's charged daughters are all reconstructible long particles (LHCb's denominator). */
#ifndef KST_LINE_EFFICIENCY_H
#define KST_LINE_EFFICIENCY_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/selections.h"

#define LINE_EFFICIENCY_PARAMS(P) P(dev_selections, DEVICE_TO_HOST, kst_selection_word)
KST_ALGORITHM_ARGS(line_efficiency, LINE_EFFICIENCY_PARAMS, KST_NO_PROPS)

#endif
