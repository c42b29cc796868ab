/* The runtime: runs a sequence over batches of events on N workers and gathers counters and timings. */
#ifndef KST_RUNTIME_H
#define KST_RUNTIME_H

#include <stdint.h>

#include "configuration/condition_types.h"
#include "configuration/sequence.h"
#include "input/batch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How to run. Zero fields take the defaults of kst_run_options_default. */
typedef struct kst_run_options {
  uint32_t threads;         /* workers (-t) */
  uint32_t batch_size;      /* events per batch (--batch-size) */
  uint64_t max_events;      /* 0: all (-n) */
  uint32_t repetitions;     /* each batch runs this many times (-r); counters count the last only */
  uint64_t device_memory;   /* bytes of device arena per worker */
  uint64_t host_memory;     /* bytes of pinned host arena per worker */
  uint64_t memory_budget;   /* bytes all workers' arenas may take together, growth included (--memory-budget); 0:
                               half the machine's memory */
  int debug_memory;         /* allocate every buffer separately, so sanitizers see overruns */
  int arenas_grow;          /* a batch that does not fit grows the arenas instead of being split (default when no
                               arena size is given) */
  int progress;             /* print a progress line on stderr */
  int validate;             /* run the validator algorithms (MC truth checks) */
  const char *geometry;     /* --geometry: the same as the override velo_geometry=FILE */
  const char *const *conditions; /* --condition NAME=FILE overrides (see host/runtime/conditions.h) */
  uint32_t n_conditions;
  const char *detector_dir; /* --detector: look there for condition files first (after --condition and the sequence) */
  const char *dump_dir;     /* run the dumpers, writing into this directory (it must exist) */
  int preload;              /* build every batch in pinned memory before the clock starts (benchmarks) */
  int no_transfer;          /* with repetitions: copy the batch to the device once, then time compute only */
  int graphs;               /* capture each batch's device work as a graph and replay it (GPU backends; see kst_backend.h) */
  struct kst_output *output; /* --output: the open output file the output algorithms of its mode write to, or NULL */
} kst_run_options;

/* A named counter: an array of sums (one entry for scalars). */
typedef struct kst_counter {
  char name[48];
  uint32_t n;
  uint64_t *values;
} kst_counter;

/* The counters one instance produced. */
typedef struct kst_counter_set {
  kst_counter *items;
  uint32_t n;
} kst_counter_set;

/* Rejected events explained in full in a run's result; the rest are counted. */
#define KST_REJECTED_LINES 10

/* Input problems: every malformed record, by file, record and byte offset. */
typedef struct kst_input_errors {
  uint64_t count;
  char **lines;
  uint32_t n_lines;
} kst_input_errors;

/* A condition a run used: its name, its file and where that came from (kst_condition_origin_name). */
typedef struct kst_condition_used {
  char name[64];
  char path[512];
  const char *origin;
} kst_condition_used;

/* What a run did. */
typedef struct kst_run_result {
  kst_condition_used conditions[KST_MAX_CONDITIONS];
  uint32_t n_conditions;
  uint64_t events;           /* distinct events processed */
  uint64_t records_read;     /* records the reader found in the files: valid events and malformed records */
  kst_input_errors malformed; /* of them, the malformed records (a copy of the input's errors) */
  uint32_t workers;          /* workers that ran: -t, or fewer when there are fewer batches */
  uint64_t events_executed;  /* events x repetitions */
  uint64_t batches, splits, events_too_big, syncs;
  uint64_t arena_growths;    /* batches that grew a worker's arenas instead of being split */
  uint64_t banks[KST_BATCH_MAX_TYPES]; /* banks read of each of the sequence's bank types (kst_sequence.bank_types) */
  uint64_t device_arena, host_arena; /* the largest worker's arenas at the end, bytes */
  double seconds;            /* wall time of the processing (not of loading the files) */
  uint64_t peak_device, peak_host;     /* largest per-batch arena use, bytes */
  uint64_t peak_batch_events;          /* events in the batch that had the peak */
  uint64_t h2d_bytes;
  uint64_t d2h_bytes;                  /* results copied back, at their buffers' sizes, every repetition */
  /* With graphs on, every batch run is one of: a replay of the worker's executable graph after an update in place, a
     replay of a newly instantiated one, a direct warm-up (each worker's first on a GPU), or direct launches after a
     capture failed (the worker then stays direct). */
  uint64_t graph_updated, graph_instantiated, graph_warmup, graph_direct;
  uint64_t untimed_runs;               /* batch runs without per-algorithm times (graphs on HIP cannot record events) */
  kst_counter_set *counters;           /* per instance */
  double *instance_ms;                 /* per instance: summed device (GPU) or wall (CPU) time */
  void **accumulators;                 /* per instance: merged over workers, NULL for types without one */
  kst_input_errors rejected;           /* events an algorithm rejected (kst_ctx_reject_event): how many, and the first
                                          KST_REJECTED_LINES, each naming file, record, byte, instance, bank and reason */
} kst_run_result;

/* Events read from MDF files; the files stay in memory while the events are used. */
typedef struct kst_event_source {
  struct kst_mdf_file *files;
  uint32_t n_files;
  kst_mdf_event *events;
  uint64_t n_events;
  kst_input_errors errors;
} kst_event_source;

/* Fills defaults into zero fields. */
void kst_run_options_default(kst_run_options *o);
/* Reads up to max_events (0: all) valid events from the files, recording each malformed record. */
kst_status kst_events_load(kst_event_source *src, const char *const *paths, uint32_t n_paths, uint64_t max_events);
/* Repeats the loaded events in order until there are n (benchmarks on small samples); n <= count is a no-op. */
kst_status kst_events_cycle(kst_event_source *src, uint64_t n);
/* Frees an event source. */
void kst_events_free(kst_event_source *src);
/* Runs seq over the events of src. */
kst_status kst_run(const kst_sequence *seq, const kst_event_source *src, const kst_run_options *o, kst_run_result *r);
/* The counter of instance name (or NULL). */
const kst_counter *kst_result_counter(const kst_run_result *r, const kst_sequence *seq, const char *instance,
                                      const char *counter);
/* Calls every accumulator's report (tables on stdout, JSON and plots as asked). */
kst_status kst_run_report(const kst_run_result *r, const kst_sequence *seq, const kst_report_options *opt);
/* Frees what kst_run put in r. */
void kst_run_result_free(kst_run_result *r, const kst_sequence *seq);

#ifdef __cplusplus
}
#endif
#endif
