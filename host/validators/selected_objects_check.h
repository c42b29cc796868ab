/* selected_objects_check: reads a reduced output file back (the decision and selected-objects banks) and counts, per
   line, the events it fired on and those it fired on with the signal's tracks (TOS), against the MC truth kept. */
#ifndef KST_SELECTED_OBJECTS_CHECK_H
#define KST_SELECTED_OBJECTS_CHECK_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"

#define SELECTED_OBJECTS_CHECK_PARAMS(P) P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)
KST_ALGORITHM_ARGS(selected_objects_check, SELECTED_OBJECTS_CHECK_PARAMS, KST_NO_PROPS)

#endif
