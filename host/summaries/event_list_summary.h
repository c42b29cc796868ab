/* event_list_summary: how many events an event list (a filter's output) kept, as a counter of the run summary. */
#ifndef KST_EVENT_LIST_SUMMARY_H
#define KST_EVENT_LIST_SUMMARY_H

#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define EVENT_LIST_SUMMARY_PARAMS(P) P(dev_event_list, DEVICE_TO_HOST, kst_event_list_word)

KST_ALGORITHM_ARGS(event_list_summary, EVENT_LIST_SUMMARY_PARAMS, KST_NO_PROPS)

#endif
