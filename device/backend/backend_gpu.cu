/* CUDA and HIP implementation of kst_backend: every runtime error becomes a kst_status naming the call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_vendor.h"
#include "kst_backend.h"

struct kst_stream {
  cudaStream_t native;
  uint64_t syncs;
};

struct kst_event {
  cudaEvent_t native;
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
  if (bytes == 0) return kst_ok();
  cudaError_t e = cudaMalloc(ptr, bytes);
  if (e != cudaSuccess) {
    (void)cudaGetLastError(); /* clear the sticky-free error so later calls are not blamed */
    return kst_error(KST_ERR_NOMEM, "cudaMalloc(%zu bytes) failed: %s", bytes, cudaGetErrorString(e));
  }
  return kst_ok();
}

kst_status kst_device_free(void *ptr) {
  if (ptr) GPU_TRY(cudaFree(ptr));
  return kst_ok();
}

kst_status kst_host_alloc(void **ptr, size_t bytes) {
  *ptr = NULL;
  if (bytes == 0) return kst_ok();
  cudaError_t e = cudaMallocHost(ptr, bytes);
  if (e != cudaSuccess) {
    (void)cudaGetLastError();
    return kst_error(KST_ERR_NOMEM, "cudaMallocHost(%zu bytes) failed: %s", bytes, cudaGetErrorString(e));
  }
  return kst_ok();
}

kst_status kst_host_free(void *ptr) {
  if (ptr) GPU_TRY(cudaFreeHost(ptr));
  return kst_ok();
}

kst_status kst_copy_h2d(void *dst, const void *src, size_t bytes, kst_stream *s) {
  if (bytes) GPU_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, s->native));
  return kst_ok();
}

kst_status kst_copy_d2h(void *dst, const void *src, size_t bytes, kst_stream *s) {
  if (bytes) GPU_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, s->native));
  return kst_ok();
}

kst_status kst_copy_d2d(void *dst, const void *src, size_t bytes, kst_stream *s) {
  if (bytes) GPU_TRY(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, s->native));
  return kst_ok();
}

kst_status kst_memset(void *dst, int value, size_t bytes, kst_stream *s) {
  if (bytes) GPU_TRY(cudaMemsetAsync(dst, value, bytes, s->native));
  return kst_ok();
}

kst_status kst_stream_create(kst_stream **stream) {
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
  cudaError_t e = cudaStreamDestroy(stream->native);
  free(stream);
  if (e != cudaSuccess) return kst_error(KST_ERR_BACKEND, "cudaStreamDestroy failed: %s", cudaGetErrorString(e));
  return kst_ok();
}

kst_status kst_stream_sync(kst_stream *stream) {
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
  GPU_TRY(cudaEventRecord(event->native, stream->native));
  return kst_ok();
}

kst_status kst_stream_wait_event(kst_stream *stream, kst_event *event) {
  GPU_TRY(cudaStreamWaitEvent(stream->native, event->native, 0));
  return kst_ok();
}

kst_status kst_event_sync(kst_event *event) {
  GPU_TRY(cudaEventSynchronize(event->native));
  return kst_ok();
}

kst_status kst_event_elapsed_ms(float *ms, kst_event *start, kst_event *end) {
  GPU_TRY(cudaEventElapsedTime(ms, start->native, end->native));
  return kst_ok();
}

kst_status kst_device_sync(void) {
  GPU_TRY(cudaDeviceSynchronize());
  return kst_ok();
}

void kst_backend_thread_end(void) {}

} /* extern "C" */
