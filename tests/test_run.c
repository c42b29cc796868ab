/* End-to-end runs of sequences/bank_stats.json: a synthetic MDF the test writes, the real sample, determinism, splits. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/runtime/runtime.h"
#include "configuration/geometry.h"
#include "input/mdf.h"
#include "input/simulation/generate.h"

#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"

/* What an independent count of the file says. */
typedef struct expected {
  uint64_t events, banks, bytes, items, per_module[52];
} expected;

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
  rng_state = rng_state * 1664525u + 1013904223u;
  return rng_state >> 8;
}

/* Writes n events with random retina banks (and an ODIN bank to ignore); big_event gets one huge bank. */
static void write_synthetic(const char *path, uint32_t n, int big_event, expected *ex) {
  kst_mdf_writer *w;
  memset(ex, 0, sizeof *ex);
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  static uint32_t payload[40][3100];
  for (uint32_t e = 0; e < n; ++e) {
    kst_mdf_bank_out banks[41];
    uint32_t nb = 1 + rng() % 40;
    uint32_t odin[10] = {e};
    banks[0] = (kst_mdf_bank_out){16, 7, 0, odin, sizeof odin};
    for (uint32_t b = 0; b < nb; ++b) {
      uint32_t sensor = (b * 5 + e) % 208, count = rng() % 60;
      if ((int)e == big_event && b == 0) count = 3000;
      payload[b][0] = count;
      for (uint32_t c = 0; c < count; ++c) payload[b][1 + c] = rng();
      banks[1 + b] = (kst_mdf_bank_out){73, 3, (uint16_t)sensor, payload[b], 4 + 4 * count};
      if ((int)e == big_event) continue;
      ex->banks++;
      ex->bytes += 8 + 4 + 4 * count;
      ex->items += count;
      ex->per_module[sensor / 4] += count;
    }
    if ((int)e != big_event) ex->events++;
    cr_assert_eq(kst_mdf_write_event(w, 1, e, e, banks, nb + 1).code, KST_OK);
  }
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
}

/* Counts retina banks of a file with the MDF reader only, as the check of the runtime. */
static void count_file(const char *path, expected *ex) {
  kst_mdf_file f;
  kst_mdf_event ev;
  int done = 0;
  memset(ex, 0, sizeof *ex);
  cr_assert_eq(kst_mdf_open(&f, path).code, KST_OK);
  while (kst_mdf_next(&f, &ev, &done).code == KST_OK && !done) {
    kst_mdf_bank bank;
    uint32_t pos = 0;
    ex->events++;
    while (kst_mdf_bank_next(&ev, &pos, &bank)) {
      if (bank.type != 73) continue;
      uint32_t c;
      memcpy(&c, bank.payload, 4);
      ex->banks++;
      ex->bytes += bank.length;
      ex->items += c;
      ex->per_module[bank.source_id / 4] += c;
    }
  }
  kst_mdf_close(&f);
}

static kst_status run_file(const char *path, kst_run_options o, kst_run_result *r, kst_sequence *seq) {
  kst_problems pb;
  kst_event_source src;
  cr_assert_eq(kst_sequence_load(seq, "sequences/bank_stats.json", &pb).code, KST_OK);
  kst_problems_free(&pb);
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  kst_status s = kst_run(seq, &src, &o, r);
  kst_events_free(&src);
  return s;
}

static void check(const kst_run_result *r, const kst_sequence *seq, const expected *ex, uint32_t reps) {
  const char *names[] = {"events", "banks", "bytes", "items"};
  const uint64_t want[] = {ex->events, ex->banks, ex->bytes, ex->items};
  for (int i = 0; i < 4; ++i) {
    const kst_counter *c = kst_result_counter(r, seq, "velo_summary", names[i]);
    cr_assert_not_null(c, "counter %s", names[i]);
    cr_assert_eq(c->values[0], want[i], "%s: %llu, expected %llu", names[i], (unsigned long long)c->values[0],
                 (unsigned long long)want[i]);
  }
  const kst_counter *g = kst_result_counter(r, seq, "velo_summary", "items_per_group");
  cr_assert_not_null(g);
  cr_assert_eq(g->n, 52);
  for (int m = 0; m < 52; ++m) cr_assert_eq(g->values[m], ex->per_module[m], "module %d", m);
  cr_assert_eq(r->syncs, r->batches * reps, "one synchronisation per batch and repetition");
}

Test(run, synthetic_file_counts_match_and_any_threads_batches_repetitions_agree) {
  char path[] = "/tmp/kst_run_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  expected ex;
  write_synthetic(path, 37, -1, &ex);
  const kst_run_options variants[] = {
      {.threads = 1, .batch_size = 1000},
      {.threads = 2, .batch_size = 5},
      {.threads = 2, .batch_size = 1},
      {.threads = 1, .batch_size = 7, .repetitions = 3},
      {.threads = 2, .batch_size = 9, .debug_memory = 1},
      /* On the CPU graphs change nothing, but the capture region is checked: no run hook allocates or waits. */
      {.threads = 2, .batch_size = 4, .graphs = 1},
      {.threads = 1, .batch_size = 6, .repetitions = 3, .no_transfer = 1, .graphs = 1, .debug_memory = 1},
  };
  for (unsigned v = 0; v < sizeof variants / sizeof *variants; ++v) {
    kst_sequence seq;
    kst_run_result r;
    cr_assert_eq(run_file(path, variants[v], &r, &seq).code, KST_OK, "variant %u", v);
    check(&r, &seq, &ex, variants[v].repetitions ? variants[v].repetitions : 1);
    cr_assert_eq(r.events, 37);
    cr_assert_eq(r.events_executed, 37 * (variants[v].repetitions ? variants[v].repetitions : 1));
    cr_assert_eq(r.graph_updated + r.graph_instantiated + r.graph_warmup + r.graph_direct, 0,
                 "variant %u: nothing replayed on the CPU, nor warmed up", v);
    kst_run_result_free(&r, &seq);
    kst_sequence_free(&seq);
  }
  unlink(path);
}

Test(run, batch_that_does_not_fit_is_split_when_bounded_and_grows_the_arenas_otherwise) {
  char path[] = "/tmp/kst_run_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  expected ex, all;
  write_synthetic(path, 30, 11, &ex);
  count_file(path, &all); /* the giant event too */
  kst_sequence seq;
  kst_run_result r;
  /* Bounded at 12 KiB: the batch is split, and the event with a 3000-cluster bank never fits. */
  kst_run_options o = {.threads = 1, .batch_size = 30, .device_memory = 12 * 1024};
  cr_assert_eq(run_file(path, o, &r, &seq).code, KST_OK);
  cr_assert_gt(r.splits, 0, "30 events need more than 12 KiB");
  cr_assert_eq(r.events_too_big, 1);
  cr_assert_eq(r.arena_growths, 0);
  check(&r, &seq, &ex, 1);
  cr_assert_leq(r.peak_device, 12 * 1024);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  /* The same start, free to grow: one growth, no split, every event runs, still one synchronisation. */
  o.arenas_grow = 1;
  cr_assert_eq(run_file(path, o, &r, &seq).code, KST_OK);
  cr_assert_eq(r.splits, 0);
  cr_assert_eq(r.arena_growths, 1, "one batch, one growth");
  cr_assert_eq(r.events_too_big, 0);
  cr_assert_eq(r.batches, 1);
  cr_assert_gt(r.peak_device, 12 * 1024);
  cr_assert_geq(r.device_arena, r.peak_device);
  check(&r, &seq, &all, 1);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  unlink(path);
}

Test(run, truncated_file_processes_the_good_records_and_reports_the_bad_one) {
  char path[] = "/tmp/kst_run_XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  expected ex;
  write_synthetic(path, 5, -1, &ex);
  FILE *f = fopen(path, "rb+");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fclose(f);
  cr_assert_eq(truncate(path, size - 10), 0);
  kst_event_source src;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  cr_assert_eq(src.n_events, 4);
  cr_assert_eq(src.errors.count, 1);
  cr_assert(strstr(src.errors.lines[0], "record 4 at byte") != NULL, "%s", src.errors.lines[0]);
  kst_events_free(&src);
  unlink(path);
}

Test(run, real_sample_bank_statistics_match_an_independent_count) {
  if (access(REAL_MDF, R_OK) != 0) cr_skip("../shared/data not present: real-sample bank statistics not checked");
  expected ex;
  count_file(REAL_MDF, &ex);
  cr_assert_eq(ex.events, 10);
  cr_assert_eq(ex.items, 20652, "the formats document's cluster count");
  const kst_run_options variants[] = {{.threads = 1}, {.threads = 2, .batch_size = 3}, {.threads = 2, .batch_size = 1, .repetitions = 2}};
  for (unsigned v = 0; v < 3; ++v) {
    kst_sequence seq;
    kst_run_result r;
    cr_assert_eq(run_file(REAL_MDF, variants[v], &r, &seq).code, KST_OK);
    check(&r, &seq, &ex, variants[v].repetitions ? variants[v].repetitions : 1);
    kst_run_result_free(&r, &seq);
    kst_sequence_free(&seq);
  }
}

#include "host/runtime/worker.h"

Test(run, a_counter_keeps_its_length) {
  kst_sequence seq;
  kst_problems pb;
  kst_worker w;
  kst_run_options o = {0};
  kst_run_options_default(&o);
  cr_assert_eq(kst_sequence_load(&seq, "sequences/bank_stats.json", &pb).code, KST_OK);
  cr_assert_eq(kst_worker_init(&w, &seq, &o, NULL).code, KST_OK);
  const uint64_t three[3] = {1, 2, 3}, two[2] = {5, 5};
  cr_assert_eq(kst_ctx_count_add(&w.ctx[0], "c", three, 3).code, KST_OK);
  cr_assert_eq(kst_ctx_count_add(&w.ctx[0], "c", three, 3).code, KST_OK);
  kst_status s = kst_ctx_count_add(&w.ctx[0], "c", two, 2);
  cr_assert_eq(s.code, KST_ERR_INVALID);
  cr_assert(strstr(s.msg, "counter c has 3 entries, not 2") != NULL, "%s", s.msg);
  cr_assert_eq(w.counters[0].items[0].values[2], 6);
  for (uint32_t i = 0; i < seq.n; ++i) {
    for (uint32_t k = 0; k < w.counters[i].n; ++k) free(w.counters[i].items[k].values);
    free(w.counters[i].items);
  }
  free(w.counters);
  free(w.instance_ms);
  free(w.accumulators);
  kst_worker_free(&w);
  kst_sequence_free(&seq);
  kst_problems_free(&pb);
}

/* A run hook that allocates, which no graph can hold: the batch must fall back to direct launches, not fail. */
static kst_status (*wrapped_run)(kst_ctx *);
static kst_status run_that_allocates(kst_ctx *c) {
  void *p;
  KST_TRY(kst_host_alloc(&p, 64));
  kst_host_free(p);
  return wrapped_run(c);
}

Test(run, a_run_hook_a_graph_cannot_hold_falls_back_to_direct_launches_with_one_warning, .init = cr_redirect_stderr) {
  char path[] = "/tmp/kst_run_XXXXXX";
  close(mkstemp(path));
  expected ex;
  write_synthetic(path, 23, -1, &ex);
  kst_sequence seq;
  kst_problems pb;
  kst_event_source src;
  cr_assert_eq(kst_sequence_load(&seq, "sequences/bank_stats.json", &pb).code, KST_OK);
  kst_problems_free(&pb);
  static kst_alg_desc patched;
  patched = *seq.inst[2].desc;
  wrapped_run = patched.run;
  patched.run = run_that_allocates;
  seq.inst[2].desc = &patched;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  kst_run_options o = {.threads = 2, .batch_size = 5, .graphs = 1};
  kst_run_result r;
  cr_assert_eq(kst_run(&seq, &src, &o, &r).code, KST_OK);
  check(&r, &seq, &ex, 1);
  cr_assert_eq(r.graph_direct, r.batches, "every batch ran directly");
  fflush(stderr);
  char text[4096];
  FILE *err = cr_get_redirected_stderr();
  size_t n = fread(text, 1, sizeof text - 1, err);
  text[n] = '\0';
  const char *warning = "kestrel: warning: graph capture failed", *w = strstr(text, warning);
  cr_assert_not_null(w, "%s", text);
  cr_assert(strstr(w, "kst_host_alloc inside a graph capture"), "the warning says why: %s", text);
  cr_assert_null(strstr(w + strlen(warning), warning), "one warning, not one per batch or worker: %s", text);
  kst_run_result_free(&r, &seq);
  kst_events_free(&src);
  kst_sequence_free(&seq);
  unlink(path);
}

Test(run, workers_and_arenas_keep_within_one_memory_budget, .timeout = 120) {
  char path[] = "/tmp/kst_budget_XXXXXX";
  close(mkstemp(path));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 1200, path, NULL).code, KST_OK);
  kst_sequence seq;
  kst_problems pb;
  cr_assert_eq(kst_sequence_load(&seq, "sequences/velo_pv.json", &pb).code, KST_OK);
  kst_problems_free(&pb);
  kst_event_source src;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  kst_run_result r;
  /* -t 256 on two batches: two workers hold arenas, not 256. */
  kst_status s = kst_run(&seq, &src, &(kst_run_options){.threads = 256}, &r);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_eq(r.workers, 2);
  cr_assert_eq(r.events, 1200);
  kst_run_result_free(&r, &seq);
  /* More workers than the budget holds: refused before any work, saying how many fit. */
  s = kst_run(&seq, &src, &(kst_run_options){.threads = 2, .batch_size = 100, .memory_budget = (uint64_t)400 << 20}, &r);
  cr_assert_eq(s.code, KST_ERR_NOMEM);
  cr_assert(strstr(s.msg, "2 workers need 640 MiB of arenas (320 MiB each), more than the memory budget of 400 MiB") &&
            strstr(s.msg, "at most 1 fit"), "%s", s.msg);
  kst_run_result_free(&r, &seq);
  /* A batch that needs more than the first arenas grows them within the budget, or is split when growing would pass
     it; the results are the same. */
  kst_run_result grown, split;
  cr_assert_eq(kst_run(&seq, &src, &(kst_run_options){.batch_size = 1200}, &grown).code, KST_OK);
  s = kst_run(&seq, &src, &(kst_run_options){.batch_size = 1200, .memory_budget = (uint64_t)330 << 20}, &split);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert(grown.arena_growths >= 1 && grown.splits == 0, "%llu growths", (unsigned long long)grown.arena_growths);
  cr_assert(split.arena_growths == 0 && split.splits >= 1, "%llu growths %llu splits",
            (unsigned long long)split.arena_growths, (unsigned long long)split.splits);
  cr_assert_eq(kst_result_counter(&grown, &seq, "velo_summary", "velo_tracks")->values[0],
               kst_result_counter(&split, &seq, "velo_summary", "velo_tracks")->values[0]);
  kst_run_result_free(&grown, &seq);
  kst_run_result_free(&split, &seq);
  kst_events_free(&src);
  kst_sequence_free(&seq);
  unlink(path);
}

Test(run, a_batch_without_one_velo_hit_runs_the_whole_sequence_with_validation) {
  /* No cluster anywhere: every VELO buffer of the batch is empty, and each kernel must still treat it as memory. */
  char path[] = "/tmp/kst_run_XXXXXX";
  close(mkstemp(path));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  so.seed = 5, so.hit_efficiency = 0.0, so.noise_per_event = 0.0;
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 12, path, NULL).code, KST_OK);
  kst_problems pb;
  kst_sequence seq;
  cr_assert_eq(kst_sequence_load(&seq, "sequences/velo_pv.json", &pb).code, KST_OK);
  kst_problems_free(&pb);
  const kst_run_options variants[] = {{.batch_size = 12, .validate = 1, .debug_memory = 1},
                                      {.batch_size = 5, .validate = 1}};
  for (unsigned v = 0; v < 2; ++v) {
    kst_event_source src;
    const char *paths[] = {path};
    cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
    kst_run_result r;
    kst_status s = kst_run(&seq, &src, &variants[v], &r);
    cr_assert_eq(s.code, KST_OK, "variant %u: %s", v, s.msg);
    cr_assert_eq(r.events, 12);
    const kst_counter *hits = kst_result_counter(&r, &seq, "velo_summary", "velo_hits");
    const kst_counter *tracks = kst_result_counter(&r, &seq, "velo_summary", "velo_tracks");
    cr_assert(hits && tracks);
    cr_assert_eq(hits->values[0], 0);
    cr_assert_eq(tracks->values[0], 0);
    kst_run_result_free(&r, &seq);
    kst_events_free(&src);
  }
  kst_sequence_free(&seq);
  unlink(path);
}
