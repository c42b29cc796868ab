/* Running a sequence on one batch: size every output, plan the arenas, queue the work, sync once, summarise. */
#include "host/runtime/worker.h"

#include "host/runtime/output.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The context algorithms see. */

void *kst_ctx_data(const kst_ctx *c, uint32_t p) {
  if (c->w->seq->inst[c->inst].desc->params[p].kind == KST_DEVICE_TO_HOST) return c->w->mirror[c->inst][p];
  return c->w->ptr[c->w->seq->inst[c->inst].buffer[p]];
}
uint64_t kst_ctx_count(const kst_ctx *c, uint32_t p) { return c->w->count[c->w->seq->inst[c->inst].buffer[p]]; }
const kst_batch *kst_ctx_batch(const kst_ctx *c) { return c->w->batch; }
kst_stream *kst_ctx_stream(const kst_ctx *c) { return c->w->stream; }
uint32_t kst_ctx_events(const kst_ctx *c) { return c->w->batch->n_events; }
uint64_t kst_ctx_bank_items(const kst_ctx *c, uint32_t type) {
  const kst_bank_block *b = type < 256 ? kst_batch_block(c->w->batch, (uint8_t)type) : NULL;
  return b ? b->items_total : 0;
}

/* The condition called name when the instance's type declares it. */
static const kst_condition *declared_condition(const kst_ctx *c, const char *name) {
  const kst_alg_desc *d = c->w->seq->inst[c->inst].desc;
  for (uint32_t k = 0; k < KST_ALG_MAX_CONDITIONS && d->conditions[k]; ++k)
    if (strcmp(d->conditions[k], name) == 0) return kst_conditions_find(c->w->conditions, name);
  return NULL;
}
const void *kst_ctx_condition_device(const kst_ctx *c, const char *name) {
  const kst_condition *k = declared_condition(c, name);
  return k ? k->device : NULL;
}
const void *kst_ctx_condition_host(const kst_ctx *c, const char *name) {
  const kst_condition *k = declared_condition(c, name);
  return k ? k->host : NULL;
}
void *kst_ctx_accumulator(const kst_ctx *c) { return c->w->accumulators[c->inst]; }
const char *kst_ctx_dump_dir(const kst_ctx *c) { return c->w->opt->dump_dir; }
void *kst_ctx_output(const kst_ctx *c) { return c->w->opt->output; }
int kst_ctx_event_rejected(const kst_ctx *c, uint32_t e) {
  return e < c->w->rejected_capacity && e < c->w->batch->n_events && c->w->rejected[e];
}
const char *kst_ctx_instance_name(const kst_ctx *c) { return c->w->seq->inst[c->inst].name; }

uint32_t kst_ctx_chain(const kst_ctx *c, uint32_t param, const char **names, const kst_alg_desc **descs,
                       uint32_t max) {
  const kst_sequence *seq = c->w->seq;
  const char *type = seq->inst[c->inst].desc->params[param].type_name;
  uint32_t n = 0, b = seq->inst[c->inst].buffer[param];
  /* back from producer to producer through each one's input of the same type */
  while (n < max) {
    const kst_instance *in = &seq->inst[seq->buffers[b].producer];
    if (descs) descs[n] = in->desc;
    names[n++] = in->name;
    int next = -1;
    for (uint32_t q = 0; q < in->desc->n_params && next < 0; ++q)
      if (kst_param_is_input(in->desc->params[q].kind) && strcmp(in->desc->params[q].type_name, type) == 0) next = (int)q;
    if (next < 0) break;
    b = in->buffer[next];
  }
  for (uint32_t i = 0; i < n / 2; ++i) {
    const char *t = names[i];
    names[i] = names[n - 1 - i], names[n - 1 - i] = t;
    if (!descs) continue;
    const kst_alg_desc *d = descs[i];
    descs[i] = descs[n - 1 - i], descs[n - 1 - i] = d;
  }
  return n;
}

void kst_ctx_set_count(kst_ctx *c, uint32_t p, uint64_t n) {
  const kst_instance *in = &c->w->seq->inst[c->inst];
  uint32_t b = in->buffer[p];
  /* Only the producer sizes a buffer; an input's count is the producer's. */
  if (c->sizing && c->w->seq->buffers[b].producer == c->inst) c->w->count[b] = n;
}

const void *kst_ctx_prop(const kst_ctx *c, uint32_t p) {
  const kst_instance *in = &c->w->seq->inst[c->inst];
  return in->props + in->prop_offset[p];
}

kst_status kst_ctx_count_add(kst_ctx *c, const char *name, const uint64_t *values, uint32_t n) {
  kst_counter_set *set = &c->w->counters[c->inst];
  uint32_t i = 0;
  while (i < set->n && strcmp(set->items[i].name, name) != 0) ++i;
  if (i == set->n) {
    kst_counter *items = realloc(set->items, (set->n + 1) * sizeof *items);
    if (items) set->items = items;
    uint64_t *vals = calloc(n ? n : 1, sizeof *vals);
    if (!items || !vals) {
      free(vals);
      return kst_error(KST_ERR_NOMEM, "counter %s: out of memory", name);
    }
    memset(&items[i], 0, sizeof items[i]);
    snprintf(items[i].name, sizeof items[i].name, "%s", name);
    items[i].n = n;
    items[i].values = vals;
    set->n++;
  }
  kst_counter *ct = &set->items[i];
  if (ct->n != n) return kst_error(KST_ERR_INVALID, "counter %s has %u entries, not %u", name, ct->n, n);
  for (uint32_t k = 0; k < n; ++k) ct->values[k] += values[k];
  return kst_ok();
}

kst_status kst_ctx_reject_event(kst_ctx *c, uint32_t e, const char *reason, const char *detail) {
  kst_worker *w = c->w;
  if (e >= w->batch->n_events || e >= w->rejected_capacity)
    return kst_error(KST_ERR_INVALID, "kst_ctx_reject_event: event %u outside the batch of %u (or outside after_sync)",
                     e, w->batch->n_events);
  if (w->rejected[e]) return kst_ok();
  w->rejected[e] = 1;
  char name[48];
  snprintf(name, sizeof name, "rejected:%s", reason);
  const uint64_t one = 1;
  KST_TRY(kst_ctx_count_add(c, name, &one, 1));
  kst_input_errors *r = &w->rejections;
  r->count++;
  if (r->n_lines == KST_REJECTED_LINES) return kst_ok();
  const kst_mdf_event *ev = &w->batch->events[e];
  char line[640];
  /* Led by the global event number, so the runtime can keep the run's first lines whichever worker found them. */
  snprintf(line, sizeof line, "%020llu %s record %u (byte %llu): %s: %s", (unsigned long long)(w->batch->first + e),
           ev->file ? ev->file : "?", ev->index,
           (unsigned long long)ev->offset, w->seq->inst[c->inst].name, detail);
  char **lines = realloc(r->lines, (r->n_lines + 1) * sizeof *lines);
  if (!lines || !(lines[r->n_lines] = strdup(line))) {
    if (lines) r->lines = lines;
    return kst_error(KST_ERR_NOMEM, "rejected event: out of memory");
  }
  r->lines = lines;
  r->n_lines++;
  return kst_ok();
}

static int skipped(const kst_worker *w, uint32_t i);
static kst_status allocate_arena(kst_worker *w, int device, uint64_t bytes);
static kst_status plan_batch(kst_worker *w);

/* ---- Worker lifecycle. */

kst_status kst_worker_init(kst_worker *w, const kst_sequence *seq, const kst_run_options *opt,
                           const kst_conditions *conditions) {
  memset(w, 0, sizeof *w);
  w->conditions = conditions;
  w->seq = seq;
  w->opt = opt;
  uint32_t nb = seq->n_buffers ? seq->n_buffers : 1;
  w->ptr = calloc(nb, sizeof *w->ptr);
  w->count = calloc(nb, sizeof *w->count);
  w->offset = calloc(nb, sizeof *w->offset);
  w->separate = calloc(nb, sizeof *w->separate);
  w->ctx = calloc(seq->n, sizeof *w->ctx);
  w->marks = calloc(seq->n + 1, sizeof *w->marks);
  w->counters = calloc(seq->n, sizeof *w->counters);
  w->instance_ms = calloc(seq->n, sizeof *w->instance_ms);
  w->accumulators = calloc(seq->n, sizeof *w->accumulators);
  w->mirror = calloc(seq->n, sizeof *w->mirror);
  for (uint32_t i = 0; w->mirror && i < seq->n; ++i)
    if (!(w->mirror[i] = calloc(seq->inst[i].desc->n_params, sizeof **w->mirror)))
      return kst_error(KST_ERR_NOMEM, "worker: out of memory");
  if (!w->mirror || !w->ptr || !w->count || !w->offset || !w->separate || !w->ctx || !w->marks || !w->counters || !w->instance_ms ||
      !w->accumulators)
    return kst_error(KST_ERR_NOMEM, "worker: out of memory");
  for (uint32_t i = 0; i < seq->n; ++i) {
    const kst_accumulator_ops *acc = seq->inst[i].desc->accumulator;
    if (acc && !skipped(w, i) && !(w->accumulators[i] = acc->create()))
      return kst_error(KST_ERR_NOMEM, "%s: cannot create its accumulator", seq->inst[i].name);
  }
  for (uint32_t i = 0; i < seq->n; ++i) w->ctx[i] = (struct kst_ctx){w, i, 0};
  KST_TRY(kst_stream_create(&w->stream));
  for (uint32_t i = 0; i <= seq->n; ++i) KST_TRY(kst_event_create(&w->marks[i]));
  if (opt->graphs) {
    KST_TRY(kst_graph_cache_create(&w->graph));
    w->graphs = 1;
    /* The first batch on a GPU runs directly: kernels load lazily and CUB and rocPRIM query the device on first use,
       which older drivers refuse inside a capture. The CPU has no such setup, and checks every batch's region. */
    w->warmed = !kst_graph_supported();
  }
  KST_TRY(allocate_arena(w, 1, opt->device_memory));
  KST_TRY(allocate_arena(w, 0, opt->host_memory));
  w->setup_syncs = kst_stream_sync_count(w->stream);
  return kst_ok();
}

/* Gives the worker a device (or host) arena of this capacity, its memory allocated and touched (none when every
   buffer is allocated separately). */
static kst_status allocate_arena(kst_worker *w, int device, uint64_t bytes) {
  kst_arena *a = device ? &w->dev_arena : &w->host_arena;
  kst_arena_init(a, bytes);
  if (w->opt->debug_memory) return kst_ok();
  /* Every page is touched now, so the batches do not pay the operating system's page faults. */
  if (!device) {
    KST_TRY(kst_error_wrap(kst_host_alloc(&w->host_base, a->capacity), "host arena (--host-memory)"));
    memset(w->host_base, 0, a->capacity);
    return kst_ok();
  }
  KST_TRY(kst_error_wrap(kst_device_alloc(&w->dev_base, a->capacity), "device arena (--device-memory)"));
  KST_TRY(kst_memset(w->dev_base, 0, a->capacity, w->stream));
  return kst_stream_sync(w->stream);
}

/* Frees the worker's device (or host) arena memory. */
static void free_arena(kst_worker *w, int device) {
  if (device) kst_device_free(w->dev_base), w->dev_base = NULL;
  else kst_host_free(w->host_base), w->host_base = NULL;
}

/* Replaces an arena by one of `bytes`; when that cannot be had, takes the old size back and returns 0. */
static int replace_arena(kst_worker *w, int device, uint64_t bytes) {
  const uint64_t old = (device ? &w->dev_arena : &w->host_arena)->capacity;
  free_arena(w, device);
  if (!allocate_arena(w, device, bytes).code) return 1;
  free_arena(w, device);
  /* If even the old size cannot be had again, an empty arena makes the next plan report it. */
  if (allocate_arena(w, device, old).code) kst_arena_init(device ? &w->dev_arena : &w->host_arena, 0);
  return 0;
}

/* With arenas_grow, makes the arenas big enough for the current batch: plans it on arenas without limit to learn
   its peaks, then replaces each arena that is short by one with a quarter more, for the batches that follow.
   Returns 1 when the batch now fits; 0 when it cannot (a fixed size, or no memory for more), and the batch is split
   instead. */
static int grow_arenas(kst_worker *w) {
  if (!w->opt->arenas_grow || w->opt->debug_memory) return 0;
  const uint64_t dev_cap = w->dev_arena.capacity, host_cap = w->host_arena.capacity, unlimited = (uint64_t)1 << 60;
  kst_arena_init(&w->dev_arena, unlimited);
  kst_arena_init(&w->host_arena, unlimited);
  const kst_status measured = plan_batch(w);
  const uint64_t dev_need = w->dev_arena.peak, host_need = w->host_arena.peak;
  kst_arena_init(&w->dev_arena, dev_cap);
  kst_arena_init(&w->host_arena, host_cap);
  if (measured.code) return 0;
  /* The setup's synchronisation is not the batch's: it stays out of the count per batch. */
  const uint64_t syncs = kst_stream_sync_count(w->stream);
  const uint64_t dev_new = dev_need > dev_cap ? dev_need + dev_need / 4 : dev_cap;
  const uint64_t host_new = host_need > host_cap ? host_need + host_need / 4 : host_cap;
  /* The whole process keeps within its budget: a growth that would pass it is not made, and the batch is split. */
  const uint64_t extra = (dev_new - dev_cap) + (host_new - host_cap);
  if (w->committed && atomic_fetch_add(w->committed, extra) + extra > w->budget) {
    atomic_fetch_sub(w->committed, extra);
    w->setup_syncs += kst_stream_sync_count(w->stream) - syncs;
    return 0;
  }
  int grown = 1;
  if (dev_new > dev_cap) grown = replace_arena(w, 1, dev_new);
  if (grown && host_new > host_cap) grown = replace_arena(w, 0, host_new);
  if (!grown && w->committed) atomic_fetch_sub(w->committed, extra);
  w->setup_syncs += kst_stream_sync_count(w->stream) - syncs;
  return grown;
}

static void free_separate(kst_worker *w) {
  for (uint32_t b = 0; b < w->seq->n_buffers; ++b) {
    if (!w->separate[b]) continue;
    if (w->seq->buffers[b].on_device) kst_device_free(w->separate[b]);
    else kst_host_free(w->separate[b]);
    w->separate[b] = NULL;
  }
  /* Mirrors are separate allocations only in debug mode; otherwise they point into the host arena. */
  for (uint32_t i = 0; w->opt->debug_memory && w->mirror && i < w->seq->n; ++i)
    for (uint32_t p = 0; p < w->seq->inst[i].desc->n_params; ++p)
      if (w->seq->inst[i].desc->params[p].kind == KST_DEVICE_TO_HOST) {
        kst_host_free(w->mirror[i][p]);
        w->mirror[i][p] = NULL;
      }
}

void kst_worker_free(kst_worker *w) {
  if (w->separate) free_separate(w);
  kst_device_free(w->dev_base);
  kst_host_free(w->host_base);
  kst_graph_cache_destroy(w->graph);
  kst_stream_destroy(w->stream);
  if (w->marks)
    for (uint32_t i = 0; i <= w->seq->n; ++i) kst_event_destroy(w->marks[i]);
  kst_batch_free(&w->scratch);
  for (uint32_t i = 0; w->mirror && i < w->seq->n; ++i) free(w->mirror[i]);
  free(w->mirror);
  free(w->ptr);
  free(w->count);
  free(w->offset);
  free(w->separate);
  free(w->ctx);
  free(w->marks);
  free(w->rejected);
  for (uint32_t k = 0; k < w->rejections.n_lines; ++k) free(w->rejections.lines[k]);
  free(w->rejections.lines);
  /* counters, instance_ms and accumulators are handed to the result by the runtime, which frees them (and takes the
     rejection lines first, when it runs the worker). */
}

/* ---- One batch. */

/* Validators, dumpers and output writers run only when asked for; skipped instances size nothing and queue nothing. */
static int skipped(const kst_worker *w, uint32_t i) {
  const uint32_t flags = w->seq->inst[i].desc->flags;
  const kst_output *out = w->opt->output;
  const uint32_t writes = !out ? 0u : out->mode == KST_OUTPUT_REDUCED ? KST_ALG_OUTPUT_REDUCED : KST_ALG_OUTPUT_FULL;
  return ((flags & KST_ALG_VALIDATOR) && !w->opt->validate) || ((flags & KST_ALG_DUMP) && !w->opt->dump_dir) ||
         ((flags & (KST_ALG_OUTPUT_FULL | KST_ALG_OUTPUT_REDUCED)) && !(flags & writes));
}

/* Sizes every output and lays the buffers out in the arenas; KST_ERR_NOMEM when the batch does not fit. */
static kst_status plan_batch(kst_worker *w) {
  const kst_sequence *seq = w->seq;
  kst_arena_reset(&w->dev_arena);
  kst_arena_reset(&w->host_arena);
  kst_arena_reset_peak(&w->dev_arena);
  kst_arena_reset_peak(&w->host_arena);
  memset(w->count, 0, seq->n_buffers * sizeof *w->count);
  for (uint32_t b = 0; w->preset && b < seq->n_buffers; ++b)
    if (w->preset[b] != UINT64_MAX) w->count[b] = w->preset[b];
  for (uint32_t i = 0; i < seq->n; ++i) {
    kst_ctx *c = &w->ctx[i];
    c->sizing = 1;
    kst_status s = skipped(w, i) ? kst_ok() : seq->inst[i].desc->set_sizes(c);
    c->sizing = 0;
    if (s.code) return kst_error_wrap(s, "%s (%s): sizing", seq->inst[i].name, seq->inst[i].desc->name);
    for (uint32_t b = 0; b < seq->n_buffers; ++b) {
      const kst_buffer_info *bi = &seq->buffers[b];
      if (bi->producer != i) continue;
      uint64_t bytes = w->count[b] * bi->elem_size;
      if (bi->elem_size && bytes / bi->elem_size != w->count[b])
        return kst_error(KST_ERR_CAPACITY, "%s.%s: size overflows", seq->inst[i].name, seq->inst[i].desc->params[bi->param].name);
      /* Host buffers stay for the whole batch: a queued host-to-device copy may still read them. */
      kst_arena *a = bi->on_device ? &w->dev_arena : &w->host_arena;
      kst_status r = kst_arena_reserve(a, bytes, &w->offset[b]);
      if (r.code) return kst_error_wrap(r, "%s.%s (%s)", seq->inst[i].name, seq->inst[i].desc->params[bi->param].name,
                                         bi->on_device ? "device" : "host");
    }
    /* Host copies of device-to-host parameters, sized like the device buffers they mirror. */
    for (uint32_t p = 0; p < seq->inst[i].desc->n_params && !skipped(w, i); ++p) {
      if (seq->inst[i].desc->params[p].kind != KST_DEVICE_TO_HOST) continue;
      const uint32_t b = seq->inst[i].buffer[p];
      const uint64_t bytes = w->count[b] * seq->buffers[b].elem_size;
      if (w->opt->debug_memory) {
        KST_TRY(kst_host_alloc(&w->mirror[i][p], bytes));
        continue;
      }
      uint64_t at;
      kst_status r = kst_arena_reserve(&w->host_arena, bytes, &at);
      if (r.code) return kst_error_wrap(r, "%s.%s (host copy)", seq->inst[i].name, seq->inst[i].desc->params[p].name);
      w->mirror[i][p] = (char *)w->host_base + at;
    }
    for (uint32_t b = 0; b < seq->n_buffers; ++b) {
      const kst_buffer_info *bi = &seq->buffers[b];
      /* With no_transfer, later repetitions read what the first copied: it must not be reused. */
      const int kept = w->opt->no_transfer && (seq->inst[bi->producer].desc->flags & KST_ALG_TRANSFER);
      if (bi->last == i && bi->on_device && !kept)
        KST_TRY(kst_arena_release(&w->dev_arena, w->offset[b], w->count[b] * bi->elem_size));
    }
  }
  for (uint32_t b = 0; b < seq->n_buffers; ++b) {
    const kst_buffer_info *bi = &seq->buffers[b];
    uint64_t bytes = w->count[b] * bi->elem_size;
    if (w->opt->debug_memory) {
      /* Exact-size allocations let AddressSanitizer catch a kernel writing past its output. */
      void *p = NULL;
      KST_TRY(bi->on_device ? kst_device_alloc(&p, bytes) : kst_host_alloc(&p, bytes));
      w->separate[b] = p;
      w->ptr[b] = p;
    } else {
      w->ptr[b] = (char *)(bi->on_device ? w->dev_base : w->host_base) + w->offset[b];
    }
  }
  return kst_ok();
}

/* Queues the batch's device work: every instance's copies and kernels, then the copies of its results to the host.
   Nothing here may allocate or synchronise: with graphs on, all of it is captured. `timed` records the marks. */
static kst_status enqueue_batch(kst_worker *w, uint32_t repetition, int timed) {
  const kst_sequence *seq = w->seq;
  for (uint32_t i = 0; i < seq->n; ++i) {
    if (timed) KST_TRY(kst_event_record(w->marks[i], w->stream));
    if (skipped(w, i)) continue;
    /* The batch is already on the device from the first repetition. */
    if (repetition > 0 && w->opt->no_transfer && (seq->inst[i].desc->flags & KST_ALG_TRANSFER)) continue;
    kst_status s = seq->inst[i].desc->run(&w->ctx[i]);
    if (s.code) return kst_error_wrap(s, "%s (%s)", seq->inst[i].name, seq->inst[i].desc->name);
    const kst_alg_desc *d = seq->inst[i].desc;
    for (uint32_t p = 0; p < d->n_params; ++p) {
      if (d->params[p].kind != KST_DEVICE_TO_HOST) continue;
      const uint32_t b = seq->inst[i].buffer[p];
      KST_TRY(kst_copy_d2h(w->mirror[i][p], w->ptr[b], w->count[b] * seq->buffers[b].elem_size, w->stream));
    }
  }
  if (timed) KST_TRY(kst_event_record(w->marks[seq->n], w->stream));
  return kst_ok();
}

/* Queues the batch as one graph launch. When that fails, nothing of the batch has run yet, so it is queued again
   with direct launches: if that works the capture was the problem, and the worker stays direct for the rest of the
   run (warned once per process); an error that remains is the batch's own and is returned. */
static kst_status enqueue_captured(kst_worker *w, uint32_t repetition, int timed) {
  static atomic_int warned;
  /* Repetitions that skip the batch's input copies have another topology: they keep their own executable graph. */
  const uint32_t shape = repetition > 0 && w->opt->no_transfer ? 1 : 0;
  kst_status s = kst_graph_begin(w->stream);
  if (!s.code) {
    s = enqueue_batch(w, repetition, timed);
    if (s.code) kst_graph_abort(w->stream);
    else s = kst_graph_end_and_launch(w->stream, w->graph, shape);
  }
  if (!s.code) return s;
  KST_TRY(enqueue_batch(w, repetition, 1));
  w->graphs = 0;
  if (!atomic_exchange(&warned, 1))
    fprintf(stderr, "kestrel: warning: graph capture failed, batches run with direct launches instead: %s\n", s.msg);
  return kst_ok();
}

/* Bytes the batch's results take back to the host: every device-to-host parameter of the instances that ran, at
   the size of its buffer (a capacity where the exact count stays on the device). */
static uint64_t d2h_bytes(const kst_worker *w) {
  const kst_sequence *seq = w->seq;
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < seq->n; ++i) {
    if (skipped(w, i)) continue;
    for (uint32_t p = 0; p < seq->inst[i].desc->n_params; ++p)
      if (seq->inst[i].desc->params[p].kind == KST_DEVICE_TO_HOST) {
        const uint32_t b = seq->inst[i].buffer[p];
        bytes += w->count[b] * seq->buffers[b].elem_size;
      }
  }
  return bytes;
}

static kst_status run_batch(kst_worker *w, uint32_t repetition) {
  const kst_sequence *seq = w->seq;
  /* Results are read from the last repetition: stale inputs in a repeated run would show in the counters. */
  const int summarise = repetition + 1 == w->opt->repetitions;
  /* HIP graphs cannot record events: batches captured there go without per-algorithm times. */
  const int captured = w->graphs && w->warmed;
  int timed = !captured || kst_graph_event_timing();
  KST_TRY(captured ? enqueue_captured(w, repetition, timed) : enqueue_batch(w, repetition, 1));
  if (captured && !w->graphs) timed = 1; /* the capture failed and the batch was queued directly, marks included */
  if (w->graphs && !w->warmed) w->graph_warmup++;
  else if (w->opt->graphs && !w->graphs) w->graph_direct++;
  w->warmed = 1;
  if (!timed) w->untimed_runs++;
  /* The one synchronisation of the batch: everything after it reads results already on the host. */
  KST_TRY(kst_stream_sync(w->stream));
  w->d2h_bytes += d2h_bytes(w);
  for (uint32_t i = 0; i < seq->n && timed; ++i) {
    float ms = 0;
    KST_TRY(kst_event_elapsed_ms(&ms, w->marks[i], w->marks[i + 1]));
    w->instance_ms[i] += ms;
  }
  if (!summarise) return kst_ok();
  if (w->rejected_capacity < w->batch->n_events) {
    uint8_t *r = realloc(w->rejected, w->batch->n_events);
    if (!r) return kst_error(KST_ERR_NOMEM, "worker: out of memory for %u events' rejection flags", w->batch->n_events);
    w->rejected = r, w->rejected_capacity = w->batch->n_events;
  }
  memset(w->rejected, 0, w->rejected_capacity);
  for (uint32_t i = 0; i < seq->n; ++i) {
    if (!seq->inst[i].desc->has_after_sync() || skipped(w, i)) continue;
    kst_status s = seq->inst[i].desc->after_sync(&w->ctx[i]);
    if (s.code) return kst_error_wrap(s, "%s (%s): after sync", seq->inst[i].name, seq->inst[i].desc->name);
  }
  return kst_ok();
}

/* Plans and runs one batch; on NOMEM splits it in halves down to single events. */
static kst_status process_range(kst_worker *w, const kst_batch *batch, uint64_t first, const kst_mdf_event *events,
                                uint32_t n) {
  const kst_batch *b = batch;
  if (!b) {
    KST_TRY(kst_batch_build(&w->scratch, first, events, n, w->seq->bank_types, w->seq->n_bank_types));
    b = &w->scratch;
  }
  w->batch = b;
  kst_status s = plan_batch(w);
  if (s.code == KST_ERR_NOMEM && grow_arenas(w)) {
    w->growths++;
    s = plan_batch(w);
  }
  if (w->opt->debug_memory && s.code) free_separate(w);
  if (s.code == KST_ERR_NOMEM) {
    if (n == 1) {
      w->too_big++;
      fprintf(stderr, "kestrel: event %llu does not fit in the arenas alone and is not processed: %s\n",
              (unsigned long long)first, s.msg);
      return kst_ok();
    }
    w->splits++;
    uint32_t half = n / 2;
    KST_TRY(process_range(w, NULL, first, events, half));
    return process_range(w, NULL, first + half, events + half, n - half);
  }
  KST_TRY(s);
  if (w->dev_arena.peak > w->peak_device) {
    w->peak_device = w->dev_arena.peak;
    w->peak_batch_events = n;
  }
  if (w->host_arena.peak > w->peak_host) w->peak_host = w->host_arena.peak;
  for (uint32_t k = 0; k < w->seq->n_bank_types && k < KST_BATCH_MAX_TYPES; ++k) {
    const kst_bank_block *blk = kst_batch_block(b, w->seq->bank_types[k]);
    w->banks[k] += blk ? blk->n_banks : 0;
  }
  for (uint32_t r = 0; r < w->opt->repetitions; ++r) {
    s = run_batch(w, r);
    if (s.code) break;
  }
  if (w->opt->debug_memory) free_separate(w);
  w->batches++;
  return s;
}

kst_status kst_worker_run_with(kst_worker *w, const kst_batch *batch, const uint64_t *preset, kst_worker_step before,
                               kst_worker_step after, void *arg) {
  w->batch = batch;
  w->preset = preset;
  kst_status s = plan_batch(w);
  w->preset = NULL;
  if (!s.code) s = before(arg, w);
  if (!s.code) s = run_batch(w, 0);
  if (!s.code) s = after(arg, w);
  if (w->opt->debug_memory) free_separate(w);
  return s;
}

kst_status kst_worker_process(kst_worker *w, const kst_batch *batch) {
  return process_range(w, batch, batch->first, batch->events, batch->n_events);
}
