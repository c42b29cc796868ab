/* The capture region: one thread-local stream pointer. Each worker captures on its own thread, so no lock is needed. */
#include "capture_region.h"

static _Thread_local const kst_stream *capturing;

kst_status kst_capture_enter(const kst_stream *stream) {
  if (capturing)
    return kst_error(KST_ERR_UNSUPPORTED, "kst_graph_begin: this thread is already capturing a stream (captures do not nest)");
  capturing = stream;
  return kst_ok();
}

void kst_capture_leave(void) { capturing = NULL; }

const kst_stream *kst_capture_stream(void) { return capturing; }

kst_status kst_capture_refuse(const char *call) {
  if (!capturing) return kst_ok();
  return kst_error(KST_ERR_UNSUPPORTED,
                   "%s inside a graph capture: allocate, free and synchronise before or after a batch's queued work", call);
}

kst_status kst_capture_same_stream(const char *call, const kst_stream *stream) {
  if (!capturing || stream == capturing) return kst_ok();
  return kst_error(KST_ERR_UNSUPPORTED, "%s on another stream than the one being captured", call);
}
