/* The pipeline: a reader thread builds batches ahead into pinned memory, N workers run the sequence on them. */
#include "host/runtime/runtime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/runtime/accounting.h"
#include "host/runtime/worker.h"

void kst_run_options_default(kst_run_options *o) {
  if (!o->threads) o->threads = 1;
  if (!o->batch_size) o->batch_size = 1000;
  if (!o->repetitions) o->repetitions = 1;
  /* Sizes given by the user are a bound (a batch that does not fit is split). Without them the arenas start at
     these sizes, which fit a thousand LHCb events, and grow to fit a larger batch. */
  if (!o->device_memory && !o->host_memory) o->arenas_grow = 1;
  if (!o->device_memory) o->device_memory = (uint64_t)256 << 20;
  if (!o->host_memory) o->host_memory = (uint64_t)64 << 20;
}

/* Batch slots cycle free -> built (queued) -> in a worker -> free. The lock guards every field below it. */
typedef struct pipeline {
  const kst_sequence *seq;
  const kst_event_source *src;
  const kst_run_options *opt;
  uint32_t n_slots;
  kst_batch *slots;
  pthread_mutex_t lock;
  pthread_cond_t changed;
  int *state;               /* per slot: 0 free, 1 ready, 2 busy */
  uint64_t next_event;      /* reader: next event to put in a batch */
  uint64_t done_events;
  int reader_done, failed;
  kst_status error;
} pipeline;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fail(pipeline *p, kst_status s) {
  pthread_mutex_lock(&p->lock);
  if (!p->failed) p->error = s;
  p->failed = 1;
  pthread_cond_broadcast(&p->changed);
  pthread_mutex_unlock(&p->lock);
}

static void *reader_main(void *arg) {
  pipeline *p = arg;
  for (;;) {
    pthread_mutex_lock(&p->lock);
    int slot = -1;
    /* Nothing left to read means done, whether or not a slot is free. */
    while (!p->failed && p->next_event < p->src->n_events) {
      for (uint32_t s = 0; s < p->n_slots && slot < 0; ++s)
        if (p->state[s] == 0) slot = (int)s;
      if (slot >= 0) break;
      pthread_cond_wait(&p->changed, &p->lock);
    }
    uint64_t first = p->next_event;
    int stop = p->failed || first >= p->src->n_events;
    if (stop) {
      p->reader_done = 1;
      pthread_cond_broadcast(&p->changed);
      pthread_mutex_unlock(&p->lock);
      return NULL;
    }
    uint64_t left = p->src->n_events - first;
    uint32_t n = left < p->opt->batch_size ? (uint32_t)left : p->opt->batch_size;
    p->next_event += n;
    pthread_mutex_unlock(&p->lock);

    kst_status s = kst_batch_build(&p->slots[slot], first, p->src->events + first, n, p->seq->bank_types,
                                   p->seq->n_bank_types);
    if (s.code) {
      fail(p, s);
      continue;
    }
    pthread_mutex_lock(&p->lock);
    p->state[slot] = 1;
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
  }
}

typedef struct worker_arg {
  pipeline *p;
  kst_worker w;
  kst_status init;
} worker_arg;

static void *worker_main(void *arg) {
  worker_arg *wa = arg;
  pipeline *p = wa->p;
  for (;;) {
    pthread_mutex_lock(&p->lock);
    int slot = -1;
    /* Oldest ready batch first, so the progress line moves forward. */
    while (!p->failed) {
      uint64_t best = UINT64_MAX;
      for (uint32_t s = 0; s < p->n_slots; ++s)
        if (p->state[s] == 1 && p->slots[s].first < best) best = p->slots[s].first, slot = (int)s;
      if (slot >= 0 || p->reader_done) break;
      pthread_cond_wait(&p->changed, &p->lock);
    }
    if (slot < 0 || p->failed) {
      pthread_mutex_unlock(&p->lock);
      kst_backend_thread_end();
      return NULL;
    }
    p->state[slot] = 2;
    pthread_mutex_unlock(&p->lock);

    kst_status s = kst_worker_process(&wa->w, &p->slots[slot]);
    if (s.code) fail(p, s);
    for (uint32_t t = 0; t < p->slots[slot].n_blocks; ++t) {
      const kst_bank_block *blk = &p->slots[slot].blocks[t];
      const uint64_t copies = p->opt->no_transfer ? 1 : p->opt->repetitions;
      wa->w.h2d_bytes += (blk->data_size + (blk->n_banks + 1) * 4 + (p->slots[slot].n_events + 1) * 4) * copies;
    }
    pthread_mutex_lock(&p->lock);
    p->state[slot] = 0;
    p->done_events += p->slots[slot].n_events;
    if (p->opt->progress)
      fprintf(stderr, "\r%llu/%llu events", (unsigned long long)p->done_events, (unsigned long long)p->src->n_events);
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
  }
}

/* Adds the worker's counters into the result's, by name, so the sum does not depend on which worker ran what. */
/* Copies the input's error lines into the result, which outlives no source but is read without it. */
static kst_status copy_errors(kst_input_errors *into, const kst_input_errors *from) {
  into->count = from->count;
  into->lines = calloc(from->n_lines ? from->n_lines : 1, sizeof *into->lines);
  if (!into->lines) return kst_error(KST_ERR_NOMEM, "run result: out of memory");
  for (uint32_t k = 0; k < from->n_lines; ++k) {
    if (!(into->lines[k] = strdup(from->lines[k]))) return kst_error(KST_ERR_NOMEM, "run result: out of memory");
    into->n_lines++;
  }
  return kst_ok();
}

/* Moves a worker's rejection lines into the result's (each still led by its 20-digit event number). */
static void take_rejections(kst_input_errors *into, kst_input_errors *from) {
  into->count += from->count;
  char **lines = realloc(into->lines, (into->n_lines + from->n_lines) * sizeof *lines + 1);
  for (uint32_t k = 0; k < from->n_lines; ++k) {
    if (lines) lines[into->n_lines++] = from->lines[k];
    else free(from->lines[k]);
  }
  if (lines) into->lines = lines;
  free(from->lines);
  memset(from, 0, sizeof *from);
}

static int by_text(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Keeps the run's first KST_REJECTED_LINES rejections in event order, without their event numbers. */
static void finish_rejections(kst_input_errors *r) {
  if (r->n_lines) qsort(r->lines, r->n_lines, sizeof *r->lines, by_text);
  for (uint32_t k = KST_REJECTED_LINES; k < r->n_lines; ++k) free(r->lines[k]);
  if (r->n_lines > KST_REJECTED_LINES) r->n_lines = KST_REJECTED_LINES;
  for (uint32_t k = 0; k < r->n_lines; ++k) memmove(r->lines[k], r->lines[k] + 21, strlen(r->lines[k] + 21) + 1);
}

static void merge_counters(kst_counter_set *into, kst_counter_set *from) {
  for (uint32_t i = 0; i < from->n; ++i) {
    kst_counter *c = &from->items[i];
    uint32_t j = 0;
    while (j < into->n && strcmp(into->items[j].name, c->name) != 0) ++j;
    if (j == into->n) {
      kst_counter *items = realloc(into->items, (into->n + 1) * sizeof *items);
      if (!items) continue;
      into->items = items;
      items[into->n++] = *c;
      c->values = NULL;
      continue;
    }
    for (uint32_t k = 0; k < c->n && k < into->items[j].n; ++k) into->items[j].values[k] += c->values[k];
  }
  for (uint32_t i = 0; i < from->n; ++i) free(from->items[i].values);
  free(from->items);
  from->items = NULL;
  from->n = 0;
}

/* Half the machine's memory: the default budget of all workers' arenas together. */
static uint64_t default_budget(void) {
  const long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size / 2 : (uint64_t)8 << 30;
}

kst_status kst_run(const kst_sequence *seq, const kst_event_source *src, const kst_run_options *opt_in, kst_run_result *r) {
  kst_run_options opt = *opt_in;
  kst_run_options_default(&opt);
  memset(r, 0, sizeof *r);
  /* Workers beyond the batches would only hold arenas. */
  const uint64_t batches = (src->n_events + opt.batch_size - 1) / opt.batch_size;
  if (opt.threads > batches) opt.threads = batches ? (uint32_t)batches : 1u;
  r->workers = opt.threads;
  r->records_read = src->n_events + src->errors.count;
  KST_TRY(copy_errors(&r->malformed, &src->errors));
  if (!opt.memory_budget) opt.memory_budget = default_budget();
  const uint64_t per_worker = opt.device_memory + opt.host_memory;
  if ((uint64_t)opt.threads * per_worker > opt.memory_budget)
    return kst_error(KST_ERR_NOMEM, "%u workers need %llu MiB of arenas (%llu MiB each), more than the memory budget of "
                     "%llu MiB (--memory-budget; half the machine's memory by default): at most %llu fit",
                     opt.threads, (unsigned long long)((uint64_t)opt.threads * per_worker >> 20),
                     (unsigned long long)(per_worker >> 20), (unsigned long long)(opt.memory_budget >> 20),
                     (unsigned long long)(opt.memory_budget / per_worker));
  _Atomic uint64_t committed = (uint64_t)opt.threads * per_worker;
  r->counters = calloc(seq->n, sizeof *r->counters);
  r->instance_ms = calloc(seq->n, sizeof *r->instance_ms);
  r->accumulators = calloc(seq->n, sizeof *r->accumulators);
  pipeline p;
  memset(&p, 0, sizeof p);
  p.seq = seq;
  p.src = src;
  p.opt = &opt;
  /* Preloading holds every batch at once; streaming keeps one batch ahead per worker. */
  p.n_slots = opt.preload ? (uint32_t)((src->n_events + opt.batch_size - 1) / opt.batch_size) : opt.threads + 1;
  if (p.n_slots == 0) p.n_slots = 1;
  p.slots = calloc(p.n_slots, sizeof *p.slots);
  p.state = calloc(p.n_slots, sizeof *p.state);
  worker_arg *wa = calloc(opt.threads, sizeof *wa);
  if (!r->counters || !r->instance_ms || !r->accumulators || !p.slots || !p.state || !wa) {
    free(p.slots);
    free(p.state);
    free(wa);
    return kst_error(KST_ERR_NOMEM, "run: out of memory");
  }
  pthread_mutex_init(&p.lock, NULL);
  pthread_cond_init(&p.changed, NULL);
  kst_conditions *cond = calloc(1, sizeof *cond);
  kst_status st = cond ? kst_conditions_load(cond, seq, &opt, src->n_files ? src->files[0].path : NULL)
                        : kst_error(KST_ERR_NOMEM, "out of memory");
  for (unsigned c = 0; cond && c < cond->n && c < sizeof r->conditions / sizeof r->conditions[0]; ++c) {
    kst_condition_used *u = &r->conditions[r->n_conditions++];
    snprintf(u->name, sizeof u->name, "%s", cond->items[c].type->name);
    snprintf(u->path, sizeof u->path, "%s", cond->items[c].path);
    u->origin = kst_condition_origin_name(cond->items[c].origin);
  }
  uint32_t started = 0;
  for (uint32_t t = 0; t < opt.threads && !st.code; ++t) {
    wa[t].p = &p;
    st = kst_error_wrap(kst_worker_init(&wa[t].w, seq, &opt, cond), "worker %u", t);
    wa[t].w.committed = &committed;
    wa[t].w.budget = opt.memory_budget;
    started = t + 1;
  }
  if (!st.code && opt.preload) {
    reader_main(&p);
    if (p.failed) st = p.error;
  }
  double t0 = now_s();
  if (!st.code) {
    pthread_t reader, *threads = calloc(opt.threads, sizeof *threads);
    uint32_t running = 0;
    /* With everything preloaded the reader has nothing left to do and returns at once. */
    int reader_ok = threads && pthread_create(&reader, NULL, reader_main, &p) == 0;
    while (reader_ok && running < opt.threads && pthread_create(&threads[running], NULL, worker_main, &wa[running]) == 0)
      running++;
    if (!reader_ok || running < opt.threads)
      fail(&p, kst_error(KST_ERR_NOMEM, "cannot start the %s threads", reader_ok ? "worker" : "reader"));
    for (uint32_t t = 0; t < running; ++t) pthread_join(threads[t], NULL);
    if (reader_ok) pthread_join(reader, NULL);
    free(threads);
    if (opt.progress) fprintf(stderr, "\r\033[K");
    st = p.failed ? p.error : kst_ok();
  }
  r->seconds = now_s() - t0;
  for (uint32_t t = 0; t < started; ++t) {
    kst_worker *w = &wa[t].w;
    r->batches += w->batches;
    r->splits += w->splits;
    r->arena_growths += w->growths;
    for (uint32_t k = 0; k < KST_BATCH_MAX_TYPES; ++k) r->banks[k] += w->banks[k];
    if (w->dev_arena.capacity > r->device_arena) r->device_arena = w->dev_arena.capacity;
    if (w->host_arena.capacity > r->host_arena) r->host_arena = w->host_arena.capacity;
    r->events_too_big += w->too_big;
    r->h2d_bytes += w->h2d_bytes;
    r->d2h_bytes += w->d2h_bytes;
    if (w->stream) r->syncs += kst_stream_sync_count(w->stream) - w->setup_syncs;
    if (w->graph) {
      const kst_graph_stats gs = kst_graph_cache_stats(w->graph);
      r->graph_updated += gs.updated;
      r->graph_instantiated += gs.instantiated;
    }
    r->graph_warmup += w->graph_warmup;
    r->graph_direct += w->graph_direct;
    r->untimed_runs += w->untimed_runs;
    if (w->peak_device > r->peak_device) r->peak_device = w->peak_device, r->peak_batch_events = w->peak_batch_events;
    if (w->peak_host > r->peak_host) r->peak_host = w->peak_host;
    for (uint32_t i = 0; w->counters && i < seq->n; ++i) {
      merge_counters(&r->counters[i], &w->counters[i]);
      r->instance_ms[i] += w->instance_ms[i];
      /* Workers merge in worker order; every accumulator is a sum, so the order does not matter. */
      if (w->accumulators && w->accumulators[i]) {
        if (!r->accumulators[i]) r->accumulators[i] = w->accumulators[i];
        else {
          kst_status ms = seq->inst[i].desc->accumulator->merge(r->accumulators[i], w->accumulators[i]);
          if (ms.code && !st.code) st = ms;
          seq->inst[i].desc->accumulator->destroy(w->accumulators[i]);
        }
        w->accumulators[i] = NULL;
      }
    }
    free(w->accumulators);
    free(w->counters);
    free(w->instance_ms);
    take_rejections(&r->rejected, &w->rejections);
    kst_worker_free(w);
  }
  finish_rejections(&r->rejected);
  r->events = p.done_events;
  r->events_executed = p.done_events * opt.repetitions;
  for (uint32_t s = 0; s < p.n_slots; ++s) kst_batch_free(&p.slots[s]);
  free(p.slots);
  free(p.state);
  free(wa);
  if (cond) kst_conditions_free(cond);
  free(cond);
  pthread_mutex_destroy(&p.lock);
  pthread_cond_destroy(&p.changed);
  return st;
}

const kst_counter *kst_result_counter(const kst_run_result *r, const kst_sequence *seq, const char *instance,
                                      const char *counter) {
  int i = kst_sequence_find(seq, instance);
  if (i < 0 || !r->counters) return NULL;
  for (uint32_t k = 0; k < r->counters[i].n; ++k)
    if (strcmp(r->counters[i].items[k].name, counter) == 0) return &r->counters[i].items[k];
  return NULL;
}

kst_status kst_run_report(const kst_run_result *r, const kst_sequence *seq, const kst_report_options *opt) {
  /* Every report names the condition files the run used and carries its accounting. */
  const char *names[KST_MAX_CONDITIONS], *files[KST_MAX_CONDITIONS];
  kst_report_options o = opt ? *opt : (kst_report_options){0};
  for (uint32_t c = 0; c < r->n_conditions; ++c) names[c] = r->conditions[c].name, files[c] = r->conditions[c].path;
  o.condition_names = names, o.condition_files = files, o.n_conditions = r->n_conditions;
  char *input = NULL;
  KST_TRY(kst_accounting_json(r, seq, &input));
  o.input_json = input;
  kst_status s = kst_ok();
  for (uint32_t i = 0; r->accumulators && i < seq->n && !s.code; ++i)
    if (r->accumulators[i]) s = seq->inst[i].desc->accumulator->report(r->accumulators[i], seq->inst[i].name, &o);
  free(input);
  return s;
}

void kst_run_result_free(kst_run_result *r, const kst_sequence *seq) {
  for (uint32_t i = 0; r->accumulators && i < seq->n; ++i)
    if (r->accumulators[i]) seq->inst[i].desc->accumulator->destroy(r->accumulators[i]);
  free(r->accumulators);
  for (uint32_t i = 0; r->counters && i < seq->n; ++i) {
    for (uint32_t k = 0; k < r->counters[i].n; ++k) free(r->counters[i].items[k].values);
    free(r->counters[i].items);
  }
  free(r->counters);
  free(r->instance_ms);
  for (uint32_t k = 0; k < r->rejected.n_lines; ++k) free(r->rejected.lines[k]);
  free(r->rejected.lines);
  for (uint32_t k = 0; k < r->malformed.n_lines; ++k) free(r->malformed.lines[k]);
  free(r->malformed.lines);
  memset(r, 0, sizeof *r);
}
