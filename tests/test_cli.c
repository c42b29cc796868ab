/* The kestrel command line: exit codes, messages, and the files bench and sequence graph write. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "input/mdf.h"
#include "kestrel_cli.h"


static char out[1 << 18]; /* kestrel algorithms prints all descriptors: more than 64 KiB */

/* Makes a unique file from the template path (ending in XXXXXX) and fills it with n simulated events. */
static void generate_sample(char *path, int n, int seed) {
  close(mkstemp(path));
  char args[256];
  snprintf(args, sizeof args, "generate -n %d -o %s --seed %d", n, path, seed);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
}

/* Parses the JSON file at path (failing the test when it cannot be read or parsed). */
static cJSON *read_json(const char *path) {
  FILE *f = fopen(path, "r");
  cr_assert_not_null(f, "%s", path);
  static char text[1 << 16];
  text[fread(text, 1, sizeof text - 1, f)] = '\0';
  fclose(f);
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root, "%s", path);
  return root;
}

Test(cli, help_version_and_unknown_command) {
  cr_assert_eq(kestrel(out, sizeof out, "--help"), 0);
  cr_assert(strstr(out, "bench") && strstr(out, "generate"), "%s", out);
  cr_assert_eq(kestrel(out, sizeof out, "--version"), 0);
  cr_assert(strstr(out, "cpu backend"), "%s", out);
  cr_assert_eq(kestrel(out, sizeof out, "frobnicate"), 2);
  cr_assert(strstr(out, "unknown command 'frobnicate'"), "%s", out);
  cr_assert_eq(kestrel(out, sizeof out, "run --threads zero -s x -i y"), 2);
  cr_assert(strstr(out, "--threads needs a whole number"), "%s", out);
}

Test(cli, sequence_check_names_problems_and_graph_is_dot) {
  cr_assert_eq(kestrel(out, sizeof out, "sequence check sequences/velo_pv.json"), 0, "%s", out);
  char path[] = "/tmp/kst_seq_XXXXXX";
  int fd = mkstemp(path);
  const char *bad = "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"p\", \"properties\": {\"bank_tipe\": 73}}]}";
  cr_assert_eq(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
  close(fd);
  char args[256];
  snprintf(args, sizeof args, "sequence check %s", path);
  cr_assert_eq(kestrel(out, sizeof out, args), 1);
  cr_assert(strstr(out, "$.sequence[0].properties.bank_tipe") && strstr(out, "did you mean 'bank_type'"), "%s", out);
  unlink(path);
  cr_assert_eq(kestrel(out, sizeof out, "sequence graph sequences/velo.json"), 0);
  cr_assert(strstr(out, "digraph sequence {") && strstr(out, "i5 -> i6"), "%s", out);
  cr_assert_eq(kestrel(out, sizeof out, "algorithms"), 0);
  cr_assert(strstr(out, "velo_search_by_triplet") && strstr(out, "max_scatter_seeding"), "generated from descriptors");
}

Test(cli, generate_rejects_bad_arguments) {
  cr_assert_eq(kestrel(out, sizeof out, "generate -n 0 -o /tmp/kst_never.mdf"), 2);
  cr_assert_eq(kestrel(out, sizeof out, "generate -n 5 -o /tmp/kst_never.mdf --signal 'Z0->nothing'"), 2);
  cr_assert(strstr(out, "signal"), "%s", out);
  cr_assert_eq(kestrel(out, sizeof out, "generate -n 5 -o /tmp/kst_never.mdf --polarity sideways"), 2);
  cr_assert(strstr(out, "--polarity is down or up"), "%s", out);
  cr_assert_eq(kestrel(out, sizeof out, "generate -n 5 -o /tmp/kst_never.mdf --detector /nonexistent/folder"), 1);
  cr_assert(strstr(out, "/nonexistent/folder/ut_boards.bin"), "the missing file is named: %s", out);
  cr_assert_neq(access("/tmp/kst_never.mdf", F_OK), 0, "nothing written");
}

Test(cli, bench_writes_every_figure_as_json, .timeout = 120) {
  char mdf[] = "/tmp/kst_bench_XXXXXX", json[64], args[512];
  generate_sample(mdf, 20, 5);
  snprintf(json, sizeof json, "%s.json", mdf);
  snprintf(args, sizeof args, "bench -s sequences/velo_pv.json -i %s -n 20 --no-transfer --compare-transfer", mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 2, "%s", out);
  cr_assert(strstr(out, "drop --no-transfer"), "%s", out);
  snprintf(args, sizeof args,
           "bench -s sequences/velo_pv.json -i %s -n 60 --repeats 2 --warmup 0 --scan threads=1,2 batch=20 --compare-transfer"
           " --json %s", mdf, json);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cJSON *root = read_json(json);
  const cJSON *points = cJSON_GetObjectItem(root, "points");
  cr_assert_eq(cJSON_GetArraySize(points), 2, "one point per thread count");
  const cJSON *p = cJSON_GetArrayItem(points, 0);
  cr_assert_gt(cJSON_GetObjectItem(p, "events_per_s_median")->valuedouble, 0.0);
  cr_assert_eq(cJSON_GetObjectItem(p, "syncs_per_batch")->valuedouble, 1.0, "one synchronisation per batch");
  cr_assert_gt(cJSON_GetObjectItem(p, "h2d_bytes_per_event")->valuedouble, 1000.0);
  /* The summaries take back per-event counts (a few hundred bytes), not arrays sized by track capacity (8 KB). */
  const double d2h = cJSON_GetObjectItem(p, "d2h_bytes_per_event")->valuedouble;
  cr_assert(d2h > 16.0 && d2h < 1000.0, "device-to-host %.0f bytes per event", d2h);
  cr_assert_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "algorithm_ms"), "velo_search"));
  const double e2e = cJSON_GetObjectItem(p, "events_per_s_median")->valuedouble;
  const double compute = cJSON_GetObjectItem(p, "compute_only_events_per_s_median")->valuedouble;
  cr_assert_gt(compute, 0.0, "--compare-transfer measured compute only too");
  cr_assert_float_eq(cJSON_GetObjectItem(p, "end_to_end_over_compute_only")->valuedouble, e2e / compute, 1e-9);
  cr_assert_eq(cJSON_GetObjectItem(p, "splits")->valuedouble, 0.0);
  cJSON_Delete(root);
  unlink(mdf);
  unlink(json);
}

Test(cli, run_writes_reports_dumps_and_plots, .timeout = 120) {
  char mdf[] = "/tmp/kst_rep_XXXXXX", args[1024], path[256];
  generate_sample(mdf, 30, 9);
  snprintf(args, sizeof args, "run -s sequences/velo_pv.json -i %s --validate --report %s.json --dump %s.dump --no-progress",
           mdf, mdf, mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cr_assert(strstr(out, "01_velo") && strstr(out, "PV checker:"), "both checkers print their tables");
  snprintf(path, sizeof path, "%s.json", mdf);
  cr_assert_eq(access(path, R_OK), 0, "track report");
  snprintf(path, sizeof path, "%s.json.pv.json", mdf);
  cr_assert_eq(access(path, R_OK), 0, "PV report");
  snprintf(path, sizeof path, "%s.dump/velo_tracks_29.txt", mdf);
  cr_assert_eq(access(path, R_OK), 0, "one dump file per event");
  cr_assert_eq(kestrel(out, sizeof out, "sequence show sequences/velo_pv.json 2>/dev/null"), 0);
  cr_assert(strstr(out, "lives [") && strstr(out, "<- velo_hits.dev_velo_hits"), "bindings and lifetimes shown");
  if (system("/usr/bin/python3 -c 'import matplotlib' 2>/dev/null") == 0) {
    snprintf(args, sizeof args, "run -s sequences/velo.json -i %s --validate --report %s.json --plots %s.plots --no-progress",
             mdf, mdf, mdf);
    cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
    snprintf(path, sizeof path, "%s.plots/efficiency_vs_eta.png", mdf);
    cr_assert_eq(access(path, R_OK), 0, "plots drawn");
  }
  snprintf(args, sizeof args, "rm -rf %s %s.json %s.json.pv.json %s.dump %s.plots", mdf, mdf, mdf, mdf, mdf);
  cr_assert_eq(system(args), 0);
}

Test(cli, graphs_option_takes_on_or_off_and_the_cpu_summary_says_off, .timeout = 120) {
  char mdf[] = "/tmp/kst_graphs_XXXXXX", json[64], args[512];
  generate_sample(mdf, 12, 4);
  snprintf(json, sizeof json, "%s.json", mdf);
  const char *typos[] = {"yes", "ON", "1"};
  for (int t = 0; t < 3; ++t) {
    snprintf(args, sizeof args, "run -s sequences/velo.json -i %s --graphs %s", mdf, typos[t]);
    cr_assert_eq(kestrel(out, sizeof out, args), 2, "%s", out);
    char want[64];
    snprintf(want, sizeof want, "--graphs takes on or off (got '%s')", typos[t]);
    cr_assert(strstr(out, want), "%s", out);
  }
  snprintf(args, sizeof args, "bench -s sequences/velo.json -i %s --graphs", mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 2, "%s", out);
  cr_assert(strstr(out, "--graphs takes on or off (got nothing)"), "%s", out);
  const char *values[] = {"on", "off"};
  for (int v = 0; v < 2; ++v) {
    snprintf(args, sizeof args, "run -s sequences/velo.json -i %s -b 5 -t 2 --no-progress --graphs %s", mdf, values[v]);
    cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
    cr_assert(strstr(out, "\ngraphs:       off (cpu backend)\n"), "--graphs %s: %s", values[v], out);
    cr_assert_null(strstr(out, "warning: graph capture failed"), "%s", out);
  }
  snprintf(args, sizeof args, "bench -s sequences/velo.json -i %s -n 20 -b 10 --repeats 1 --warmup 0 --graphs on --json %s",
           mdf, json);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cr_assert(strstr(out, "graphs off (cpu backend)") && strstr(out, "  graphs: off (cpu backend)\n"), "%s", out);
  cJSON *root = read_json(json);
  cr_assert_str_eq(cJSON_GetObjectItem(root, "graphs")->valuestring, "off", "nothing is replayed on the CPU");
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(root, "graphs_requested")));
  const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "points"), 0);
  cr_assert_eq(cJSON_GetObjectItem(p, "graph_updated")->valuedouble, 0.0);
  cr_assert_eq(cJSON_GetObjectItem(p, "graph_instantiated")->valuedouble, 0.0);
  cr_assert_eq(cJSON_GetObjectItem(p, "graph_warmup")->valuedouble, 0.0);
  cr_assert_eq(cJSON_GetObjectItem(p, "graph_direct")->valuedouble, 0.0);
  cJSON_Delete(root);
  unlink(mdf);
  unlink(json);
}

Test(cli, a_file_without_a_valid_event_is_an_error_naming_it) {
  char empty[] = "/tmp/kst_cli_empty_XXXXXX";
  close(mkstemp(empty));
  char args[256];
  snprintf(args, sizeof args, "run -s sequences/velo_pv.json -i %s --no-progress", empty);
  cr_assert_eq(kestrel(out, sizeof out, args), 1);
  cr_assert(strstr(out, "kestrel run: no valid event in ") && strstr(out, empty), "%s", out);
  snprintf(args, sizeof args, "bench -s sequences/velo_pv.json -i %s -n 10", empty);
  cr_assert_eq(kestrel(out, sizeof out, args), 1);
  cr_assert(strstr(out, "kestrel bench: no valid event in ") && strstr(out, empty), "%s", out);
  /* A truncated record is reported with its byte offset before the verdict. */
  FILE *f = fopen(empty, "wb");
  const unsigned header[3] = {4000, 4000, 4000};
  fwrite(header, sizeof header, 1, f);
  fclose(f);
  snprintf(args, sizeof args, "bench -s sequences/velo_pv.json -i %s -n 10", empty);
  cr_assert_eq(kestrel(out, sizeof out, args), 1);
  cr_assert(strstr(out, "input error: ") && strstr(out, "record 0 at byte 0") && strstr(out, "(1 input error)"), "%s", out);
  unlink(empty);
}

Test(cli, a_bank_type_the_input_lacks_is_a_warning, .timeout = 60) {
  char mdf[] = "/tmp/kst_cli_nobanks_XXXXXX", seqf[] = "/tmp/kst_cli_seq_XXXXXX";
  generate_sample(mdf, 5, 3);
  close(mkstemp(seqf));
  FILE *f = fopen(seqf, "w");
  fputs("{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"b\", \"properties\": {\"bank_type\": 99}},"
        "{\"type\": \"event_list_init\", \"name\": \"ev\"},"
        "{\"type\": \"bank_stats\", \"name\": \"st\", \"properties\": {\"bank_type\": 99}},"
        "{\"type\": \"bank_stats_summary\", \"name\": \"sum\"}]}", f);
  fclose(f);
  char args[256];
  snprintf(args, sizeof args, "run -s %s -i %s --no-progress", seqf, mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0);
  cr_assert(strstr(out, "warning: the input holds no banks of type 99, which the sequence reads"), "%s", out);
  snprintf(args, sizeof args, "run -s sequences/bank_stats.json -i %s --no-progress", mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0);
  cr_assert(!strstr(out, "holds no banks"), "%s", out);
  unlink(mdf);
  unlink(seqf);
}

Test(cli, convert_warns_when_hits_land_on_no_sensor, .timeout = 60) {
  if (access("../shared/data/velopix/minbias", R_OK)) cr_skip("../shared/data not present: not checked");
  char mdf[] = "/tmp/kst_cli_convert_XXXXXX";
  close(mkstemp(mdf));
  char args[512];
  /* The velopix events were simulated with LHCb's geometry: the ideal one puts some hits on no sensor. */
  snprintf(args, sizeof args, "convert velopix ../shared/data/velopix/minbias -n 50 -o %s -g configuration/velo_ideal_geometry.json", mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cr_assert(strstr(out, "warning: ") && strstr(out, "land on no sensor of the geometry configuration/velo_ideal_geometry.json"),
            "%s", out);
  snprintf(args, sizeof args, "convert velopix ../shared/data/velopix/minbias -n 50 -o %s -g ../shared/data/lhcb/velo_geometry.bin", mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cr_assert(!strstr(out, "land on no sensor"), "%s", out);
  unlink(mdf);
}

Test(cli, bad_records_and_banks_are_named_and_the_accounting_balances, .timeout = 120) {
  /* 5 simulated events; record 2 gets a VELO bank for sensor 250, and a truncated copy of record 0 follows. */
  char mdf[] = "/tmp/kst_acct_XXXXXX", args[1024], path[300];
  generate_sample(mdf, 5, 4);
  kst_mdf_file f;
  cr_assert_eq(kst_mdf_open(&f, mdf).code, KST_OK);
  uint8_t *bytes = malloc(f.size + 100);
  memcpy(bytes, f.data, f.size);
  kst_mdf_event ev;
  int done = 0;
  for (int e = 0; e <= 2; ++e) cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
  uint32_t pos = 0;
  kst_mdf_bank bank;
  while (kst_mdf_bank_next(&ev, &pos, &bank) && bank.type != 73) {}
  cr_assert_eq(bank.type, 73);
  const uint32_t bank_at = bank.offset;
  bytes[bank_at + 6] = 250, bytes[bank_at + 7] = 0;
  memcpy(bytes + f.size, f.data, 100);
  FILE *out_file = fopen(mdf, "wb");
  cr_assert_eq(fwrite(bytes, 1, f.size + 100, out_file), f.size + 100);
  fclose(out_file);
  kst_mdf_close(&f);
  free(bytes);

  snprintf(args, sizeof args, "run -s sequences/velo_pv.json -i %s --validate --report %s.json --no-progress", mdf, mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 3, "bad input is exit status 3: %s", out);
  snprintf(path, sizeof path, "rejected %s record 2 (byte %llu): velo_summary: bank type 73 source 250: sensor 250 out of range",
           mdf, (unsigned long long)ev.offset);
  cr_assert(strstr(out, path), "the rejected event named in full (%s): %s", path, out);
  cr_assert(strstr(out, "record 5 at byte"), "the malformed record named: %s", out);
  cr_assert(strstr(out, "accounting:   6 records read = 4 accepted + 2 rejected (1 malformed_record by input, "
                        "1 velo_bank_sensor by velo_summary)"), "%s", out);
  snprintf(path, sizeof path, "%s.json", mdf);
  cJSON *root = read_json(path);
  const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
  cr_assert_not_null(input, "the report carries the accounting");
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(input, "records_read")->valuedouble, 6);
  cr_assert_eq(cJSON_GetObjectItemCaseSensitive(input, "accepted")->valuedouble, 4);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(input, "reasons")), 2);
  const cJSON *rejected = cJSON_GetObjectItemCaseSensitive(input, "rejected_events");
  cr_assert_eq(cJSON_GetArraySize(rejected), 1);
  cr_assert(strstr(cJSON_GetArrayItem(rejected, 0)->valuestring, "source 250"));
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(input, "malformed_records")), 1);
  cJSON_Delete(root);
  snprintf(args, sizeof args, "rm -f %s %s.json %s.json.pv.json", mdf, mdf, mdf);
  cr_assert_eq(system(args), 0);
}

Test(cli, the_trigger_runs_on_a_generated_signal_file_with_its_detector_folder_and_writes_its_reports, .timeout = 180) {
  if (access("../shared/data/lhcb/detector/ut_boards.bin", R_OK) != 0)
    cr_skip_test("../shared/data not present: the detector files are needed");
  char mdf[] = "/tmp/kst_trig_XXXXXX", args[1024], path[256];
  close(mkstemp(mdf));
  snprintf(args, sizeof args, "generate -n 30 -o %s --seed 4 --signal 'B0->K+pi-' --detector ../shared/data/lhcb/detector", mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cr_assert(strstr(out, "UT hits") && strstr(out, "SciFi clusters"), "%s", out);
  /* the file's folder holds no detector files: --detector names them */
  snprintf(args, sizeof args, "run -s sequences/hlt1.json -i %s --no-progress --validate --report %s.json", mdf, mdf);
  cr_assert_neq(kestrel(out, sizeof out, args), 0, "without --detector the UT and SciFi files are missing");
  cr_assert(strstr(out, "condition scifi_geometry: no file given"), "%s", out);
  snprintf(args, sizeof args,
           "run -s sequences/hlt1.json -i %s --detector ../shared/data/lhcb/detector --no-progress --validate --report %s.json",
           mdf, mdf);
  cr_assert_eq(kestrel(out, sizeof out, args), 0, "%s", out);
  cr_assert(strstr(out, "(detector folder)") && strstr(out, "Hlt1TrackMVA"), "%s", out);
  snprintf(path, sizeof path, "%s.json.rates.json", mdf);
  cJSON *rates = read_json(path);
  cJSON *line = cJSON_GetArrayItem(cJSON_GetObjectItem(rates, "lines"), 0);
  cr_assert(line && cJSON_GetObjectItem(line, "decision_id")->valuedouble == 1.0, "the name <-> id table");
  cJSON_Delete(rates);
  snprintf(path, sizeof path, "%s.json.efficiency.json", mdf);
  cJSON *eff = read_json(path);
  cr_assert_eq(cJSON_GetObjectItem(eff, "signal_events")->valuedouble, 30.0);
  cJSON_Delete(eff);
  snprintf(path, sizeof path, "%s.json.vertex.json", mdf);
  cJSON_Delete(read_json(path));
  snprintf(args, sizeof args, "rm -f %s %s.json %s.json.*", mdf, mdf, mdf);
  cr_assert_eq(system(args), 0);
}
