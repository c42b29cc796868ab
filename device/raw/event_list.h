/* event_list_init: the list of events later algorithms process (all events of the batch, in order). */
#ifndef KST_EVENT_LIST_H
#define KST_EVENT_LIST_H

#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define EVENT_LIST_INIT_PARAMS(P) P(dev_event_list, DEVICE_OUTPUT, kst_event_list_word)
#define EVENT_LIST_INIT_PROPS(Q) Q(block_dim, UINT, 1, "256", 1, 1024, "threads per block")

KST_ALGORITHM_ARGS(event_list_init, EVENT_LIST_INIT_PARAMS, EVENT_LIST_INIT_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches the kernel that lists events 0..n-1. */
kst_status kst_event_list_init_launch(event_list_init_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
