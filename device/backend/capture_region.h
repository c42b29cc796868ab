/* capture_region: the stream the calling thread is capturing into a graph, kept for every backend alike, so that the
   calls a capture cannot hold are refused the same way on the CPU (where tests run) as on a GPU. Backends only. */
#ifndef KST_CAPTURE_REGION_H
#define KST_CAPTURE_REGION_H

#include "kst_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Opens this thread's region for stream; KST_ERR_UNSUPPORTED when one is open already (captures do not nest). */
kst_status kst_capture_enter(const kst_stream *stream);
/* Closes this thread's region; a no-op when none is open. */
void kst_capture_leave(void);
/* The stream this thread is capturing, or NULL. */
const kst_stream *kst_capture_stream(void);
/* KST_ERR_UNSUPPORTED naming call inside a region: an allocation, free or wait is not work a graph can replay. */
kst_status kst_capture_refuse(const char *call);
/* KST_ERR_UNSUPPORTED naming call when work goes to another stream inside a region: it would run at once, unordered
   with the batch being captured. */
kst_status kst_capture_same_stream(const char *call, const kst_stream *stream);

#ifdef __cplusplus
}
#endif
#endif
