/* CUDA and HIP implementation of kst_backend: every runtime error becomes a kst_status naming the call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_region.h"
#include "gpu_vendor.h"
#include "kst_backend.h"

struct kst_stream {
  cudaStream_t native;
  uint64_t syncs;
};

struct kst_event {
  cudaEvent_t native;
};

struct kst_graph_cache {
  cudaGraphExec_t exec[KST_GRAPH_SHAPES]; /* NULL until the first launch of that shape */
  kst_graph_stats stats;
};

/* Turns a runtime error into a status naming the failing call. */
#define GPU_TRY(call)                                                                        \
  do {                                                                                       \
    cudaError_t gpu__e = (call);                                                             \
    if (gpu__e != cudaSuccess)                                                               \
      return kst_error(KST_ERR_BACKEND, "%s failed: %s", #call, cudaGetErrorString(gpu__e)); \
  } while (0)

extern "C" {

kst_status kst_backend_init(int device) {
  GPU_TRY(cudaSetDevice(device));
  return kst_ok();
}

kst_status kst_device_properties(kst_device_props *props) {
  int dev = 0;
  cudaDeviceProp p;
  memset(props, 0, sizeof *props);
  GPU_TRY(cudaGetDevice(&dev));
  GPU_TRY(cudaGetDeviceProperties(&p, dev));
  snprintf(props->backend, sizeof props->backend, "%s", kst_backend_name());
  snprintf(props->name, sizeof props->name, "%s", p.name);
  props->total_memory = p.totalGlobalMem;
  props->multiprocessors = p.multiProcessorCount;
  props->warp_size = p.warpSize;
  props->compute_major = p.major;
  props->compute_minor = p.minor;
  return kst_ok();
}

const char *kst_backend_name(void) {
#if defined(KST_BACKEND_HIP)
  return "hip";
#else
  return "cuda";
#endif
}

kst_status kst_device_alloc(void **ptr, size_t bytes) {
  *ptr = NULL;
  KST_TRY(kst_capture_refuse("kst_device_alloc"));
  KST_TRY(kst_fault_allocation("kst_device_alloc"));
  if (bytes == 0) return kst_ok();
  cudaError_t e = cudaMalloc(ptr, bytes);
  if (e != cudaSuccess) {
    (void)cudaGetLastError(); /* clear the sticky-free error so later calls are not blamed */
    return kst_error(KST_ERR_NOMEM, "cudaMalloc(%zu bytes) failed: %s", bytes, cudaGetErrorString(e));
  }
  return kst_ok();
}

kst_status kst_device_free(void *ptr) {
  KST_TRY(kst_capture_refuse("kst_device_free"));
  if (ptr) GPU_TRY(cudaFree(ptr));
  return kst_ok();
}

kst_status kst_host_alloc(void **ptr, size_t bytes) {
  *ptr = NULL;
  KST_TRY(kst_capture_refuse("kst_host_alloc"));
  KST_TRY(kst_fault_allocation("kst_host_alloc"));
  if (bytes == 0) return kst_ok();
  cudaError_t e = cudaMallocHost(ptr, bytes);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return kst_error(KST_ERR_NOMEM, "cudaMallocHost(%zu bytes) failed: %s", bytes, cudaGetErrorString(e));
  }
  return kst_ok();
}

kst_status kst_host_free(void *ptr) {
  KST_TRY(kst_capture_refuse("kst_host_free"));
  if (ptr) GPU_TRY(cudaFreeHost(ptr));
  return kst_ok();
}

kst_status kst_copy_h2d(void *dst, const void *src, size_t bytes, kst_stream *s) {
  KST_TRY(kst_capture_same_stream("kst_copy_h2d", s));
  if (bytes) GPU_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, s->native));
  return kst_ok();
}

kst_status kst_copy_d2h(void *dst, const void *src, size_t bytes, kst_stream *s) {
  KST_TRY(kst_capture_same_stream("kst_copy_d2h", s));
  if (bytes) GPU_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, s->native));
  return kst_ok();
}

kst_status kst_copy_d2d(void *dst, const void *src, size_t bytes, kst_stream *s) {
  KST_TRY(kst_capture_same_stream("kst_copy_d2d", s));
  if (bytes) GPU_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, s->native));
  return kst_ok();
}

kst_status kst_memset(void *dst, int value, size_t bytes, kst_stream *s) {
  KST_TRY(kst_capture_same_stream("kst_memset", s));
  if (bytes) GPU_TRY(cudaMemsetAsync(dst, value, bytes, s->native));
  return kst_ok();
}

kst_status kst_stream_create(kst_stream **stream) {
  *stream = NULL;
  KST_TRY(kst_capture_refuse("kst_stream_create"));
  kst_stream *s = (kst_stream *)calloc(1, sizeof *s);
  if (!s) return kst_error(KST_ERR_NOMEM, "kst_stream_create: out of memory");
  cudaError_t e = cudaStreamCreateWithFlags(&s->native, cudaStreamNonBlocking);
  if (e != cudaSuccess) {
    free(s);
    return kst_error(KST_ERR_BACKEND, "cudaStreamCreateWithFlags failed: %s", cudaGetErrorString(e));
  }
  *stream = s;
  return kst_ok();
}

kst_status kst_stream_destroy(kst_stream *stream) {
  if (!stream) return kst_ok();
  KST_TRY(kst_capture_refuse("kst_stream_destroy"));
  cudaError_t e = cudaStreamDestroy(stream->native);
  free(stream);
  if (e != cudaSuccess) return kst_error(KST_ERR_BACKEND, "cudaStreamDestroy failed: %s", cudaGetErrorString(e));
  return kst_ok();
}

kst_status kst_stream_sync(kst_stream *stream) {
  KST_TRY(kst_capture_refuse("kst_stream_sync"));
  stream->syncs++;
  GPU_TRY(cudaStreamSynchronize(stream->native));
  return kst_ok();
}

uint64_t kst_stream_sync_count(const kst_stream *stream) { return stream->syncs; }
void *kst_stream_native(const kst_stream *stream) { return stream ? (void *)stream->native : NULL; }

kst_status kst_launch_check(const char *kernel) {
  cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) return kst_error(KST_ERR_BACKEND, "launch of %s failed: %s", kernel, cudaGetErrorString(e));
  return kst_ok();
}

kst_status kst_event_create(kst_event **event) {
  kst_event *ev = (kst_event *)calloc(1, sizeof *ev);
  if (!ev) return kst_error(KST_ERR_NOMEM, "kst_event_create: out of memory");
  cudaError_t e = cudaEventCreate(&ev->native);
  if (e != cudaSuccess) {
    free(ev);
    return kst_error(KST_ERR_BACKEND, "cudaEventCreate failed: %s", cudaGetErrorString(e));
  }
  *event = ev;
  return kst_ok();
}

kst_status kst_event_destroy(kst_event *event) {
  if (!event) return kst_ok();
  cudaError_t e = cudaEventDestroy(event->native);
  free(event);
  if (e != cudaSuccess) return kst_error(KST_ERR_BACKEND, "cudaEventDestroy failed: %s", cudaGetErrorString(e));
  return kst_ok();
}

kst_status kst_event_record(kst_event *event, kst_stream *stream) {
  KST_TRY(kst_capture_same_stream("kst_event_record", stream));
  if (kst_capture_stream() == stream) {
#if defined(KST_BACKEND_HIP)
    /* A HIP capture takes an event record only as an ordering marker between streams: the event would never be
       recorded when the graph runs, and timing it would fail. */
    return kst_error(KST_ERR_UNSUPPORTED, "kst_event_record inside a HIP graph capture: HIP graphs cannot record events");
#else
    /* External: a timed event node in the graph. A plain record would only mark an ordering point for the capture
       and never be recorded when the graph runs. */
    GPU_TRY(cudaEventRecordWithFlags(event->native, stream->native, cudaEventRecordExternal));
    return kst_ok();
#endif
  }
  GPU_TRY(cudaEventRecord(event->native, stream->native));
  return kst_ok();
}

kst_status kst_stream_wait_event(kst_stream *stream, kst_event *event) {
  KST_TRY(kst_capture_same_stream("kst_stream_wait_event", stream));
  GPU_TRY(cudaStreamWaitEvent(stream->native, event->native, 0));
  return kst_ok();
}

kst_status kst_event_sync(kst_event *event) {
  KST_TRY(kst_capture_refuse("kst_event_sync"));
  GPU_TRY(cudaEventSynchronize(event->native));
  return kst_ok();
}

kst_status kst_event_elapsed_ms(float *ms, kst_event *start, kst_event *end) {
  KST_TRY(kst_capture_refuse("kst_event_elapsed_ms"));
  GPU_TRY(cudaEventElapsedTime(ms, start->native, end->native));
  return kst_ok();
}

kst_status kst_device_sync(void) {
  KST_TRY(kst_capture_refuse("kst_device_sync"));
  GPU_TRY(cudaDeviceSynchronize());
  return kst_ok();
}

void kst_backend_thread_end(void) {}

/* ---- Graphs. */

int kst_graph_supported(void) { return 1; }

int kst_graph_event_timing(void) {
#if defined(KST_BACKEND_HIP)
  return 0;
#else
  return 1;
#endif
}

kst_status kst_graph_cache_create(kst_graph_cache **cache) {
  *cache = (kst_graph_cache *)calloc(1, sizeof **cache);
  return *cache ? kst_ok() : kst_error(KST_ERR_NOMEM, "kst_graph_cache_create: out of memory");
}

void kst_graph_cache_destroy(kst_graph_cache *cache) {
  if (!cache) return;
  /* An executable graph still running is freed by the runtime when it completes. */
  for (int i = 0; i < KST_GRAPH_SHAPES; ++i)
    if (cache->exec[i]) (void)cudaGraphExecDestroy(cache->exec[i]);
  free(cache);
}

kst_status kst_graph_begin(kst_stream *stream) {
  KST_TRY(kst_capture_enter(stream));
  /* Thread-local mode: this worker's thread may not call anything a capture cannot hold (cudaMalloc, a synchronous
     copy), which fails here instead of corrupting the batch, while the other workers, whose threads allocate pinned
     batches or synchronise their own streams meanwhile, are not affected. Global mode would make their calls fail
     and invalidate this capture; relaxed mode would let this thread's mistakes through. */
  cudaError_t e = cudaStreamBeginCapture(stream->native, cudaStreamCaptureModeThreadLocal);
  if (e != cudaSuccess) {
    kst_capture_leave();
    (void)cudaGetLastError();
    return kst_error(KST_ERR_BACKEND, "cudaStreamBeginCapture failed: %s", cudaGetErrorString(e));
  }
  return kst_ok();
}

void kst_graph_abort(kst_stream *stream) {
  if (kst_capture_stream() == stream) kst_capture_leave();
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  if (cudaStreamIsCapturing(stream->native, &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
    cudaGraph_t graph = NULL;
    (void)cudaStreamEndCapture(stream->native, &graph);
    if (graph) (void)cudaGraphDestroy(graph);
  }
  /* A failed capture leaves its error as the thread's last one; the next kernel's launch check must not report it. */
  (void)cudaGetLastError();
}

kst_status kst_graph_end_and_launch(kst_stream *stream, kst_graph_cache *cache, uint32_t shape) {
  if (kst_capture_stream() != stream)
    return kst_error(KST_ERR_INVALID, "kst_graph_end_and_launch: no capture was begun on this stream by this thread");
  if (shape >= KST_GRAPH_SHAPES) {
    kst_graph_abort(stream);
    return kst_error(KST_ERR_INVALID, "kst_graph_end_and_launch: shape %u, the cache keeps %d", shape, KST_GRAPH_SHAPES);
  }
  kst_capture_leave();
  cudaGraph_t graph = NULL;
  cudaError_t e = cudaStreamEndCapture(stream->native, &graph);
  if (e != cudaSuccess || !graph) {
    /* An invalidated capture (a call it could not hold) ends here with the reason. */
    if (graph) (void)cudaGraphDestroy(graph);
    (void)cudaGetLastError();
    return kst_error(KST_ERR_BACKEND, "cudaStreamEndCapture failed: %s", cudaGetErrorString(e));
  }
  cudaGraphExec_t *exec = &cache->exec[shape];
  int updated = 0;
  if (*exec) {
    /* The worker synchronised after the previous launch, so the executable graph is idle while it is updated. */
    if (kst_gpu_graph_exec_update(*exec, graph) == cudaSuccess) {
      updated = 1;
    } else {
      /* Another topology (or a change an update cannot take): the refusal is expected, not an error to report later. */
      (void)cudaGetLastError();
      (void)cudaGraphExecDestroy(*exec);
      *exec = NULL;
    }
  }
  if (!updated) {
    e = cudaGraphInstantiateWithFlags(exec, graph, 0);
    if (e != cudaSuccess) {
      *exec = NULL;
      (void)cudaGraphDestroy(graph);
      (void)cudaGetLastError();
      return kst_error(KST_ERR_BACKEND, "cudaGraphInstantiateWithFlags failed: %s", cudaGetErrorString(e));
    }
  }
  /* The executable graph holds everything it needs; the captured one is only its template. */
  (void)cudaGraphDestroy(graph);
  GPU_TRY(cudaGraphLaunch(*exec, stream->native));
  if (updated) cache->stats.updated++;
  else cache->stats.instantiated++;
  return kst_ok();
}

kst_graph_stats kst_graph_cache_stats(const kst_graph_cache *cache) { return cache->stats; }

} /* extern "C" */
