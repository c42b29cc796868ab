/* CPU implementation of kst_backend: plain memory, work runs at once, streams only count. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture_region.h"
#include "kst_backend.h"
#include "kst_dialect.h"

struct kst_stream {
  uint64_t syncs;
};

struct kst_event {
  double ms; /* wall time at record; CPU work is synchronous, so this is when queued work ended */
  int recorded;
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

kst_status kst_backend_init(int device) {
  if (device != 0) return kst_error(KST_ERR_INVALID, "kst_backend_init: the cpu backend has only device 0 (got %d)", device);
  return kst_ok();
}

kst_status kst_device_properties(kst_device_props *props) {
  memset(props, 0, sizeof *props);
  strcpy(props->backend, "cpu");
  strcpy(props->name, "host CPU");
  props->multiprocessors = (int)sysconf(_SC_NPROCESSORS_ONLN);
  props->warp_size = 1;
  return kst_ok();
}

const char *kst_backend_name(void) { return "cpu"; }

/* The machine's memory in bytes (UINT64_MAX when the system does not say). */
static uint64_t machine_bytes(void) {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
}

static kst_status alloc_bytes(void **ptr, size_t bytes, const char *what) {
  /* 64-byte alignment matches what GPU allocators give, so layouts behave alike. */
  size_t rounded = (bytes + 63) & ~(size_t)63;
  if (rounded < bytes) {
    *ptr = NULL;
    return kst_error(KST_ERR_NOMEM, "%s(%zu bytes): size overflows", what, bytes);
  }
  /* Refused here, not by the allocator: a sanitizer build aborts on sizes no machine has instead of failing. */
  if (rounded > machine_bytes()) {
    *ptr = NULL;
    return kst_error(KST_ERR_NOMEM, "%s(%zu bytes): more than this machine's %llu MiB of memory", what, bytes,
                     (unsigned long long)(machine_bytes() >> 20));
  }
  /* An empty buffer is still a distinct pointer (malloc(0)): kernels may offset it by 0, which is undefined on NULL. */
  *ptr = rounded ? aligned_alloc(64, rounded) : malloc(0);
  if (rounded && !*ptr) return kst_error(KST_ERR_NOMEM, "%s(%zu bytes): out of memory", what, bytes);
  return kst_ok();
}

kst_status kst_device_alloc(void **ptr, size_t bytes) {
  *ptr = NULL;
  KST_TRY(kst_capture_refuse("kst_device_alloc"));
  KST_TRY(kst_fault_allocation("kst_device_alloc"));
  return alloc_bytes(ptr, bytes, "kst_device_alloc");
}

kst_status kst_device_free(void *ptr) {
  KST_TRY(kst_capture_refuse("kst_device_free"));
  free(ptr);
  return kst_ok();
}

kst_status kst_host_alloc(void **ptr, size_t bytes) {
  *ptr = NULL;
  KST_TRY(kst_capture_refuse("kst_host_alloc"));
  KST_TRY(kst_fault_allocation("kst_host_alloc"));
  return alloc_bytes(ptr, bytes, "kst_host_alloc");
}

kst_status kst_host_free(void *ptr) {
  KST_TRY(kst_capture_refuse("kst_host_free"));
  free(ptr);
  return kst_ok();
}

static kst_status copy(const char *call, void *dst, const void *src, size_t bytes, const kst_stream *s) {
  KST_TRY(kst_capture_same_stream(call, s));
  if (bytes && (!dst || !src)) return kst_error(KST_ERR_INVALID, "copy of %zu bytes with a NULL pointer", bytes);
  if (bytes) memmove(dst, src, bytes);
  return kst_ok();
}

kst_status kst_copy_h2d(void *dst, const void *src, size_t bytes, kst_stream *s) { return copy("kst_copy_h2d", dst, src, bytes, s); }
kst_status kst_copy_d2h(void *dst, const void *src, size_t bytes, kst_stream *s) { return copy("kst_copy_d2h", dst, src, bytes, s); }
kst_status kst_copy_d2d(void *dst, const void *src, size_t bytes, kst_stream *s) { return copy("kst_copy_d2d", dst, src, bytes, s); }

kst_status kst_memset(void *dst, int value, size_t bytes, kst_stream *s) {
  KST_TRY(kst_capture_same_stream("kst_memset", s));
  if (bytes && !dst) return kst_error(KST_ERR_INVALID, "kst_memset of %zu bytes on NULL", bytes);
  if (bytes) memset(dst, value, bytes);
  return kst_ok();
}

kst_status kst_stream_create(kst_stream **stream) {
  *stream = NULL;
  KST_TRY(kst_capture_refuse("kst_stream_create"));
  *stream = calloc(1, sizeof **stream);
  return *stream ? kst_ok() : kst_error(KST_ERR_NOMEM, "kst_stream_create: out of memory");
}

kst_status kst_stream_destroy(kst_stream *stream) {
  KST_TRY(kst_capture_refuse("kst_stream_destroy"));
  free(stream);
  return kst_ok();
}

kst_status kst_stream_sync(kst_stream *stream) {
  KST_TRY(kst_capture_refuse("kst_stream_sync"));
  stream->syncs++;
  return kst_ok();
}

uint64_t kst_stream_sync_count(const kst_stream *stream) { return stream->syncs; }
void *kst_stream_native(const kst_stream *stream) { (void)stream; return NULL; }
kst_status kst_launch_check(const char *kernel) {
  const char *why = kst_cpu_launch_error;
  kst_cpu_launch_error = NULL;
  if (why) return kst_error(KST_ERR_BACKEND, "launch of %s failed: %s", kernel, why);
  return kst_ok();
}

kst_status kst_event_create(kst_event **event) {
  *event = calloc(1, sizeof **event);
  return *event ? kst_ok() : kst_error(KST_ERR_NOMEM, "kst_event_create: out of memory");
}

kst_status kst_event_destroy(kst_event *event) { free(event); return kst_ok(); }

kst_status kst_event_record(kst_event *event, kst_stream *stream) {
  KST_TRY(kst_capture_same_stream("kst_event_record", stream));
  event->ms = now_ms();
  event->recorded = 1;
  return kst_ok();
}

kst_status kst_stream_wait_event(kst_stream *stream, kst_event *event) {
  (void)event;
  return kst_capture_same_stream("kst_stream_wait_event", stream);
}

kst_status kst_event_sync(kst_event *event) {
  (void)event;
  return kst_capture_refuse("kst_event_sync");
}

kst_status kst_event_elapsed_ms(float *ms, kst_event *start, kst_event *end) {
  KST_TRY(kst_capture_refuse("kst_event_elapsed_ms"));
  if (!start->recorded || !end->recorded) return kst_error(KST_ERR_INVALID, "kst_event_elapsed_ms: event never recorded");
  *ms = (float)(end->ms - start->ms);
  return kst_ok();
}

kst_status kst_device_sync(void) { return kst_capture_refuse("kst_device_sync"); }

/* ---- Graphs: nothing to capture, since work has already run when it is queued; only the region is kept, so the
   calls a GPU capture would refuse are refused here too. Nothing is replayed, so nothing is counted. */

struct kst_graph_cache {
  kst_graph_stats stats;
};

int kst_graph_supported(void) { return 0; }
int kst_graph_event_timing(void) { return 1; }

kst_status kst_graph_cache_create(kst_graph_cache **cache) {
  *cache = calloc(1, sizeof **cache);
  return *cache ? kst_ok() : kst_error(KST_ERR_NOMEM, "kst_graph_cache_create: out of memory");
}

void kst_graph_cache_destroy(kst_graph_cache *cache) { free(cache); }

kst_status kst_graph_begin(kst_stream *stream) { return kst_capture_enter(stream); }

kst_status kst_graph_end_and_launch(kst_stream *stream, kst_graph_cache *cache, uint32_t shape) {
  (void)cache;
  if (kst_capture_stream() != stream)
    return kst_error(KST_ERR_INVALID, "kst_graph_end_and_launch: no capture was begun on this stream by this thread");
  kst_capture_leave();
  if (shape >= KST_GRAPH_SHAPES)
    return kst_error(KST_ERR_INVALID, "kst_graph_end_and_launch: shape %u, the cache keeps %d", shape, KST_GRAPH_SHAPES);
  return kst_ok();
}

void kst_graph_abort(kst_stream *stream) {
  if (kst_capture_stream() == stream) kst_capture_leave();
}

kst_graph_stats kst_graph_cache_stats(const kst_graph_cache *cache) { return cache->stats; }
