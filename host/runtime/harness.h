/* The one-algorithm harness: runs a single algorithm type on given inputs through the real runtime (set_sizes, buffers,
   run, one synchronisation) on whatever backend is built, and hands back every buffer, so kernel tests need not lay
   out buffers by hand and run unchanged on a GPU. */
#ifndef KST_HARNESS_H
#define KST_HARNESS_H

#include "host/runtime/conditions.h"
#include "host/runtime/runtime.h"
#include "host/runtime/worker.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An input given to the harness: a host array of `count` elements for the parameter called param. */
typedef struct kst_harness_input {
  const char *param;
  const void *data;
  uint64_t count;
} kst_harness_input;

/* A loaded algorithm, its conditions, a worker, and after a run a host copy of each of its parameters. */
typedef struct kst_harness {
  kst_sequence seq;
  kst_conditions conditions;
  kst_run_options opt;
  kst_worker worker;
  int worker_ready;
  void **copy;        /* per parameter, after a run */
  uint64_t *count;    /* per parameter, after a run */
  const kst_harness_input *inputs;
  uint32_t n_inputs;
} kst_harness;

/* Loads algorithm `type` with property overrides (a JSON object, or NULL) and its conditions (files as a run finds
   them; condition_overrides as --condition NAME=FILE, n of them). Errors name the type and the problem. */
kst_status kst_harness_init(kst_harness *h, const char *type, const char *properties_json,
                            const char *const *condition_overrides, uint32_t n_overrides);
/* Runs the algorithm once on batch (or, when NULL, on a batch of n_events events without banks). Every input must be
   given; outputs and scratch are filled with 0xFF bytes first (NaN floats), so a kernel that reads what it did not
   write shows. Each buffer is allocated at its exact size, so sanitizers see overruns. */
kst_status kst_harness_run(kst_harness *h, const kst_batch *batch, uint32_t n_events, const kst_harness_input *inputs,
                           uint32_t n_inputs);
/* The host copy of parameter param after a run (NULL when there is no such parameter), and its element count. */
const void *kst_harness_get(const kst_harness *h, const char *param, uint64_t *count);
/* The value counted by the algorithm's counter `name` (entry 0) after its runs, or 0. */
uint64_t kst_harness_counter(const kst_harness *h, const char *name);
/* Frees everything. */
void kst_harness_free(kst_harness *h);

#ifdef __cplusplus
}
#endif
#endif
