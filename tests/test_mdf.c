/* Tests for the MDF reader, bank iterator and writer, including every malformed-record case. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/mdf.h"

#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"

static const uint8_t payload_a[5] = {1, 2, 3, 4, 5};
static const uint8_t payload_b[7] = {9, 8, 7, 6, 5, 4, 3};
static const uint8_t payload_c[12] = {0xAA, 0xBB, 0xCC, 0xDD, 1, 2, 3, 4, 5, 6, 7, 8};

/* Banks with odd payload sizes (padding), an empty payload and an aligned one. */
static const kst_mdf_bank_out test_banks[] = {
    {73, 3, 1, payload_a, 5},
    {16, 7, 2, NULL, 0},
    {32, 0, 3, payload_b, 7},
    {33, 1, 0x1234, payload_c, 12},
};
#define N_TEST_BANKS 4u

/* A temp path that lives for one test; mkstemp avoids clashes between parallel ctest runs. */
static char *temp_path(void) {
  char *p = strdup("/tmp/kst_test_mdf_XXXXXX");
  int fd = mkstemp(p);
  cr_assert_geq(fd, 0);
  close(fd);
  return p;
}

/* Two valid records back to back; the second (record 1) is the one the malformed tests damage. */
typedef struct two_records {
  uint8_t *buf;
  size_t size, off1;
} two_records;

static two_records make_two(void) {
  uint8_t *a, *b;
  size_t na, nb;
  cr_assert_eq(kst_mdf_encode_event(&a, &na, 100, 1, 2, test_banks, N_TEST_BANKS).code, KST_OK);
  cr_assert_eq(kst_mdf_encode_event(&b, &nb, 100, 3, 4, test_banks, N_TEST_BANKS).code, KST_OK);
  two_records t = {malloc(na + nb), na + nb, na};
  memcpy(t.buf, a, na);
  memcpy(t.buf + na, b, nb);
  free(a);
  free(b);
  return t;
}

/* Reads record 0 fine, then expects record 1 to fail with code and message fragments. */
static void expect_record1_error(two_records t, size_t size, int code, const char *fragment) {
  kst_mdf_file f;
  kst_mdf_event ev;
  int done = 0;
  char where[96];
  cr_assert_eq(kst_mdf_open_buffer(&f, t.buf, size, "bad.mdf").code, KST_OK);
  kst_status st = kst_mdf_next(&f, &ev, &done);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  st = kst_mdf_next(&f, &ev, &done);
  cr_assert_eq(st.code, code, "got %s: %s", kst_code_name(st.code), st.msg);
  snprintf(where, sizeof where, "bad.mdf: record 1 at byte %zu:", t.off1);
  cr_assert(strstr(st.msg, where) != NULL, "message lacks '%s': %s", where, st.msg);
  cr_assert(strstr(st.msg, fragment) != NULL, "message lacks '%s': %s", fragment, st.msg);
  /* The cursor must not move past a bad record. */
  cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, code);
  kst_mdf_close(&f);
  free(t.buf);
}

/* Byte offset of bank i of record 1 inside the two-record buffer. */
static size_t bank_off(two_records t, unsigned i) {
  size_t off = t.off1 + KST_MDF_HEADER_SIZE;
  for (unsigned k = 0; k < i; k++) off += (KST_MDF_BANK_HEADER + test_banks[k].size + 3u) & ~3u;
  return off;
}

Test(mdf, write_then_read_round_trip) {
  char *path = temp_path();
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  for (uint32_t e = 0; e < 3; e++)
    cr_assert_eq(kst_mdf_write_event(w, 6718861, 10 + e, 20 + e, test_banks, N_TEST_BANKS).code,
                 KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 6718861, 99, 99, NULL, 0).code, KST_OK); /* no banks */
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);

  kst_mdf_file f;
  kst_mdf_event ev;
  int done = 0;
  uint64_t expect_off = 0;
  kst_status st = kst_mdf_open(&f, path);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  for (uint32_t e = 0; e < 3; e++) {
    st = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    cr_assert_eq(done, 0);
    cr_assert_eq(ev.index, e);
    cr_assert_eq(ev.offset, expect_off);
    cr_assert_eq(ev.run, 6718861u);
    cr_assert_eq(ev.orbit, 10 + e);
    cr_assert_eq(ev.bunch, 20 + e);
    cr_assert_eq(ev.n_banks, N_TEST_BANKS);
    /* Header bytes the writer must set: version 3 / 7 words, data type 1, mask all ones. */
    const uint8_t *h = f.data + ev.offset;
    cr_assert_eq(h[16], 0);
    cr_assert_eq(h[17], 0x37);
    cr_assert_eq(h[18], 1);
    for (int k = 20; k < 36; k++) cr_assert_eq(h[k], 0xFF);
    /* 5 -> 16, 0 -> 8, 7 -> 16, 12 -> 20 bytes of padded banks. */
    cr_assert_eq(ev.body_size, 16 + 8 + 16 + 20);
    uint32_t pos = 0, n = 0;
    kst_mdf_bank b;
    while (kst_mdf_bank_next(&ev, &pos, &b)) {
      const kst_mdf_bank_out *x = &test_banks[n];
      cr_assert_eq(b.type, x->type);
      cr_assert_eq(b.version, x->version);
      cr_assert_eq(b.source_id, x->source_id);
      cr_assert_eq(b.length, KST_MDF_BANK_HEADER + x->size);
      cr_assert_eq(b.payload_size, x->size);
      if (x->size) cr_assert_eq(memcmp(b.payload, x->payload, x->size), 0);
      cr_assert_eq(b.offset, (uint32_t)(b.payload - KST_MDF_BANK_HEADER - f.data));
      /* Padding bytes are zero. */
      for (uint32_t k = b.length; k < ((b.length + 3u) & ~3u); k++)
        cr_assert_eq(b.payload[k - KST_MDF_BANK_HEADER], 0);
      n++;
    }
    cr_assert_eq(n, N_TEST_BANKS);
    expect_off += ev.record_size;
  }
  st = kst_mdf_next(&f, &ev, &done);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(ev.n_banks, 0);
  cr_assert_eq(ev.body_size, 0);
  cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
  cr_assert_eq(done, 1);
  kst_mdf_close(&f);

  uint32_t count = 0;
  st = kst_mdf_count(path, &count);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(count, 4);
  unlink(path);
  free(path);
}

Test(mdf, zero_length_payload_bank_is_valid) {
  kst_mdf_bank_out only = {17, 2, 5, NULL, 0};
  uint8_t *buf;
  size_t size;
  cr_assert_eq(kst_mdf_encode_event(&buf, &size, 1, 2, 3, &only, 1).code, KST_OK);
  cr_assert_eq(size, KST_MDF_HEADER_SIZE + 8);
  kst_mdf_file f;
  kst_mdf_event ev;
  kst_mdf_bank b;
  int done;
  uint32_t pos = 0;
  cr_assert_eq(kst_mdf_open_buffer(&f, buf, size, "zero.mdf").code, KST_OK);
  cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
  cr_assert_eq(ev.n_banks, 1);
  cr_assert_eq(kst_mdf_bank_next(&ev, &pos, &b), 1);
  cr_assert_eq(b.length, 8);
  cr_assert_eq(b.payload_size, 0);
  cr_assert_eq(b.type, 17);
  cr_assert_eq(kst_mdf_bank_next(&ev, &pos, &b), 0);
  kst_mdf_close(&f);
  free(buf);
}

Test(mdf, truncated_record) {
  two_records t = make_two();
  expect_record1_error(t, t.size - 3, KST_ERR_FORMAT, "truncated record");
}

Test(mdf, truncated_header) {
  two_records t = make_two();
  expect_record1_error(t, t.off1 + 20, KST_ERR_FORMAT, "truncated header");
}

Test(mdf, size_words_disagree) {
  for (int word = 0; word < 3; word++) {
    two_records t = make_two();
    uint32_t v = 1000;
    memcpy(t.buf + t.off1 + 4 * word, &v, 4);
    expect_record1_error(t, t.size, KST_ERR_FORMAT, "size words disagree");
  }
}

Test(mdf, bank_past_end_of_record) {
  two_records t = make_two();
  size_t off = bank_off(t, 3);
  uint16_t len = 900;
  memcpy(t.buf + off + 2, &len, 2);
  char frag[64];
  snprintf(frag, sizeof frag, "bank 3 (type 33, source id 4660) at byte %zu runs past the end", off);
  expect_record1_error(t, t.size, KST_ERR_FORMAT, frag);
}

Test(mdf, bad_bank_magic) {
  two_records t = make_two();
  size_t off = bank_off(t, 2);
  t.buf[off] = 0xCA;
  char frag[64];
  snprintf(frag, sizeof frag, "bank 2 at byte %zu has magic 0xCBCA", off);
  expect_record1_error(t, t.size, KST_ERR_FORMAT, frag);
}

Test(mdf, a_wrong_length_field_is_blamed_on_its_own_bank_not_the_next) {
  /* Bank 2 (7 bytes of payload, length 15) claims 11: the walk lands inside its payload. */
  two_records t = make_two();
  size_t off = bank_off(t, 2);
  uint16_t len = 11;
  memcpy(t.buf + off + 2, &len, 2);
  char frag[160];
  snprintf(frag, sizeof frag, "bank 2 (type 32, source id 3) at byte %zu has length 11, but the next bank header is at "
           "byte %zu: its length field is wrong", off, bank_off(t, 3));
  expect_record1_error(t, t.size, KST_ERR_FORMAT, frag);
}

Test(mdf, bank_length_below_header) {
  two_records t = make_two();
  size_t off = bank_off(t, 1);
  uint16_t len = 4;
  memcpy(t.buf + off + 2, &len, 2);
  char frag[64];
  snprintf(frag, sizeof frag, "bank 1 (type 16, source id 2) at byte %zu has length 4", off);
  expect_record1_error(t, t.size, KST_ERR_FORMAT, frag);
}

Test(mdf, banks_do_not_fill_body) {
  /* Grow the record by 4 bytes of zeros: too short for a bank, so the body is not exactly banks. */
  two_records t = make_two();
  t.buf = realloc(t.buf, t.size + 4);
  memset(t.buf + t.size, 0, 4);
  t.size += 4;
  uint32_t s;
  memcpy(&s, t.buf + t.off1, 4);
  s += 4;
  for (int k = 0; k < 3; k++) memcpy(t.buf + t.off1 + 4 * k, &s, 4);
  expect_record1_error(t, t.size, KST_ERR_FORMAT, "4 trailing bytes");
}

Test(mdf, compressed_record) {
  two_records t = make_two();
  t.buf[t.off1 + 16] = 0x12;
  expect_record1_error(t, t.size, KST_ERR_UNSUPPORTED, "compressed records are not supported");
}

Test(mdf, unsupported_header_version) {
  two_records t = make_two();
  t.buf[t.off1 + 17] = 0x16;
  expect_record1_error(t, t.size, KST_ERR_UNSUPPORTED, "header version 1");
}

Test(mdf, empty_file) {
  kst_mdf_file f;
  kst_mdf_event ev;
  int done = 0;
  cr_assert_eq(kst_mdf_open_buffer(&f, NULL, 0, "empty.mdf").code, KST_OK);
  cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
  cr_assert_eq(done, 1);
  kst_mdf_close(&f);

  char *path = temp_path(); /* mkstemp leaves it empty */
  uint32_t n = 7;
  kst_status st = kst_mdf_count(path, &n);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(n, 0);
  unlink(path);
  free(path);
}

Test(mdf, missing_file_is_io_error) {
  uint32_t n;
  kst_status st = kst_mdf_count("/nonexistent/kst_none.mdf", &n);
  cr_assert_eq(st.code, KST_ERR_IO);
  cr_assert(strstr(st.msg, "/nonexistent/kst_none.mdf") != NULL, "%s", st.msg);
}

Test(mdf, oversized_bank_rejected_by_writer) {
  static uint8_t big[70000];
  kst_mdf_bank_out b = {1, 0, 0, big, sizeof big};
  uint8_t *buf = (uint8_t *)&b;
  size_t size = 1;
  cr_assert_eq(kst_mdf_encode_event(&buf, &size, 0, 0, 0, &b, 1).code, KST_ERR_INVALID);
  cr_assert_null(buf);
}

Test(mdf, real_minbrunel_file) {
  if (access(REAL_MDF, R_OK) != 0) cr_skip("../shared/data not present: " REAL_MDF);
  kst_mdf_file f;
  kst_mdf_event ev;
  int done = 0;
  uint32_t n = 0;
  kst_status st = kst_mdf_open(&f, REAL_MDF);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  for (;;) {
    st = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    if (done) break;
    cr_assert_eq(ev.run, 6718861u);
    int seen73 = 0, seen32 = 0, seen33 = 0;
    uint32_t pos = 0, nb = 0;
    kst_mdf_bank b;
    while (kst_mdf_bank_next(&ev, &pos, &b)) {
      seen73 |= b.type == 73;
      seen32 |= b.type == 32;
      seen33 |= b.type == 33;
      nb++;
    }
    cr_assert_eq(nb, ev.n_banks);
    cr_assert(seen73 && seen32 && seen33, "event %u lacks bank 73, 32 or 33", ev.index);
    n++;
  }
  cr_assert_eq(n, 10);
  kst_mdf_close(&f);
  uint32_t count = 0;
  cr_assert_eq(kst_mdf_count(REAL_MDF, &count).code, KST_OK);
  cr_assert_eq(count, 10);
}

/* How many temporary files a writer of path left beside it. */
static int leftover_partials(const char *path) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "ls %s.partial-* 2>/dev/null | wc -l", path);
  FILE *p = popen(cmd, "r");
  int n = -1;
  cr_assert_not_null(p);
  cr_assert_eq(fscanf(p, "%d", &n), 1);
  pclose(p);
  return n;
}

Test(mdf, a_failed_write_leaves_the_old_file_and_no_partial_one) {
  char *path = temp_path();
  FILE *f = fopen(path, "w");
  fputs("old", f);
  fclose(f);
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 1, 2, 3, test_banks, N_TEST_BANKS).code, KST_OK);
  kst_mdf_writer_abort(w);
  char text[8] = {0};
  f = fopen(path, "r");
  cr_assert_not_null(f, "the old file is still there");
  cr_assert_eq(fread(text, 1, sizeof text - 1, f), 3);
  fclose(f);
  cr_assert_str_eq(text, "old");
  cr_assert_eq(leftover_partials(path), 0);
  /* Completed, the new file replaces it whole. */
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  cr_assert_eq(kst_mdf_write_event(w, 1, 2, 3, test_banks, N_TEST_BANKS).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
  uint32_t n;
  cr_assert_eq(kst_mdf_count(path, &n).code, KST_OK);
  cr_assert_eq(n, 1);
  cr_assert_eq(leftover_partials(path), 0);
  unlink(path);
  free(path);
}

Test(mdf, a_device_or_a_link_given_as_output_is_never_removed) {
  struct stat sb;
  if (stat("/dev/full", &sb) != 0 || !S_ISCHR(sb.st_mode)) cr_skip("no /dev/full here");
  /* /dev/full takes the write and fails it: the error is reported, the device stays. */
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, "/dev/full").code, KST_OK);
  kst_status s = kst_mdf_write_event(w, 1, 2, 3, test_banks, N_TEST_BANKS);
  if (!s.code) s = kst_mdf_writer_close(w);
  else kst_mdf_writer_abort(w);
  cr_assert_eq(s.code, KST_ERR_IO, "%s", s.msg);
  cr_assert(stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode), "/dev/full is still a device");
  /* A link to it: written through, and the link stays. */
  char *link = temp_path();
  unlink(link);
  cr_assert_eq(symlink("/dev/full", link), 0);
  cr_assert_eq(kst_mdf_writer_open(&w, link).code, KST_OK);
  s = kst_mdf_write_event(w, 1, 2, 3, test_banks, N_TEST_BANKS);
  if (!s.code) s = kst_mdf_writer_close(w);
  else kst_mdf_writer_abort(w);
  cr_assert_eq(s.code, KST_ERR_IO);
  cr_assert(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode), "the link is still there");
  unlink(link);
  free(link);
}
