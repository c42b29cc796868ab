/* The one-algorithm harness: a sequence of one instance whose inputs are its own buffers, run by a worker. */
#include "host/runtime/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kst_status kst_harness_init(kst_harness *h, const char *type, const char *properties_json,
                            const char *const *condition_overrides, uint32_t n_overrides) {
  memset(h, 0, sizeof *h);
  kst_problems pb;
  kst_status s = kst_sequence_single(&h->seq, type, properties_json, &pb);
  if (s.code && pb.n) s = kst_error(s.code, "%s", pb.lines[0]);
  kst_problems_free(&pb);
  KST_TRY(s);
  const uint32_t n = h->seq.inst[0].desc->n_params;
  h->copy = calloc(n + 1, sizeof *h->copy);
  h->count = calloc(n + 1, sizeof *h->count);
  if (!h->copy || !h->count) return kst_error(KST_ERR_NOMEM, "harness: out of memory");
  kst_run_options_default(&h->opt);
  h->opt.threads = 1;
  h->opt.debug_memory = 1; /* exact-size buffers, each its own allocation */
  h->opt.validate = 1;
  h->opt.conditions = condition_overrides;
  h->opt.n_conditions = n_overrides;
  KST_TRY(kst_conditions_load(&h->conditions, &h->seq, &h->opt, NULL));
  KST_TRY(kst_worker_init(&h->worker, &h->seq, &h->opt, &h->conditions));
  h->worker_ready = 1;
  return kst_ok();
}

/* The given input for parameter p, or NULL. */
static const kst_harness_input *input_of(const kst_harness *h, uint32_t p) {
  const char *name = h->seq.inst[0].desc->params[p].name;
  for (uint32_t i = 0; i < h->n_inputs; ++i)
    if (strcmp(h->inputs[i].param, name) == 0) return &h->inputs[i];
  return NULL;
}

/* Copies the inputs into their buffers and poisons the others. */
static kst_status fill(void *arg, kst_worker *w) {
  const kst_harness *h = (const kst_harness *)arg;
  const kst_instance *in = &h->seq.inst[0];
  for (uint32_t p = 0; p < in->desc->n_params; ++p) {
    const uint32_t b = in->buffer[p];
    const uint64_t bytes = w->count[b] * h->seq.buffers[b].elem_size;
    const kst_harness_input *given = input_of(h, p);
    const int device = h->seq.buffers[b].on_device;
    if (!bytes) continue;
    if (device && given) KST_TRY(kst_copy_h2d(w->ptr[b], given->data, bytes, w->stream));
    else if (device) KST_TRY(kst_memset(w->ptr[b], 0xFF, bytes, w->stream));
    else if (given) memcpy(w->ptr[b], given->data, bytes);
    else memset(w->ptr[b], 0xFF, bytes);
  }
  return kst_ok();
}

/* Copies every buffer back to the host. */
static kst_status read_back(void *arg, kst_worker *w) {
  kst_harness *h = (kst_harness *)arg;
  const kst_instance *in = &h->seq.inst[0];
  for (uint32_t p = 0; p < in->desc->n_params; ++p) {
    const uint32_t b = in->buffer[p];
    const uint64_t bytes = w->count[b] * h->seq.buffers[b].elem_size;
    free(h->copy[p]);
    if (!(h->copy[p] = malloc(bytes ? bytes : 1))) return kst_error(KST_ERR_NOMEM, "harness: out of memory");
    h->count[p] = w->count[b];
    if (!bytes) continue;
    if (h->seq.buffers[b].on_device) KST_TRY(kst_copy_d2h(h->copy[p], w->ptr[b], bytes, w->stream));
    else memcpy(h->copy[p], w->ptr[b], bytes);
  }
  return kst_stream_sync(w->stream);
}

kst_status kst_harness_run(kst_harness *h, const kst_batch *batch, uint32_t n_events, const kst_harness_input *inputs,
                           uint32_t n_inputs) {
  const kst_instance *in = &h->seq.inst[0];
  const kst_alg_desc *d = in->desc;
  kst_batch empty;
  if (!batch) {
    memset(&empty, 0, sizeof empty);
    empty.n_events = n_events;
    batch = &empty;
  }
  for (uint32_t i = 0; i < n_inputs; ++i) {
    const int p = kst_param_index(d, inputs[i].param);
    if (p < 0 || !kst_param_is_input(d->params[p].kind))
      return kst_error(KST_ERR_CONFIG, "%s has no input %s", d->name, inputs[i].param);
  }
  uint64_t *preset = malloc((h->seq.n_buffers + 1) * sizeof *preset);
  if (!preset) return kst_error(KST_ERR_NOMEM, "harness: out of memory");
  for (uint32_t b = 0; b < h->seq.n_buffers; ++b) preset[b] = UINT64_MAX;
  kst_status s = kst_ok();
  h->inputs = inputs;
  h->n_inputs = n_inputs;
  for (uint32_t p = 0; p < d->n_params && !s.code; ++p) {
    if (!kst_param_is_input(d->params[p].kind)) continue;
    const kst_harness_input *given = input_of(h, p);
    if (!given) s = kst_error(KST_ERR_CONFIG, "%s: input %s not given", d->name, d->params[p].name);
    else preset[in->buffer[p]] = given->count;
  }
  if (!s.code) s = kst_worker_run_with(&h->worker, batch, preset, fill, read_back, h);
  free(preset);
  h->inputs = NULL;
  h->n_inputs = 0;
  return kst_error_wrap(s, "%s", d->name);
}

const void *kst_harness_get(const kst_harness *h, const char *param, uint64_t *count) {
  const int p = kst_param_index(h->seq.inst[0].desc, param);
  if (p < 0) return NULL;
  if (count) *count = h->count[p];
  return h->copy[p];
}

uint64_t kst_harness_counter(const kst_harness *h, const char *name) {
  const kst_counter_set *set = &h->worker.counters[0];
  for (uint32_t i = 0; i < set->n; ++i)
    if (strcmp(set->items[i].name, name) == 0) return set->items[i].values[0];
  return 0;
}

void kst_harness_free(kst_harness *h) {
  if (h->worker_ready) {
    const kst_accumulator_ops *acc = h->seq.inst[0].desc->accumulator;
    if (acc && h->worker.accumulators && h->worker.accumulators[0]) acc->destroy(h->worker.accumulators[0]);
    for (uint32_t k = 0; h->worker.counters && k < h->worker.counters[0].n; ++k) free(h->worker.counters[0].items[k].values);
    if (h->worker.counters) free(h->worker.counters[0].items);
    free(h->worker.counters);
    free(h->worker.instance_ms);
    free(h->worker.accumulators);
    kst_worker_free(&h->worker);
  }
  kst_conditions_free(&h->conditions);
  for (uint32_t p = 0; h->copy && h->seq.inst && h->seq.inst[0].desc && p < h->seq.inst[0].desc->n_params; ++p)
    free(h->copy[p]);
  free(h->copy);
  free(h->count);
  kst_sequence_free(&h->seq);
  memset(h, 0, sizeof *h);
}
