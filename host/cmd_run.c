/* kestrel run: a sequence over MDF files on N workers, with a summary of what happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/cli.h"
#include "host/runtime/accounting.h"
#include "host/runtime/runtime.h"
#include "host/runtime/conditions.h"
#include "host/runtime/output.h"
#include "kst_backend.h"

static const char run_usage[] =
    "usage: kestrel run --sequence FILE --input FILE [--input FILE ...] [options]\n"
    "\n"
    "  -s, --sequence FILE     sequence JSON (see sequences/)\n"
    "  -i, --input FILE        MDF file (repeatable; more files may follow the options)\n"
    "  -t, --threads N         workers, each with its own stream and arenas (default 1)\n"
    "  -b, --batch-size N      events per batch (default 1000)\n"
    "  -n, --events N          process at most N events (default all)\n"
    "  -r, --repetitions N     run each batch N times, for compute benchmarks (default 1)\n"
    "  --device-memory MB      device arena per worker (default: 256, grown to fit the largest batch;\n"
    "                          a size given is a bound, and batches that do not fit are split)\n"
    "  --host-memory MB        pinned host arena per worker (default: 64, grown likewise)\n"
    "  --memory-budget MB      all workers' arenas together, growth included (default: half the machine's\n"
    "                          memory); -t beyond it is refused before any work\n"
    "  --validate              run the sequence's validators against MC truth\n"
    "  --condition NAME=FILE   a condition's file (repeatable): e.g. velo_geometry=velo_geometry.bin;\n"
    "                          else the sequence's \"conditions\", else the file in --detector DIR,\n"
    "                          else beside the first input (velo_geometry.bin, detector/ut_boards.bin, ...),\n"
    "                          else the shipped default\n"
    "  --detector DIR          a folder of detector files under their own names (ut_boards.bin, polarity.bin,\n"
    "                          ...): for simulated files, whose folder has none\n"
    "  --geometry FILE         the same as --condition velo_geometry=FILE (LHCb binary or Kestrel JSON)\n"
    "  --dump DIR              write reconstructed objects as text files into DIR (created)\n"
    "  --output FILE           write the accepted events to FILE (MDF), by the sequence's output algorithm\n"
    "  --output-mode MODE      full: each event's input banks and the decision banks (default); reduced: ODIN,\n"
    "                          the decision banks, the objects that fired the lines and MC truth (docs/output.md)\n"
    "  --report FILE           with --validate: write the checkers' JSON report\n"
    "  --plots DIR             with --report: draw the checkers' plots (PNG) into DIR\n"
    "  --graphs on|off         capture each batch's device work as a CUDA/HIP graph and replay it\n"
    "                          (default off; accepted on the CPU backend, where it has no effect)\n"
    "  --debug-memory          allocate every buffer separately (for sanitizers)\n"
    "  --no-progress           no progress line even on a terminal\n";

static void print_counters(const kst_sequence *seq, const kst_run_result *r) {
  for (uint32_t i = 0; i < seq->n; ++i) {
    const kst_counter_set *set = &r->counters[i];
    if (!set->n) continue;
    printf("%s (%s):\n", seq->inst[i].name, seq->inst[i].desc->name);
    for (uint32_t k = 0; k < set->n; ++k) {
      const kst_counter *c = &set->items[k];
      if (!strncmp(c->name, "error:", 6) && c->values[0] == 0) continue;
      printf("  %-28s", c->name);
      if (c->n == 1) {
        printf(" %12llu", (unsigned long long)c->values[0]);
        if (r->events && !strstr(c->name, "hash")) printf("  (%.2f per event)", (double)c->values[0] / (double)r->events);
      } else {
        for (uint32_t v = 0; v < c->n; ++v) printf("%s%llu", v % 13 ? " " : (v ? "\n  " : " "), (unsigned long long)c->values[v]);
      }
      printf("\n");
    }
  }
}

static void print_summary(const kst_sequence *seq, const kst_event_source *src, const kst_run_options *o,
                          const kst_run_result *r) {
  kst_device_props props;
  if (kst_device_properties(&props).code) snprintf(props.name, sizeof props.name, "?");
  printf("kestrel run: %s, %u file%s, %s backend (%s), %u thread%s, batch size %u\n", seq->path, src->n_files,
         src->n_files == 1 ? "" : "s", kst_backend_name(), props.name, r->workers, r->workers == 1 ? "" : "s",
         o->batch_size);
  if (r->workers < o->threads)
    printf("workers:      %u of the %u asked for: the input makes %u batch%s\n", r->workers, o->threads, r->workers,
           r->workers == 1 ? "" : "es");
  for (uint32_t c = 0; c < r->n_conditions; ++c)
    printf("condition:    %s = %s (%s)\n", r->conditions[c].name, r->conditions[c].path, r->conditions[c].origin);
  /* A sequence that reads a bank type the files do not hold finds nothing: say so instead of printing zeros. */
  for (uint32_t k = 0; k < seq->n_bank_types && k < KST_BATCH_MAX_TYPES && r->events; ++k)
    if (!r->banks[k])
      fprintf(stderr, "kestrel run: warning: the input holds no banks of type %u, which the sequence reads: its "
              "results are empty\n", seq->bank_types[k]);
  printf("events:       %llu processed", (unsigned long long)r->events);
  if (o->repetitions > 1) printf(" x %u repetitions", o->repetitions);
  printf(", %llu input error%s, %llu too big for the arenas\n", (unsigned long long)src->errors.count,
         src->errors.count == 1 ? "" : "s", (unsigned long long)r->events_too_big);
  kst_accounting acct;
  char line[1024];
  kst_status as = kst_run_accounting(r, seq, &acct);
  if (as.code) snprintf(line, sizeof line, "%s", as.msg);
  else kst_accounting_format(&acct, line, sizeof line);
  printf("accounting:   %s\n", line);
  uint64_t executed_batches = r->batches * o->repetitions;
  printf("batches:      %llu (%llu split%s), %.2f synchronisations per batch\n", (unsigned long long)r->batches,
         (unsigned long long)r->splits, r->splits == 1 ? "" : "s",
         executed_batches ? (double)r->syncs / (double)executed_batches : 0.0);
  if (r->arena_growths)
    printf("arenas:       grown %llu time%s to fit a batch (device %.1f MiB per worker)\n",
           (unsigned long long)r->arena_growths, r->arena_growths == 1 ? "" : "s", (double)r->device_arena / 1048576.0);
  printf("throughput:   %llu events in %.3f s: %.0f events/s\n", (unsigned long long)r->events_executed, r->seconds,
         r->seconds > 0 ? (double)r->events_executed / r->seconds : 0.0);
  printf("peak memory:  device %.2f MiB per batch (%.1f KiB per event), host %.2f MiB per batch\n",
         (double)r->peak_device / 1048576.0,
         r->peak_batch_events ? (double)r->peak_device / 1024.0 / (double)r->peak_batch_events : 0.0,
         (double)r->peak_host / 1048576.0);
  if (r->events_executed)
    printf("transfers:    %.0f bytes host-to-device, %.0f device-to-host per event\n",
           (double)r->h2d_bytes / (double)r->events_executed, (double)r->d2h_bytes / (double)r->events_executed);
  char graphs[256];
  kst_cli_graphs_summary(graphs, sizeof graphs, o, r);
  printf("graphs:       %s\n", graphs);
  print_counters(seq, r);
  printf("time per algorithm (%s, summed over workers", KST_GPU_TIMERS ? "device timers" : "wall time");
  if (r->untimed_runs)
    printf("; %llu batch runs not timed: HIP graphs cannot record events", (unsigned long long)r->untimed_runs);
  printf("):\n");
  for (uint32_t i = 0; i < seq->n; ++i)
    printf("  %-24s %10.3f ms\n", seq->inst[i].name, r->instance_ms[i]);
}

/* Opens the output after checking that the sequence has an algorithm that writes in this mode; prints why not. */
static int open_output(const kst_sequence *seq, kst_output *out, const char *path, kst_output_mode mode) {
  const uint32_t flag = mode == KST_OUTPUT_REDUCED ? KST_ALG_OUTPUT_REDUCED : KST_ALG_OUTPUT_FULL;
  int writers = 0;
  for (uint32_t i = 0; i < seq->n; ++i) writers += (seq->inst[i].desc->flags & flag) != 0;
  if (writers != 1) {
    fprintf(stderr, "kestrel run: --output-mode %s needs one algorithm of the sequence that writes %s output (%s), "
            "and %s has %d\n", kst_output_mode_name(mode), kst_output_mode_name(mode),
            mode == KST_OUTPUT_REDUCED ? "reduced_writer" : "mdf_writer", seq->path, writers);
    return 1;
  }
  const kst_status s = kst_output_open(out, path, mode);
  if (s.code) fprintf(stderr, "kestrel run: --output: %s\n", s.msg);
  return s.code != 0;
}

/* The output's line of the summary: events and bytes in and out. */
static void print_output(const kst_output *out, const kst_run_result *r) {
  printf("output:       %s (%s): %llu events of %llu (%.2f%%), %.0f bytes per event in, %.0f out",
         out->path, kst_output_mode_name(out->mode), (unsigned long long)out->events, (unsigned long long)r->events,
         r->events ? 100.0 * (double)out->events / (double)r->events : 0.0,
         out->events ? (double)out->bytes_in / (double)out->events : 0.0,
         out->events ? (double)out->bytes_out / (double)out->events : 0.0);
  if (out->bytes_mc)
    printf(" (%.0f of them MC truth, %.0f without)", (double)out->bytes_mc / (double)out->events,
           (double)(out->bytes_out - out->bytes_mc) / (double)out->events);
  if (out->not_written) printf("; %llu accepted events rejected by decoding, not written", (unsigned long long)out->not_written);
  printf("\n");
}

int kst_cmd_run(int argc, char **argv) {
  const char *sequence = NULL;
  const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
  uint32_t n_inputs = 0;
  kst_run_options o;
  const char *conditions[KST_MAX_CONDITIONS];
  kst_report_options report = {.json_path = NULL};
  const char *output_path = NULL;
  int output_mode = KST_OUTPUT_FULL;
  memset(&o, 0, sizeof o);
  o.conditions = conditions;
  o.progress = isatty(2);
  uint64_t v;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
#define NUMBER(lo, hi) (kst_cli_number(a, next, lo, hi, &v) ? (++i, 1) : (free(inputs), 0))
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) return free(inputs), fputs(run_usage, stdout), 0;
    else if ((!strcmp(a, "-s") || !strcmp(a, "--sequence")) && next) sequence = argv[++i];
    else if ((!strcmp(a, "-i") || !strcmp(a, "--input")) && next) inputs[n_inputs++] = argv[++i];
    else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) { if (!NUMBER(1, 256)) return 2; o.threads = (uint32_t)v; }
    else if (!strcmp(a, "-b") || !strcmp(a, "--batch-size")) { if (!NUMBER(1, 1000000)) return 2; o.batch_size = (uint32_t)v; }
    else if (!strcmp(a, "-n") || !strcmp(a, "--events")) { if (!NUMBER(1, UINT64_MAX)) return 2; o.max_events = v; }
    else if (!strcmp(a, "-r") || !strcmp(a, "--repetitions")) { if (!NUMBER(1, 1000000)) return 2; o.repetitions = (uint32_t)v; }
    else if (!strcmp(a, "--device-memory")) { if (!NUMBER(1, 1 << 20)) return 2; o.device_memory = v << 20; }
    else if (!strcmp(a, "--host-memory")) { if (!NUMBER(1, 1 << 20)) return 2; o.host_memory = v << 20; }
    else if (!strcmp(a, "--memory-budget")) { if (!NUMBER(1, 1 << 30)) return 2; o.memory_budget = v << 20; }
    else if (!strcmp(a, "--graphs")) { if (!kst_cli_on_off(a, next, &o.graphs)) return free(inputs), 2; ++i; }
    else if (!strcmp(a, "--debug-memory")) o.debug_memory = 1;
    else if (!strcmp(a, "--validate")) o.validate = 1;
    else if (!strcmp(a, "--report") && next) report.json_path = argv[++i];
    else if (!strcmp(a, "--plots") && next) report.plots_dir = argv[++i];
    else if (!strcmp(a, "--dump") && next) o.dump_dir = argv[++i];
    else if (!strcmp(a, "--output") && next) output_path = argv[++i];
    else if (!strcmp(a, "--output-mode") && next) {
      if ((output_mode = kst_output_mode_parse(next)) < 0) {
        fprintf(stderr, "kestrel run: --output-mode %s: not full or reduced\n", next);
        return free(inputs), 2;
      }
      ++i;
    }
    else if (!strcmp(a, "--geometry") && next) o.geometry = argv[++i];
    else if (!strcmp(a, "--detector") && next) o.detector_dir = argv[++i];
    else if (!strcmp(a, "--condition") && next) {
      if (o.n_conditions == KST_MAX_CONDITIONS) {
        fprintf(stderr, "kestrel %s: more than %d --condition options\n", "run", KST_MAX_CONDITIONS);
        return free(inputs), 2;
      }
      conditions[o.n_conditions++] = argv[++i];
    }
    else if (!strcmp(a, "--no-progress")) o.progress = 0;
    else if (a[0] != '-') inputs[n_inputs++] = a;
    else {
      fprintf(stderr, "kestrel run: unknown or incomplete option '%s'\n\n%s", a, run_usage);
      free(inputs);
      return 2;
    }
#undef NUMBER
  }
  if (report.plots_dir && !report.json_path) {
    fprintf(stderr, "kestrel run: --plots needs --report FILE (the plots are drawn from it)\n");
    free(inputs);
    return 2;
  }
  if (!sequence || !n_inputs) {
    fprintf(stderr, "kestrel run: need --sequence FILE and at least one --input FILE\n\n%s", run_usage);
    free(inputs);
    return 2;
  }
  if (o.dump_dir && mkdir(o.dump_dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "kestrel run: cannot create the dump directory %s: %s\n", o.dump_dir, strerror(errno));
    free(inputs);
    return 1;
  }
  kst_run_options_default(&o);
  kst_sequence seq;
  kst_conditions planned;
  const int setup = kst_cli_load_run_setup("run", &seq, sequence, 1, &planned, &o, inputs[0]);
  if (setup) return free(inputs), setup;
  kst_event_source src;
  kst_status s = kst_events_load(&src, inputs, n_inputs, o.max_events);
  free(inputs);
  if (s.code) {
    fprintf(stderr, "kestrel run: %s\n", s.msg);
    kst_sequence_free(&seq);
    return 1;
  }
  if (kst_cli_report_events("run", &src)) {
    kst_events_free(&src);
    kst_sequence_free(&seq);
    return 1;
  }
  kst_output output;
  if (output_path && open_output(&seq, &output, output_path, (kst_output_mode)output_mode)) {
    kst_events_free(&src);
    kst_sequence_free(&seq);
    return 1;
  }
  o.output = output_path ? &output : NULL;
  kst_run_result r;
  s = kst_run(&seq, &src, &o, &r);
  int rc = 0;
  if (output_path) {
    const kst_status c = kst_output_close(&output, !s.code);
    if (!s.code && c.code) s = kst_error_wrap(c, "output");
  }
  if (s.code) {
    fprintf(stderr, "kestrel run: %s\n", s.msg);
    if (output_path) fprintf(stderr, "kestrel run: %s: no output put in place (a file there is left as it was)\n", output_path);
    rc = 1;
  } else {
    kst_cli_report_rejections("run", &r);
    print_summary(&seq, &src, &o, &r);
    if (output_path) print_output(&output, &r);
    s = kst_run_report(&r, &seq, &report);
    if (s.code) fprintf(stderr, "kestrel run: report: %s\n", s.msg), rc = 1;
    if (src.errors.count || r.rejected.count) rc = 3;
  }
  kst_run_result_free(&r, &seq);
  kst_events_free(&src);
  kst_sequence_free(&seq);
  return rc;
}
