/* kst_backend: the device runtime interface (memory, copies, streams, events) with CPU, CUDA and HIP builds. */
#ifndef KST_BACKEND_H
#define KST_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An ordered queue of device work; on the CPU backend work runs at once and the stream only counts. */
typedef struct kst_stream kst_stream;
/* A marker in a stream, for ordering between streams and for device-side timing. */
typedef struct kst_event kst_event;

/* 1 when per-algorithm times come from device timers, 0 when they are host wall time. */
#if defined(KST_BACKEND_CUDA) || defined(KST_BACKEND_HIP)
#define KST_GPU_TIMERS 1
#else
#define KST_GPU_TIMERS 0
#endif

/* What the device is and how big. */
typedef struct kst_device_props {
  char backend[8];       /* "cpu", "cuda" or "hip" */
  char name[256];        /* e.g. "NVIDIA H100 80GB HBM3" */
  size_t total_memory;   /* bytes; 0 when unknown (CPU) */
  int multiprocessors;   /* SMs / CUs; CPU: online cores */
  int warp_size;         /* 32 on NVIDIA, 64 on CDNA, 1 on CPU */
  int compute_major, compute_minor;
} kst_device_props;

/* Selects the device to use (a no-op on the CPU backend). */
kst_status kst_backend_init(int device);
/* Fills props for the current device. */
kst_status kst_device_properties(kst_device_props *props);
/* The name of the backend compiled in: "cpu", "cuda" or "hip". */
const char *kst_backend_name(void);

/* Allocates bytes of device memory. */
kst_status kst_device_alloc(void **ptr, size_t bytes);
/* Fault injection for tests: from now on, the n-th device or host allocation fails with KST_ERR_NOMEM (0: none). */
void kst_fault_fail_allocation(uint64_t n);
/* Device and host allocations asked for since the last kst_fault_fail_allocation. */
uint64_t kst_fault_allocations(void);
/* Counts an allocation and fails it when it is the planned one; every backend's allocators call it first. */
kst_status kst_fault_allocation(const char *call);
/* Fault injection for tests: from now on, the n-th whole-file read (kst_read_file) fails with KST_ERR_IO (0: none). */
void kst_fault_fail_read(uint64_t n);
/* File reads asked for since the last kst_fault_fail_read. */
uint64_t kst_fault_reads(void);
/* Counts a file read and fails it when it is the planned one; kst_read_file calls it after opening the file. */
kst_status kst_fault_read(const char *path);
/* Frees device memory from kst_device_alloc (NULL is fine). */
kst_status kst_device_free(void *ptr);
/* Allocates page-locked host memory, so copies can run asynchronously. */
kst_status kst_host_alloc(void **ptr, size_t bytes);
/* Frees memory from kst_host_alloc (NULL is fine). */
kst_status kst_host_free(void *ptr);

/* Queues a host-to-device copy on stream. */
kst_status kst_copy_h2d(void *dst, const void *src, size_t bytes, kst_stream *stream);
/* Queues a device-to-host copy on stream. */
kst_status kst_copy_d2h(void *dst, const void *src, size_t bytes, kst_stream *stream);
/* Queues a device-to-device copy on stream. */
kst_status kst_copy_d2d(void *dst, const void *src, size_t bytes, kst_stream *stream);
/* Queues a byte fill of device memory on stream. */
kst_status kst_memset(void *dst, int value, size_t bytes, kst_stream *stream);

/* Creates a stream. */
kst_status kst_stream_create(kst_stream **stream);
/* Destroys a stream (NULL is fine). */
kst_status kst_stream_destroy(kst_stream *stream);
/* Waits until all work queued on stream is done; counted, see kst_stream_sync_count. */
kst_status kst_stream_sync(kst_stream *stream);
/* How many times kst_stream_sync has waited on this stream. */
uint64_t kst_stream_sync_count(const kst_stream *stream);
/* The native handle (cudaStream_t / hipStream_t; NULL on the CPU) for kernel launches. */
void *kst_stream_native(const kst_stream *stream);
/* Checks the last kernel launch on this thread; names the kernel in the error. */
kst_status kst_launch_check(const char *kernel);

/* Creates an event with timing enabled. */
kst_status kst_event_create(kst_event **event);
/* Destroys an event (NULL is fine). */
kst_status kst_event_destroy(kst_event *event);
/* Records event at the current point of stream. */
kst_status kst_event_record(kst_event *event, kst_stream *stream);
/* Makes stream wait for event before running later work. */
kst_status kst_stream_wait_event(kst_stream *stream, kst_event *event);
/* Blocks the host until event has happened. */
kst_status kst_event_sync(kst_event *event);
/* Milliseconds between two recorded events (both must have happened). */
kst_status kst_event_elapsed_ms(float *ms, kst_event *start, kst_event *end);
/* Waits for all work on the device. */
kst_status kst_device_sync(void);
/* Releases what the calling thread holds in the backend (the CPU's per-thread kernel scratch); call it when a
   thread that launched kernels ends. */
void kst_backend_thread_end(void);

/* ---- Graphs: the work one batch queues on a stream, captured and replayed as a single launch.
 *
 *   kst_graph_begin(stream);                               every later call on this thread is captured, not run
 *   ... copies, memsets, kernels, primitives on stream ...
 *   kst_graph_end_and_launch(stream, cache, shape);        one launch replays all of it
 *
 * Pointers and sizes change from batch to batch, so every batch is captured again; the cache keeps the executable
 * graph of the previous batch and updates it in place (cheap) when the captured graph has the same topology, and
 * instantiates a new one only when it has not (first batch, an empty copy skipped, a library picking another
 * algorithm for another size). Inside the region allocations, frees, synchronisations and work on another stream are
 * refused with KST_ERR_UNSUPPORTED on every backend: a graph cannot replay them. On the CPU nothing is captured
 * (work runs at once) and nothing is counted; the region is still checked, so CPU tests catch such calls. After an
 * error inside the region call kst_graph_abort: nothing of the captured work has run, it can be queued again. */

/* A worker's executable graphs, kept from batch to batch, and the counts of how each launch was prepared. */
typedef struct kst_graph_cache kst_graph_cache;

/* Executable graphs a cache keeps, one per shape the caller names: work that alternates between two topologies
   (a batch's first run with its input copies, later runs without) then updates instead of re-instantiating. */
#define KST_GRAPH_SHAPES 2

/* How the launches of a cache were prepared. */
typedef struct kst_graph_stats {
  uint64_t updated;      /* the cached executable graph took the new pointers and sizes in place */
  uint64_t instantiated; /* a new executable graph was built: first of its shape, or the topology changed */
} kst_graph_stats;

/* 1 when this backend captures and replays graphs (CUDA, HIP); 0 on the CPU. */
int kst_graph_supported(void);
/* 1 when events recorded inside a capture still time the work (CUDA: timed event nodes); 0 on HIP, whose graphs
   cannot record events, so callers must not record events inside a capture there. */
int kst_graph_event_timing(void);
/* Creates an empty cache. */
kst_status kst_graph_cache_create(kst_graph_cache **cache);
/* Destroys a cache and its executable graphs (NULL is fine); in-flight launches finish first. */
void kst_graph_cache_destroy(kst_graph_cache *cache);
/* Starts capturing what the calling thread queues on stream (its own thread only: other workers are unaffected). */
kst_status kst_graph_begin(kst_stream *stream);
/* Ends the capture begun on stream and launches it there, through the cache's executable graph of shape
   (< KST_GRAPH_SHAPES): updated in place when the topology allows, else instantiated anew. On an error nothing has
   been launched and the capture is closed. */
kst_status kst_graph_end_and_launch(kst_stream *stream, kst_graph_cache *cache, uint32_t shape);
/* Ends the capture on stream, if any, dropping what was captured; for error paths. */
void kst_graph_abort(kst_stream *stream);
/* How the launches through cache were prepared so far. */
kst_graph_stats kst_graph_cache_stats(const kst_graph_cache *cache);

#ifdef __cplusplus
}
#endif
#endif
