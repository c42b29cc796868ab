/* A worker: one stream, one device arena, one pinned host arena, and the per-instance state to run a sequence. */
#ifndef KST_WORKER_H
#define KST_WORKER_H

#include <stdatomic.h>

#include "host/runtime/arena.h"
#include "host/runtime/conditions.h"
#include "host/runtime/runtime.h"

struct kst_ctx {
  struct kst_worker *w;
  uint32_t inst;
  int sizing;
};

typedef struct kst_worker {
  const kst_sequence *seq;
  const kst_conditions *conditions;
  const kst_run_options *opt;
  kst_stream *stream;
  void *dev_base, *host_base;
  kst_arena dev_arena, host_arena;
  void **ptr;               /* per buffer */
  uint64_t *count, *offset; /* per buffer */
  void **separate;          /* per buffer, debug mode: its own allocation */
  void ***mirror;           /* per instance, per parameter: host copy of a device-to-host parameter, else NULL */
  struct kst_ctx *ctx;      /* per instance */
  kst_event **marks;        /* n + 1 events around the instances, for timing */
  kst_graph_cache *graph;   /* the executable graphs, when graphs are asked for */
  int graphs;               /* capture batches; cleared for the rest of the run when a capture fails */
  int warmed;               /* a batch has run directly first, so first-use setup happens outside any capture */
  const kst_batch *batch;
  const uint64_t *preset;   /* per buffer, a count set before sizing (UINT64_MAX: none); see kst_worker_run_with */
  kst_batch scratch;        /* rebuilt sub-batches when a batch is split */
  kst_counter_set *counters; /* per instance */
  void **accumulators;       /* per instance, NULL for types without one */
  double *instance_ms;
  uint64_t peak_device, peak_host, peak_batch_events, splits, too_big, batches, h2d_bytes, d2h_bytes;
  uint64_t growths;     /* batches that grew the arenas (arenas_grow) */
  _Atomic uint64_t *committed; /* the arena bytes all workers hold, shared; NULL: no budget */
  uint64_t budget;              /* the most they may hold (kst_run_options.memory_budget) */
  uint64_t banks[KST_BATCH_MAX_TYPES]; /* banks read of each of the sequence's bank types (seq->bank_types), over the batches run */
  uint64_t setup_syncs; /* synchronisations before the first batch, not counted per batch */
  uint64_t graph_warmup, graph_direct, untimed_runs; /* see kst_run_result */
  uint8_t *rejected;          /* per event of the batch being summarised: already rejected by an earlier instance */
  uint32_t rejected_capacity;
  kst_input_errors rejections; /* this worker's rejected events: count and the first KST_REJECTED_LINES lines */
} kst_worker;

/* Creates the worker's stream and arenas. */
kst_status kst_worker_init(kst_worker *w, const kst_sequence *seq, const kst_run_options *opt,
                           const kst_conditions *conditions);
/* Runs the sequence on batch `repetitions` times (splitting it when it does not fit). */
kst_status kst_worker_process(kst_worker *w, const kst_batch *batch);
/* A step of kst_worker_run_with, given the worker once its buffers are placed (before) or filled (after). */
typedef kst_status (*kst_worker_step)(void *arg, kst_worker *w);
/* Runs the sequence once on batch, which must fit: buffers with a count in preset (per buffer, UINT64_MAX: none) get
   that count before sizing; before() fills them once placed; after() reads results after the synchronisation and the
   after_sync hooks, while the buffers still exist. For the one-algorithm harness. */
kst_status kst_worker_run_with(kst_worker *w, const kst_batch *batch, const uint64_t *preset, kst_worker_step before,
                               kst_worker_step after, void *arg);
/* Frees everything the worker holds. */
void kst_worker_free(kst_worker *w);

#endif
