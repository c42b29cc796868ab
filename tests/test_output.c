/* The output file: accepted events written whole with their decision banks, read back, and failures that leave the
   target as it was. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/output/mdf_writer.h"
#include "host/runtime/output.h"
#include "input/mdf.h"
#include "kestrel_cli.h"
#include "sim_downstream.h"
#include "velo_run.h"

#define LINES 13u /* in sequences/hlt1.json */

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
  cr_assert_eq(kst_output_write(&o, rec, size, 1, size, 0).code, KST_OK);
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
