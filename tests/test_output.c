/* The output file: accepted events written whole with their decision banks, read back, and failures that leave the
   target as it was. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "device/event_model/selections.h"
#include "host/output/mdf_writer.h"
#include "host/output/selected_objects.h"
#include "host/runtime/output.h"
#include "input/mdf.h"
#include "kestrel_cli.h"
#include "sim_downstream.h"
#include "velo_run.h"

#define LINES 14u /* in sequences/hlt1.json */

/* The records of an MDF file, read whole. */
typedef struct records {
  kst_mdf_file f;
  kst_mdf_event ev[512];
  uint32_t n;
} records;

static void read_records(records *r, const char *path) {
  cr_assert_eq(kst_mdf_open(&r->f, path).code, KST_OK, "%s", path);
  int done = 0;
  for (r->n = 0; r->n < 512; ++r->n) {
    cr_assert_eq(kst_mdf_next(&r->f, &r->ev[r->n], &done).code, KST_OK, "%s record %u", path, r->n);
    if (done) break;
  }
}

/* The first bank of this type of an event (NULL when none), and how many it has. */
static const uint8_t *bank_of(const kst_mdf_event *ev, uint8_t type, kst_mdf_bank *out, int *count) {
  uint32_t pos = 0;
  kst_mdf_bank b;
  const uint8_t *first = NULL;
  *count = 0;
  while (kst_mdf_bank_next(ev, &pos, &b))
    if (b.type == type && (*count)++ == 0) *out = b, first = b.payload;
  return first;
}

static uint32_t word(const uint8_t *p, uint32_t k) {
  uint32_t v;
  memcpy(&v, p + 4 * k, 4);
  return v;
}

/* Whether two events hold the same banks, leaving out the decision banks. */
static int same_banks(const kst_mdf_event *a, const kst_mdf_event *b) {
  uint32_t pa = 0, pb = 0;
  kst_mdf_bank x, y;
  for (;;) {
    int ha, hb;
    do ha = kst_mdf_bank_next(a, &pa, &x); while (ha && (x.type == KST_BANK_DEC_REPORTS || x.type == KST_BANK_ROUTING_BITS));
    do hb = kst_mdf_bank_next(b, &pb, &y); while (hb && (y.type == KST_BANK_DEC_REPORTS || y.type == KST_BANK_ROUTING_BITS));
    if (!ha || !hb) return ha == hb;
    if (x.type != y.type || x.version != y.version || x.source_id != y.source_id || x.payload_size != y.payload_size ||
        memcmp(x.payload, y.payload, x.payload_size))
      return 0;
  }
}

/* Runs hlt1.json over in with o writing mode's output to out; returns the inclusive count. */
static uint64_t trigger(const kst_sequence *seq, const char *in, const char *out, kst_run_options o) {
  kst_output output;
  cr_assert_eq(kst_output_open(&output, out, KST_OUTPUT_FULL).code, KST_OK);
  o.output = &output, o.detector_dir = DETECTOR;
  kst_run_result r;
  velo_run(seq, in, o, &r);
  cr_assert_eq(kst_output_close(&output, 1).code, KST_OK);
  const uint64_t inclusive = kst_result_counter(&r, seq, "rates", "inclusive")->values[0];
  cr_assert_eq(output.events, inclusive, "every accepted event written: %llu of %llu", (unsigned long long)output.events,
               (unsigned long long)inclusive);
  kst_run_result_free(&r, seq);
  return inclusive;
}

Test(output, accepted_events_round_trip_with_their_decisions, .timeout = 300) {
  need_detector();
  char in[] = "/tmp/kst_out_in_XXXXXX", out[] = "/tmp/kst_out_XXXXXX", again[] = "/tmp/kst_out_again_XXXXXX";
  close(mkstemp(in)), close(mkstemp(out)), close(mkstemp(again));
  generate_downstream(in, 11, 90, "B0->K+pi-");
  kst_sequence seq;
  velo_load(&seq, "sequences/hlt1.json");
  const uint64_t accepted = trigger(&seq, in, out, (kst_run_options){.threads = 2, .batch_size = 9});
  cr_assert(accepted > 20 && accepted < 90, "%llu of 90 accepted", (unsigned long long)accepted);
  records *a = malloc(sizeof *a), *b = malloc(sizeof *b);
  read_records(a, in);
  read_records(b, out);
  cr_assert_eq(b->n, accepted);
  int last_in_batch[16];
  memset(last_in_batch, -1, sizeof last_in_batch);
  for (uint32_t k = 0; k < b->n; ++k) {
    const kst_mdf_event *o = &b->ev[k];
    int from = -1;
    for (uint32_t i = 0; i < a->n && from < 0; ++i)
      if (same_banks(&a->ev[i], o)) from = (int)i;
    cr_assert(from >= 0, "record %u is an input event with its banks intact", k);
    cr_assert(o->run == a->ev[from].run && o->orbit == a->ev[from].orbit && o->bunch == a->ev[from].bunch);
    /* a worker writes its batch's events in order */
    cr_assert_gt(from, last_in_batch[from / 9], "record %u (input %d) after input %d of its batch", k, from,
                 last_in_batch[from / 9]);
    last_in_batch[from / 9] = from;
    kst_mdf_bank dec, bits;
    int n_dec, n_bits;
    const uint8_t *d = bank_of(o, KST_BANK_DEC_REPORTS, &dec, &n_dec), *r = bank_of(o, KST_BANK_ROUTING_BITS, &bits, &n_bits);
    cr_assert(d && r && n_dec == 1 && n_bits == 1, "one DecReports and one routing-bits bank");
    cr_assert(dec.version == 3 && dec.source_id == 8192 && dec.payload_size == 4 * (3 + LINES));
    cr_assert(bits.version == 0 && bits.payload_size == 16);
    cr_assert(word(d, 0) == 0 && word(d, 1) == 0 && word(d, 2) == 1, "key, TCK, task id");
    int fired = 0;
    for (uint32_t l = 0; l < LINES; ++l) {
      const uint32_t w = word(d, 3 + l);
      cr_assert_eq(w >> 16, l + 1, "decision id");
      cr_assert_eq((w >> 8) & 0xFF, 1, "execution stage");
      if (w & 1u) {
        ++fired;
        cr_assert(word(r, (32 + l) / 32) & (1u << ((32 + l) % 32)), "routing bit of line %u", l + 1);
      }
    }
    cr_assert(fired && (word(r, 0) & 2u), "an accepted event has a line fired and routing bit 1");
    const uint8_t *header = b->f.data + o->offset;
    for (uint32_t w = 0; w < 4; ++w) cr_assert_eq(word(header + 20, w), word(r, w), "trigger mask word %u", w);
  }
  /* Kestrel reads its output back: every event passes again, and the output of that is the same file. */
  cr_assert_eq(trigger(&seq, out, again, (kst_run_options){0}), accepted);
  records *c = malloc(sizeof *c);
  read_records(c, again);
  cr_assert(c->n == b->n && c->f.size == b->f.size && !memcmp(c->f.data, b->f.data, b->f.size),
            "re-triggering the output writes it again byte for byte");
  kst_mdf_close(&a->f), kst_mdf_close(&b->f), kst_mdf_close(&c->f);
  free(a), free(b), free(c);
  kst_sequence_free(&seq);
  unlink(in), unlink(out), unlink(again);
}

/* Names in dir starting with prefix. */
static int count_prefixed(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d);
  int n = 0;
  for (struct dirent *e; (e = readdir(d));) n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
  closedir(d);
  return n;
}

Test(output, a_failed_run_leaves_the_target_as_it_was) {
  char dir[] = "/tmp/kst_out_dir_XXXXXX", path[128];
  cr_assert_not_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/selected.mdf", dir);
  FILE *f = fopen(path, "w");
  fputs("keep", f);
  fclose(f);
  kst_output o;
  cr_assert_eq(kst_output_open(&o, path, KST_OUTPUT_FULL).code, KST_OK);
  uint8_t *rec;
  size_t size;
  cr_assert_eq(kst_mdf_encode_event(&rec, &size, 1, 2, 3, NULL, 0).code, KST_OK);
  const kst_output_batch batch = {rec, size, 1, size, 0, 0};
  cr_assert_eq(kst_output_write(&o, &batch).code, KST_OK);
  free(rec);
  cr_assert_eq(count_prefixed(dir, "selected.mdf.partial-"), 1, "written beside the target");
  kst_output_close(&o, 0);
  char text[16] = "";
  f = fopen(path, "r");
  cr_assert_not_null(fgets(text, sizeof text, f));
  fclose(f);
  cr_assert_str_eq(text, "keep");
  cr_assert_eq(count_prefixed(dir, "selected.mdf.partial-"), 0, "the partial file is removed");
  unlink(path);
  rmdir(dir);
}


Test(output, a_full_disk_and_a_sequence_without_a_writer_are_errors_naming_them, .timeout = 120) {
  need_detector();
  char in[] = "/tmp/kst_out_full_XXXXXX", args[512];
  static char text[1 << 16];
  close(mkstemp(in));
  generate_downstream(in, 12, 40, "B0->K+pi-");
  snprintf(args, sizeof args, "run -s sequences/hlt1.json -i %s --detector %s --no-progress --output /dev/full", in, DETECTOR);
  cr_assert_eq(kestrel(text, sizeof text, args), 1, "%s", text);
  cr_assert(strstr(text, "/dev/full") && strstr(text, "No space left"), "%s", text);
  snprintf(args, sizeof args, "run -s sequences/velo_pv.json -i %s --no-progress --output /tmp/kst_never.mdf", in);
  cr_assert_eq(kestrel(text, sizeof text, args), 1, "%s", text);
  cr_assert(strstr(text, "mdf_writer") && strstr(text, "velo_pv.json"), "%s", text);
  cr_assert_neq(access("/tmp/kst_never.mdf", F_OK), 0, "nothing written");
  snprintf(args, sizeof args, "run -s sequences/hlt1.json -i %s --output-mode thin --output /tmp/kst_never.mdf", in);
  cr_assert_eq(kestrel(text, sizeof text, args), 2, "%s", text);
  cr_assert(strstr(text, "--output-mode thin"), "%s", text);
  unlink(in);
}

/* The JSON report file dir/name parsed (the caller deletes it). */
static cJSON *read_json(const char *dir, const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  kst_mdf_file f;
  cr_assert_eq(kst_mdf_open(&f, path).code, KST_OK, "%s", path); /* reads any file whole */
  char *text = malloc(f.size + 1);
  memcpy(text, f.data, f.size);
  text[f.size] = 0;
  kst_mdf_close(&f);
  cJSON *j = cJSON_Parse(text);
  free(text);
  cr_assert_not_null(j, "%s parses", path);
  return j;
}

static double number(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItem(o, key);
  return v ? v->valuedouble : -1.0;
}

Test(output, the_reduced_file_keeps_the_objects_that_fired_and_its_checker_finds_the_same_tos, .timeout = 300) {
  need_detector();
  char in[] = "/tmp/kst_red_in_XXXXXX", out[] = "/tmp/kst_red_XXXXXX", dir[] = "/tmp/kst_red_dir_XXXXXX", report[128];
  close(mkstemp(in)), close(mkstemp(out));
  cr_assert_not_null(mkdtemp(dir));
  generate_downstream(in, 13, 80, "B0->K+pi-");
  kst_sequence seq;
  velo_load(&seq, "sequences/hlt1.json");
  kst_output output;
  cr_assert_eq(kst_output_open(&output, out, KST_OUTPUT_REDUCED).code, KST_OK);
  kst_run_result r;
  velo_run(&seq, in, (kst_run_options){.detector_dir = DETECTOR, .output = &output, .validate = 1, .batch_size = 11}, &r);
  cr_assert_eq(kst_output_close(&output, 1).code, KST_OK);
  cr_assert(output.events > 20, "%llu events written", (unsigned long long)output.events);
  cr_assert_lt((output.bytes_out - output.bytes_mc) * 20, output.bytes_in - output.bytes_mc,
               "without MC truth, the reduced events are far smaller than the input");
  snprintf(report, sizeof report, "%s/run.json", dir);
  kst_report_options ro = {.json_path = report};
  cr_assert_eq(kst_run_report(&r, &seq, &ro).code, KST_OK);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  /* only ODIN, MC truth, the decision banks and the objects */
  records *rec = malloc(sizeof *rec);
  read_records(rec, out);
  cr_assert_eq(rec->n, output.events);
  for (uint32_t k = 0; k < rec->n; ++k) {
    uint32_t pos = 0;
    kst_mdf_bank b;
    while (kst_mdf_bank_next(&rec->ev[k], &pos, &b))
      cr_assert(b.type == 16 || b.type == 32 || b.type == 33 || b.type == KST_BANK_DEC_REPORTS ||
                b.type == KST_BANK_ROUTING_BITS || b.type == KST_BANK_SELECTED_OBJECTS, "record %u: bank type %u", k, b.type);
  }
  kst_mdf_close(&rec->f);
  free(rec);
  /* read back: the same fired and TOS counts per line as the run's own efficiency checker */
  velo_load(&seq, "sequences/reduced_check.json");
  velo_run(&seq, out, (kst_run_options){.validate = 1}, &r);
  cr_assert_eq(r.rejected.count, 0, "every reduced event reads back");
  snprintf(report, sizeof report, "%s/back.json", dir);
  ro.json_path = report;
  cr_assert_eq(kst_run_report(&r, &seq, &ro).code, KST_OK);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  cJSON *eff = read_json(dir, "run.json.efficiency.json"), *back = read_json(dir, "back.json.selected.json");
  const cJSON *lines = cJSON_GetObjectItem(eff, "lines"), *line;
  int id = 0, compared = 0;
  cJSON_ArrayForEach(line, lines) {
    ++id;
    const char *name = cJSON_GetObjectItem(line, "name")->valuestring;
    if (!strcmp(name, "inclusive")) {
      cr_assert_eq(number(line, "fired"), number(back, "events"));
      cr_assert_eq(number(line, "tos"), number(back, "inclusive_tos"));
      cr_assert_eq(number(line, "tos_reconstructible"), number(back, "inclusive_tos_reconstructible"));
      continue;
    }
    const cJSON *b = NULL, *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItem(back, "lines")) if (number(x, "decision_id") == id) b = x;
    if (number(line, "fired") == 0) {
      cr_assert_null(b, "%s never fired", name);
      continue;
    }
    cr_assert_not_null(b, "%s (decision id %d) in the file read back", name, id);
    cr_assert_eq(number(line, "fired"), number(b, "fired"), "%s fired", name);
    if (number(line, "tos") >= 0) {
      cr_assert_eq(number(line, "tos"), number(b, "tos"), "%s TOS", name);
      cr_assert_eq(number(line, "tos_reconstructible"), number(b, "tos_reconstructible"), "%s TOS (long)", name);
      compared += number(b, "tos") > 0;
    }
  }
  cr_assert_geq(compared, 2, "TrackMVA and the two-track line are TOS on B0 -> K+ pi-");
  cJSON_Delete(eff), cJSON_Delete(back);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
  unlink(in), unlink(out);
}

Test(output, a_corrupt_objects_bank_is_rejected_naming_it) {
  uint32_t odin[10] = {7, 0, 1, 0, 42, 0, 0, 0, 3u << 22, 0};
  const uint32_t dec[4] = {0, 0, 1, 1u | 1u << 16 | 1u << 8}; /* line 1 fired */
  const uint32_t bits[4] = {2, 2, 0, 0};
  const uint32_t good[5] = {0, 0, 1, 1u | KST_LINE_SHAPE_EVENT << 16, 0}, missing[3] = {0, 0, 0};
  const uint32_t past[4] = {0, 0, 1, 1u | KST_LINE_SHAPE_ONE_TRACK << 16 | 1u << 24}; /* a candidate, no word for it */
  const uint32_t *objects[3] = {good, missing, past};
  const uint32_t sizes[3] = {sizeof good - 4, sizeof missing, sizeof past};
  char path[] = "/tmp/kst_red_bad_XXXXXX";
  close(mkstemp(path));
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  for (int k = 0; k < 3; ++k) {
    const kst_mdf_bank_out banks[4] = {{16, 6, 0, odin, sizeof odin}, {KST_BANK_DEC_REPORTS, 3, 8192, dec, sizeof dec},
                                       {KST_BANK_ROUTING_BITS, 0, 0, bits, sizeof bits},
                                       {KST_BANK_SELECTED_OBJECTS, KST_SELECTED_OBJECTS_VERSION, 0, objects[k], sizes[k]}};
    cr_assert_eq(kst_mdf_write_event(w, 7, 0, (uint32_t)k, banks, 4).code, KST_OK);
  }
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
  kst_sequence seq;
  velo_load(&seq, "sequences/reduced_check.json");
  kst_run_result r;
  velo_run(&seq, path, (kst_run_options){.validate = 1, .debug_memory = 1}, &r);
  cr_assert_eq(r.rejected.count, 2, "the event whose objects miss its fired line, and the one past its end");
  cr_assert(r.rejected.n_lines == 2 && strstr(r.rejected.lines[0], "record 1") &&
                strstr(r.rejected.lines[0], "has no selected objects") && strstr(r.rejected.lines[1], "record 2") &&
                strstr(r.rejected.lines[1], "run past"),
            "%s | %s", r.rejected.n_lines ? r.rejected.lines[0] : "", r.rejected.n_lines > 1 ? r.rejected.lines[1] : "");
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  unlink(path);
}
