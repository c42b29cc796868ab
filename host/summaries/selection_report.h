/* selection_report: each line's decisions counted over the run, and the rate table at a 30 MHz input. */
#ifndef KST_SELECTION_REPORT_H
#define KST_SELECTION_REPORT_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/odin.h"
#include "device/event_model/selections.h"

#define SELECTION_REPORT_PARAMS(P)                         \
  P(dev_selections, DEVICE_TO_HOST, kst_selection_word)    \
  P(dev_odin_errors, DEVICE_TO_HOST, uint32_t)
#define SELECTION_REPORT_PROPS(Q) \
  Q(input_rate_mhz, FLOAT, 1, "30", 0, 1e6, "the rate of the events processed, for the rate table (MHz)")
KST_ALGORITHM_ARGS(selection_report, SELECTION_REPORT_PARAMS, SELECTION_REPORT_PROPS)

#endif
