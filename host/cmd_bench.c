/* kestrel bench: throughput of a sequence on preloaded events, with per-algorithm times and a parameter scan. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker/json_file.h"
#include "checker/track_checker.h"
#include "host/cli.h"
#include "host/runtime/runtime.h"
#include "host/runtime/conditions.h"
#include "kst_backend.h"

static const char bench_usage[] =
    "usage: kestrel bench --sequence FILE --input FILE [--input FILE ...] [options]\n"
    "\n"
    "  -s, --sequence FILE       sequence JSON\n"
    "  -i, --input FILE          MDF file(s); events are repeated to reach -n\n"
    "  -n, --events N            events preloaded into pinned memory (default 10000)\n"
    "  -t, --threads N           workers (default 1)\n"
    "  -b, --batch-size N        events per batch (default 1000)\n"
    "  --repeats N               timed runs; the median is reported (default 5)\n"
    "  --warmup N                untimed runs first (default 1)\n"
    "  --no-transfer             compute only: each batch is copied once, then run -r times\n"
    "  --compare-transfer        measure every point end to end and compute only, and print the ratio\n"
    "  -r, --repetitions N       runs of each batch per timed run (default 1; 10 with --no-transfer)\n"
    "  --scan threads=1,2 batch=250,1000   a grid of runs instead of one configuration\n"
    "  --json FILE               write every figure as JSON\n"
    "  --plot FILE.png           throughput against batch size, one line per thread count\n"
    "  --graphs on|off           capture each batch's device work as a CUDA/HIP graph and replay it\n"
    "                            (default off; accepted on the CPU backend, where it has no effect)\n"
    "  --condition NAME=FILE     a condition's file (repeatable; as for kestrel run)\n"
    "  --geometry FILE           the same as --condition velo_geometry=FILE\n"
    "  --detector DIR            a folder of detector files (as for kestrel run)\n"
    "  --device-memory MB, --host-memory MB   arenas per worker (default: grown to fit a batch; given: a bound,\n"
    "                            and batches that do not fit are split)\n"
    "  --memory-budget MB        all workers' arenas together (as for kestrel run)\n";

typedef struct bench_point {
  uint32_t threads, batch;
  double median, low, high; /* events/s */
  kst_run_result best;      /* the run with the median time, for the detailed figures */
  double compute_median, compute_low, compute_high; /* with --compare-transfer: the same point, compute only */
} bench_point;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int parse_list(const char *text, uint32_t *out, int max) {
  int n = 0;
  char *copy = strdup(text), *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok && n < max; tok = strtok_r(NULL, ",", &save)) {
    uint64_t v;
    if (!kst_cli_number("--scan", tok, 1, 1000000, &v)) return free(copy), -1;
    out[n++] = (uint32_t)v;
  }
  free(copy);
  return n;
}

/* Arenas that grew in one run start at that size in the next, so that growing (allocating and touching memory)
   happens in the warm-up and not in the timed runs. */
static void keep_arena_sizes(kst_run_options *o, const kst_run_result *r) {
  if (!o->arenas_grow) return;
  if (r->device_arena > o->device_memory) o->device_memory = r->device_arena;
  if (r->host_arena > o->host_memory) o->host_memory = r->host_arena;
}

/* Warm-up runs, then `repeats` timed runs; keeps the median run's result. */
static kst_status measure(const kst_sequence *seq, const kst_event_source *src, kst_run_options o, uint32_t warmup,
                          uint32_t repeats, bench_point *pt) {
  double *rate = calloc(repeats, sizeof *rate);
  kst_run_result *res = calloc(repeats, sizeof *res);
  if (!rate || !res) return free(rate), free(res), kst_error(KST_ERR_NOMEM, "out of memory");
  kst_status s = kst_ok();
  for (uint32_t w = 0; w < warmup && !s.code; ++w) {
    kst_run_result r;
    s = kst_run(seq, src, &o, &r);
    if (!s.code) keep_arena_sizes(&o, &r);
    kst_run_result_free(&r, seq);
  }
  for (uint32_t i = 0; i < repeats && !s.code; ++i) {
    s = kst_run(seq, src, &o, &res[i]);
    if (!s.code) keep_arena_sizes(&o, &res[i]);
    rate[i] = res[i].seconds > 0 ? (double)res[i].events_executed / res[i].seconds : 0.0;
  }
  if (!s.code) {
    double *sorted = malloc(repeats * sizeof *sorted);
    memcpy(sorted, rate, repeats * sizeof *sorted);
    qsort(sorted, repeats, sizeof *sorted, cmp_double);
    pt->median = sorted[repeats / 2];
    pt->low = sorted[0];
    pt->high = sorted[repeats - 1];
    for (uint32_t i = 0; i < repeats; ++i)
      if (rate[i] == pt->median) {
        pt->best = res[i];
        memset(&res[i], 0, sizeof res[i]);
        break;
      }
    free(sorted);
  }
  for (uint32_t i = 0; i < repeats; ++i) kst_run_result_free(&res[i], seq);
  free(rate);
  free(res);
  return s;
}

/* The same point compute only (each batch copied once, then run -r times, 10 unless given), into pt's compute_*
   fields; the detailed figures stay those of the end-to-end runs. */
static kst_status measure_compute_only(const kst_sequence *seq, const kst_event_source *src, kst_run_options o,
                                       int reps_given, uint32_t warmup, uint32_t repeats, bench_point *pt) {
  bench_point c;
  memset(&c, 0, sizeof c);
  o.no_transfer = 1;
  if (!reps_given) o.repetitions = 10;
  KST_TRY(measure(seq, src, o, warmup, repeats, &c));
  pt->compute_median = c.median, pt->compute_low = c.low, pt->compute_high = c.high;
  kst_run_result_free(&c.best, seq);
  return kst_ok();
}

typedef struct alg_time {
  const char *name;
  double ms;
} alg_time;

static int cmp_alg(const void *a, const void *b) {
  double x = ((const alg_time *)a)->ms, y = ((const alg_time *)b)->ms;
  return (x < y) - (x > y);
}

static void print_point(const kst_sequence *seq, const bench_point *pt, const kst_run_options *o) {
  const kst_run_result *r = &pt->best;
  const double events = (double)r->events_executed, wall_ms = r->seconds * 1e3;
  double busy = 0;
  alg_time *t = calloc(seq->n, sizeof *t);
  for (uint32_t i = 0; i < seq->n; ++i) t[i] = (alg_time){seq->inst[i].name, r->instance_ms[i]}, busy += r->instance_ms[i];
  qsort(t, seq->n, sizeof *t, cmp_alg);
  printf("\nthreads %u, batch %u: %.0f events/s (median; min %.0f, max %.0f)\n", pt->threads, pt->batch, pt->median,
         pt->low, pt->high);
  printf("  %-26s %10s %8s %12s\n", "algorithm", "ms", "share", "us/event");
  for (uint32_t i = 0; i < seq->n; ++i)
    if (t[i].ms > 0)
      printf("  %-26s %10.3f %7.1f%% %12.3f\n", t[i].name, t[i].ms, busy > 0 ? 100.0 * t[i].ms / busy : 0.0,
             events > 0 ? 1e3 * t[i].ms / events : 0.0);
  if (pt->compute_median > 0)
    printf("  compute only: %.0f events/s (median; min %.0f, max %.0f); end to end is %.1f%% of it\n",
           pt->compute_median, pt->compute_low, pt->compute_high, 100.0 * pt->median / pt->compute_median);
  printf("  device busy: %.1f%% of wall time x threads (%s)\n", wall_ms > 0 ? 100.0 * busy / (wall_ms * pt->threads) : 0.0,
         KST_GPU_TIMERS ? "device timers" : "wall time per algorithm");
  printf("  host-to-device: %.0f bytes/event, %.2f GB/s%s\n", events > 0 ? (double)r->h2d_bytes / events : 0.0,
         r->seconds > 0 ? (double)r->h2d_bytes / r->seconds / 1e9 : 0.0, o->no_transfer ? " (copied once per batch)" : "");
  printf("  device-to-host: %.0f bytes/event (results, at their buffers' sizes)\n",
         events > 0 ? (double)r->d2h_bytes / events : 0.0);
  printf("  peak device memory: %.1f KiB/event (%.1f MiB per batch of %llu)\n",
         r->peak_batch_events ? (double)r->peak_device / 1024.0 / (double)r->peak_batch_events : 0.0,
         (double)r->peak_device / 1048576.0, (unsigned long long)r->peak_batch_events);
  if (r->splits) printf("  batches split to fit the arenas: %llu (raise --device-memory or --host-memory)\n",
                      (unsigned long long)r->splits);
  printf("  synchronisations per batch: %.2f\n",
         r->batches ? (double)r->syncs / (double)(r->batches * o->repetitions) : 0.0);
  char graphs[256];
  kst_cli_graphs_summary(graphs, sizeof graphs, o, r);
  printf("  graphs: %s\n", graphs);
  if (r->untimed_runs)
    printf("  per-algorithm times: %llu batch runs not timed (HIP graphs cannot record events)\n",
           (unsigned long long)r->untimed_runs);
  free(t);
}

static cJSON *point_json(const kst_sequence *seq, const bench_point *pt, const kst_run_options *o) {
  const kst_run_result *r = &pt->best;
  cJSON *j = cJSON_CreateObject(), *algs = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "threads", pt->threads);
  cJSON_AddNumberToObject(j, "batch_size", pt->batch);
  cJSON_AddNumberToObject(j, "events_per_s_median", pt->median);
  cJSON_AddNumberToObject(j, "events_per_s_min", pt->low);
  cJSON_AddNumberToObject(j, "events_per_s_max", pt->high);
  cJSON_AddNumberToObject(j, "events", (double)r->events_executed);
  cJSON_AddNumberToObject(j, "seconds", r->seconds);
  cJSON_AddNumberToObject(j, "h2d_bytes_per_event", r->events_executed ? (double)r->h2d_bytes / (double)r->events_executed : 0);
  cJSON_AddNumberToObject(j, "d2h_bytes_per_event", r->events_executed ? (double)r->d2h_bytes / (double)r->events_executed : 0);
  cJSON_AddNumberToObject(j, "peak_device_bytes_per_event",
                          r->peak_batch_events ? (double)r->peak_device / (double)r->peak_batch_events : 0);
  if (pt->compute_median > 0) {
    cJSON_AddNumberToObject(j, "compute_only_events_per_s_median", pt->compute_median);
    cJSON_AddNumberToObject(j, "compute_only_events_per_s_min", pt->compute_low);
    cJSON_AddNumberToObject(j, "compute_only_events_per_s_max", pt->compute_high);
    cJSON_AddNumberToObject(j, "end_to_end_over_compute_only", pt->median / pt->compute_median);
  }
  cJSON_AddNumberToObject(j, "splits", (double)r->splits);
  cJSON_AddNumberToObject(j, "arena_growths", (double)r->arena_growths);
  cJSON_AddNumberToObject(j, "syncs_per_batch", r->batches ? (double)r->syncs / (double)(r->batches * o->repetitions) : 0);
  /* Of the median run: batch runs replayed after an update in place or a new instantiation, or run directly (each
     worker's warm-up, or after a failed capture). */
  cJSON_AddNumberToObject(j, "graph_updated", (double)r->graph_updated);
  cJSON_AddNumberToObject(j, "graph_instantiated", (double)r->graph_instantiated);
  cJSON_AddNumberToObject(j, "graph_warmup", (double)r->graph_warmup);
  cJSON_AddNumberToObject(j, "graph_direct", (double)r->graph_direct);
  cJSON_AddNumberToObject(j, "untimed_runs", (double)r->untimed_runs);
  for (uint32_t i = 0; i < seq->n; ++i) cJSON_AddNumberToObject(algs, seq->inst[i].name, r->instance_ms[i]);
  cJSON_AddItemToObject(j, "algorithm_ms", algs);
  return j;
}

int kst_cmd_bench(int argc, char **argv) {
  const char *sequence = NULL, *json_path = NULL, *plot_path = NULL;
  const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  uint32_t n_inputs = 0, repeats = 5, warmup = 1, threads[16] = {1}, batches[16] = {1000};
  int n_threads = 1, n_batches = 1, reps_given = 0, compare = 0;
  uint64_t n_events = 10000, v;
  kst_run_options o;
  const char *conditions[KST_MAX_CONDITIONS];
  memset(&o, 0, sizeof o);
  o.conditions = conditions;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NUMBER(lo, hi) (kst_cli_number(a, next, lo, hi, &v) ? (++i, 1) : (free(inputs), 0))
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) return free(inputs), fputs(bench_usage, stdout), 0;
    else if ((!strcmp(a, "-s") || !strcmp(a, "--sequence")) && next) sequence = argv[++i];
    else if ((!strcmp(a, "-i") || !strcmp(a, "--input")) && next) inputs[n_inputs++] = argv[++i];
    else if (!strcmp(a, "-n") || !strcmp(a, "--events")) { if (!NUMBER(1, 100000000)) return 2; n_events = v; }
    else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) { if (!NUMBER(1, 256)) return 2; threads[0] = (uint32_t)v; }
    else if (!strcmp(a, "-b") || !strcmp(a, "--batch-size")) { if (!NUMBER(1, 1000000)) return 2; batches[0] = (uint32_t)v; }
    else if (!strcmp(a, "--repeats")) { if (!NUMBER(1, 1000)) return 2; repeats = (uint32_t)v; }
    else if (!strcmp(a, "--warmup")) { if (!NUMBER(0, 1000)) return 2; warmup = (uint32_t)v; }
    else if (!strcmp(a, "-r") || !strcmp(a, "--repetitions")) { if (!NUMBER(1, 100000)) return 2; o.repetitions = (uint32_t)v; reps_given = 1; }
    else if (!strcmp(a, "--no-transfer")) o.no_transfer = 1;
    else if (!strcmp(a, "--compare-transfer")) compare = 1;
    else if (!strcmp(a, "--graphs")) { if (!kst_cli_on_off(a, next, &o.graphs)) return free(inputs), 2; ++i; }
    else if (!strcmp(a, "--json") && next) json_path = argv[++i];
    else if (!strcmp(a, "--plot") && next) plot_path = argv[++i];
    else if (!strcmp(a, "--geometry") && next) o.geometry = argv[++i];
    else if (!strcmp(a, "--detector") && next) o.detector_dir = argv[++i];
    else if (!strcmp(a, "--condition") && next) {
      if (o.n_conditions == KST_MAX_CONDITIONS) {
        fprintf(stderr, "kestrel %s: more than %d --condition options\n", "bench", KST_MAX_CONDITIONS);
        return free(inputs), 2;
      }
      conditions[o.n_conditions++] = argv[++i];
    }
    else if (!strcmp(a, "--device-memory")) { if (!NUMBER(1, 1 << 20)) return 2; o.device_memory = v << 20; }
    else if (!strcmp(a, "--host-memory")) { if (!NUMBER(1, 1 << 20)) return 2; o.host_memory = v << 20; }
    else if (!strcmp(a, "--memory-budget")) { if (!NUMBER(1, 1 << 30)) return 2; o.memory_budget = v << 20; }
    else if (!strcmp(a, "--scan")) {
      /* Every following word of the form key=list belongs to the scan. */
      while (i + 1 < argc && strchr(argv[i + 1], '=')) {
        const char *w = argv[++i];
        int n;
        if (!strncmp(w, "threads=", 8) && (n = parse_list(w + 8, threads, 16)) > 0) n_threads = n;
        else if (!strncmp(w, "batch=", 6) && (n = parse_list(w + 6, batches, 16)) > 0) n_batches = n;
        else {
          fprintf(stderr, "kestrel bench: --scan takes threads=LIST and batch=LIST (got '%s')\n", w);
          return free(inputs), 2;
        }
      }
    } else if (a[0] != '-') inputs[n_inputs++] = a;
    else {
      fprintf(stderr, "kestrel bench: unknown or incomplete option '%s'\n\n%s", a, bench_usage);
      return free(inputs), 2;
    }
#undef NUMBER
  }
  if (!sequence || !n_inputs) {
    fprintf(stderr, "kestrel bench: need --sequence FILE and at least one --input FILE\n\n%s", bench_usage);
    return free(inputs), 2;
  }
  if (compare && o.no_transfer) {
    fprintf(stderr, "kestrel bench: --compare-transfer measures both modes itself: drop --no-transfer\n");
    return free(inputs), 2;
  }
  if (o.no_transfer && !reps_given) o.repetitions = 10;
  o.preload = 1;
  kst_sequence seq;
  kst_conditions planned;
  const int setup = kst_cli_load_run_setup("bench", &seq, sequence, 0, &planned, &o, inputs[0]);
  if (setup) return free(inputs), setup;
  kst_event_source src;
  kst_status s = kst_events_load(&src, inputs, n_inputs, 0);
  free(inputs);
  if (!s.code && kst_cli_report_events("bench", &src)) {
    kst_events_free(&src);
    kst_sequence_free(&seq);
    return 1;
  }
  if (!s.code) s = kst_events_cycle(&src, n_events);
  if (!s.code && src.n_events > n_events) src.n_events = n_events;
  if (s.code) {
    fprintf(stderr, "kestrel bench: %s\n", s.msg);
    kst_sequence_free(&seq);
    return 1;
  }
  kst_device_props props;
  if (kst_device_properties(&props).code) snprintf(props.name, sizeof props.name, "?");
  /* Graphs are on only where the backend replays them; the CPU accepts the option and runs as queued. */
  const char *graphs = !kst_graph_supported() ? "off (cpu backend)" : o.graphs ? "on" : "off";
  printf("kestrel bench: %s, %llu events preloaded, %s backend (%s), %s, graphs %s, %u timed runs after %u warm-up\n",
         seq.path, (unsigned long long)src.n_events, kst_backend_name(), props.name,
         o.no_transfer ? "compute only (batches copied once)"
         : compare     ? "end to end with transfers, then compute only"
                       : "end to end with transfers",
         graphs, repeats, warmup);
  kst_conditions_print(&planned, stdout);
  cJSON *root = cJSON_CreateObject(), *points = cJSON_CreateArray();
  cJSON_AddStringToObject(root, "sequence", seq.path);
  cJSON_AddStringToObject(root, "backend", kst_backend_name());
  cJSON_AddStringToObject(root, "device", props.name);
  cJSON_AddBoolToObject(root, "no_transfer", o.no_transfer);
  cJSON_AddStringToObject(root, "graphs", kst_graph_supported() && o.graphs ? "on" : "off");
  cJSON_AddBoolToObject(root, "graphs_requested", o.graphs);
  cJSON *conds = cJSON_AddObjectToObject(root, "conditions");
  for (unsigned c = 0; c < planned.n; ++c) cJSON_AddStringToObject(conds, planned.items[c].type->name, planned.items[c].path);
  cJSON_AddItemToObject(root, "points", points);
  int rc = 0;
  if (n_threads * n_batches > 1 && compare)
    printf("\n%8s %8s %14s %14s %14s %8s\n", "threads", "batch", "events/s", "compute only", "min", "ratio");
  else if (n_threads * n_batches > 1)
    printf("\n%8s %8s %14s %14s %14s\n", "threads", "batch", "events/s", "min", "max");
  for (int ti = 0; ti < n_threads && !rc; ++ti)
    for (int bi = 0; bi < n_batches && !rc; ++bi) {
      bench_point pt;
      memset(&pt, 0, sizeof pt);
      pt.threads = o.threads = threads[ti];
      pt.batch = o.batch_size = batches[bi];
      kst_run_options_default(&o);
      s = measure(&seq, &src, o, warmup, repeats, &pt);
      if (!s.code && compare) s = measure_compute_only(&seq, &src, o, reps_given, warmup, repeats, &pt);
      if (s.code) {
        fprintf(stderr, "kestrel bench: %s\n", s.msg);
        rc = 1;
        break;
      }
      if (n_threads * n_batches > 1 && compare)
        printf("%8u %8u %14.0f %14.0f %14.0f %7.1f%%\n", pt.threads, pt.batch, pt.median, pt.compute_median, pt.low,
               100.0 * pt.median / pt.compute_median);
      else if (n_threads * n_batches > 1)
        printf("%8u %8u %14.0f %14.0f %14.0f\n", pt.threads, pt.batch, pt.median, pt.low, pt.high);
      else print_point(&seq, &pt, &o);
      cJSON_AddItemToArray(points, point_json(&seq, &pt, &o));
      kst_run_result_free(&pt.best, &seq);
    }
  if (!rc && json_path) {
    s = kst_json_write_file(root, json_path, "kestrel bench", NULL);
    root = NULL;
    if (s.code) fprintf(stderr, "%s\n", s.msg), rc = 1;
  }
  if (!rc && plot_path) {
    if (!json_path) fprintf(stderr, "kestrel bench: --plot needs --json FILE (the plot is drawn from it)\n"), rc = 2;
    else {
      kst_status ps = kst_checker_plot_script("bench_plot.py", json_path, plot_path);
      if (ps.code) fprintf(stderr, "kestrel bench: %s\n", ps.msg), rc = 1;
    }
  }
  cJSON_Delete(root);
  kst_events_free(&src);
  kst_sequence_free(&seq);
  return rc;
}
