/* The worked example of docs/sequences.md: its code blocks are the files of tests/example/, and it runs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "configuration/file.h"
#include "input/simulation/generate.h"
#include "tests/example/low_hits.h"
#include "device/event_model/velo_hits.h"
#include "velo_run.h"

extern const kst_alg_desc kst_alg_low_hits;

/* A host algorithm that reads the example's output after the batch's synchronisation, and counts every decoded hit
   from the module offsets for comparison. */
#define LOW_HITS_SUM_PARAMS(P)                 \
  P(dev_low_hits, DEVICE_TO_HOST, uint32_t)    \
  P(dev_module_offsets, DEVICE_TO_HOST, uint32_t)
KST_ALGORITHM_ARGS(low_hits_sum, LOW_HITS_SUM_PARAMS, KST_NO_PROPS)
static kst_status sum_after(kst_ctx *ctx, const low_hits_sum_args *a) {
  uint64_t n[2] = {0, 0};
  for (uint64_t e = 0; e < a->dev_low_hits.count; ++e) {
    const uint32_t *off = &a->dev_module_offsets.data[e * KST_VELO_OFFSETS_PER_EVENT];
    n[0] += a->dev_low_hits.data[e];
    n[1] += off[KST_VELO_OFFSETS_PER_EVENT - 1] - off[0];
  }
  KST_TRY(kst_ctx_count_add(ctx, "low_hits", &n[0], 1));
  return kst_ctx_count_add(ctx, "hits", &n[1], 1);
}
static const low_hits_sum_hooks sum_hooks = {.after_sync = sum_after};
KST_ALGORITHM(low_hits_sum, LOW_HITS_SUM_PARAMS, KST_NO_PROPS, sum_hooks, .description = "sums low_hits");

Test(example, the_docs_show_the_example_files_as_they_are) {
  uint8_t *doc;
  size_t size;
  cr_assert_eq(kst_read_file("docs/sequences.md", &doc, &size).code, KST_OK);
  const char *files[] = {"tests/example/low_hits.h", "tests/example/low_hits.c", "tests/example/low_hits.cu"};
  for (int f = 0; f < 3; ++f) {
    /* The first code block after the file's name. */
    char name[128];
    snprintf(name, sizeof name, "`%s`", files[f]);
    const char *at = strstr((const char *)doc, name);
    cr_assert_not_null(at, "docs/sequences.md does not name %s", files[f]);
    at = strstr(at, "```c\n");
    cr_assert_not_null(at, "docs/sequences.md has no block for %s", files[f]);
    at += strlen("```c\n");
    const char *end = strstr(at, "```\n");
    cr_assert_not_null(end);
    uint8_t *text;
    size_t n;
    cr_assert_eq(kst_read_file(files[f], &text, &n).code, KST_OK);
    cr_assert(n == (size_t)(end - at) && memcmp(text, at, n) == 0, "docs/sequences.md's %s differs from the file",
              files[f]);
    free(text);
  }
  free(doc);
}

Test(example, it_runs_behind_a_filter_and_counts_what_it_says) {
  cr_assert_eq(kst_algorithm_register(&kst_alg_low_hits).code, KST_OK);
  cr_assert_eq(kst_algorithm_register(&kst_alg_low_hits_sum).code, KST_OK);
  cr_assert_eq(kst_algorithm_register(&kst_alg_low_hits).code, KST_OK, "the same type twice is fine");
  /* Another type under a taken name is refused. */
  kst_alg_desc impostor = kst_alg_low_hits;
  kst_status taken = kst_algorithm_register(&impostor);
  cr_assert(taken.code == KST_ERR_CONFIG && strstr(taken.msg, "low_hits is already registered"), "%s", taken.msg);
  char path[] = "/tmp/kst_example_XXXXXX";
  close(mkstemp(path));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  so.seed = 8;
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 40, path, NULL).code, KST_OK);
  const char *head = "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"velo_banks\"},"
                     "{\"type\": \"bank_item_offsets\", \"name\": \"clusters\"}, {\"type\": \"event_list_init\", \"name\": \"ev\"},";
  const char *tail = "{\"type\": \"velo_count_hits\", \"name\": \"count\"}, {\"type\": \"velo_decode\", \"name\": \"hits\"},"
                     "{\"type\": \"low_hits\", \"name\": \"low\", \"properties\": {\"max_y\": %s}},"
                     "{\"type\": \"low_hits_sum\", \"name\": \"sum\"}]}";
  uint64_t counted[3], hits[3];
  const char *cuts[3] = {"100", "5", "100"};
  for (int v = 0; v < 3; ++v) {
    char json[2048], t[1024];
    snprintf(t, sizeof t, tail, cuts[v]);
    /* The third run drops every event: the filter's list gates the example too. */
    snprintf(json, sizeof json, "%s%s%s", head,
             v == 2 ? "{\"type\": \"global_event_cut\", \"name\": \"gec\", \"properties\": {\"max_clusters\": 0}}," : "", t);
    kst_sequence seq;
    kst_run_result r;
    velo_load(&seq, json);
    velo_run(&seq, path, (kst_run_options){.batch_size = 16}, &r);
    counted[v] = kst_result_counter(&r, &seq, "sum", "low_hits")->values[0];
    hits[v] = kst_result_counter(&r, &seq, "sum", "hits")->values[0];
    kst_run_result_free(&r, &seq);
    kst_sequence_free(&seq);
  }
  cr_assert_eq(counted[0], hits[0], "every hit of the VELO has |y| below 100 mm");
  cr_assert(counted[1] > 0 && counted[1] < counted[0] / 2, "%llu of %llu hits within 5 mm of y = 0",
            (unsigned long long)counted[1], (unsigned long long)counted[0]);
  cr_assert(counted[2] == 0 && hits[2] == 0, "no listed event, no hits");
  unlink(path);
}
