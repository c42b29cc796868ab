/* MDF reader (validating, zero-copy over an in-memory file), bank iterator and writer. */
#include "input/mdf.h"

#include "configuration/file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* MDF is little-endian and the reads below are plain memcpy, so refuse big-endian hosts. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kestrel MDF reader assumes a little-endian host"
#endif

struct kst_mdf_writer {
  FILE *fp;
  char path[512];
  char temp[600]; /* the file written, renamed to path on close; empty when writing path in place */
  uint32_t n_events;
};

static uint16_t rd16(const uint8_t *p) {
  uint16_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static uint32_t rd32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static void wr16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof v); }
static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof v); }

static uint32_t pad4(uint32_t n) { return (n + 3u) & ~3u; }

/* Every format error carries file, record index and record offset, so one helper builds them. */
static kst_status rec_error(const kst_mdf_file *f, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static kst_status rec_error(const kst_mdf_file *f, int code, const char *fmt, ...) {
  char detail[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  return kst_error(code, "%s: record %u at byte %llu: %s", f->path, f->next_index,
                   (unsigned long long)f->pos, detail);
}

kst_status kst_mdf_open_buffer(kst_mdf_file *f, const void *data, size_t size, const char *name) {
  if (!f || (!data && size)) return kst_error(KST_ERR_INVALID, "kst_mdf_open_buffer: null argument");
  memset(f, 0, sizeof *f);
  snprintf(f->path, sizeof f->path, "%s", name ? name : "<buffer>");
  f->data = (uint8_t *)(uintptr_t)data; /* never written through: owns stays 0 */
  f->size = size;
  return kst_ok();
}

kst_status kst_mdf_open(kst_mdf_file *f, const char *path) {
  if (!f || !path) return kst_error(KST_ERR_INVALID, "kst_mdf_open: null argument");
  memset(f, 0, sizeof *f);
  uint8_t *data;
  size_t size;
  KST_TRY(kst_read_file(path, &data, &size));
  snprintf(f->path, sizeof f->path, "%s", path);
  f->data = data;
  f->size = size;
  f->owns = 1;
  return kst_ok();
}

void kst_mdf_close(kst_mdf_file *f) {
  if (!f) return;
  if (f->owns) free(f->data);
  memset(f, 0, sizeof *f);
}

/* Where the bank header after the one at prev (4-byte steps, as banks are padded) really starts, or 0. */
static uint32_t next_magic(const uint8_t *body, uint32_t body_size, uint32_t prev) {
  for (uint32_t p = prev + KST_MDF_BANK_HEADER; p + KST_MDF_BANK_HEADER <= body_size; p += 4)
    if (rd16(body + p) == KST_MDF_BANK_MAGIC) return p;
  return 0;
}

/* Walks the body once so that kst_mdf_bank_next can trust it afterwards. Each error names the bank by index, byte,
   type and source id; a header out of place is blamed on the length field of the bank before it. */
static kst_status check_banks(const kst_mdf_file *f, const uint8_t *body, uint32_t body_size,
                              uint64_t body_off, uint32_t *n_banks) {
  uint32_t pos = 0, n = 0, prev = 0;
  while (pos < body_size) {
    uint32_t left = body_size - pos;
    unsigned long long at = (unsigned long long)(body_off + pos);
    if (left < KST_MDF_BANK_HEADER)
      return rec_error(f, KST_ERR_FORMAT,
                       "%u trailing bytes at byte %llu after bank %u are too short for a bank header",
                       left, at, n);
    const uint8_t *b = body + pos;
    uint16_t magic = rd16(b), len = rd16(b + 2);
    /* A header whose length leads to the next header (or the end) only has its magic damaged; otherwise the walk
       went astray, and the previous bank's length sent it there. */
    const uint32_t end = pos + pad4(len);
    const int header_like = len >= KST_MDF_BANK_HEADER && end <= body_size &&
                            (end == body_size || (end + 2 <= body_size && rd16(body + end) == KST_MDF_BANK_MAGIC));
    if (magic != KST_MDF_BANK_MAGIC && n > 0 && !header_like) {
      const uint8_t *p = body + prev;
      const uint32_t real = next_magic(body, body_size, prev);
      if (real)
        return rec_error(f, KST_ERR_FORMAT,
                         "bank %u (type %u, source id %u) at byte %llu has length %u, but the next bank header is at "
                         "byte %llu: its length field is wrong",
                         n - 1, p[4], rd16(p + 6), (unsigned long long)(body_off + prev), rd16(p + 2),
                         (unsigned long long)(body_off + real));
      return rec_error(f, KST_ERR_FORMAT,
                       "no bank header (magic 0xCBCB) at byte %llu, where bank %u (type %u, source id %u) at byte %llu "
                       "of length %u ends, nor after it",
                       at, n - 1, p[4], rd16(p + 6), (unsigned long long)(body_off + prev), rd16(p + 2));
    }
    if (magic != KST_MDF_BANK_MAGIC)
      return rec_error(f, KST_ERR_FORMAT, "bank %u at byte %llu has magic 0x%04X, expected 0xCBCB",
                       n, at, magic);
    if (len < KST_MDF_BANK_HEADER)
      return rec_error(f, KST_ERR_FORMAT, "bank %u (type %u, source id %u) at byte %llu has length %u, less than 8",
                       n, b[4], rd16(b + 6), at, len);
    if (pad4(len) > left)
      return rec_error(f, KST_ERR_FORMAT,
                       "bank %u (type %u, source id %u) at byte %llu runs past the end of the record "
                       "(length %u, padded %u, %u bytes left)",
                       n, b[4], rd16(b + 6), at, len, pad4(len), left);
    prev = pos;
    pos += pad4(len);
    n++;
  }
  *n_banks = n;
  return kst_ok();
}

kst_status kst_mdf_next(kst_mdf_file *f, kst_mdf_event *ev, int *done) {
  if (!f || !ev || !done) return kst_error(KST_ERR_INVALID, "kst_mdf_next: null argument");
  *done = 0;
  if (f->pos >= f->size) {
    *done = 1;
    return kst_ok();
  }
  size_t left = f->size - f->pos;
  const uint8_t *r = f->data + f->pos;
  if (left < KST_MDF_HEADER_SIZE)
    return rec_error(f, KST_ERR_FORMAT, "truncated header: %zu bytes left, a header needs %u", left,
                     KST_MDF_HEADER_SIZE);
  uint32_t s0 = rd32(r), s1 = rd32(r + 4), s2 = rd32(r + 8);
  if (s0 != s1 || s0 != s2)
    return rec_error(f, KST_ERR_FORMAT, "the three record size words disagree (%u, %u, %u)", s0, s1,
                     s2);
  unsigned version = r[17] >> 4, words = r[17] & 0xFu;
  if (version != 3 || words != 7)
    return rec_error(f, KST_ERR_UNSUPPORTED,
                     "header version %u with %u sub-header words is not supported (need 3 and 7)",
                     version, words);
  if (r[16] & 0xFu)
    return rec_error(f, KST_ERR_UNSUPPORTED,
                     "compressed records are not supported (compression byte 0x%02X)", r[16]);
  if (s0 < KST_MDF_HEADER_SIZE)
    return rec_error(f, KST_ERR_FORMAT, "record size %u is smaller than its %u-byte header", s0,
                     KST_MDF_HEADER_SIZE);
  if (s0 > left)
    return rec_error(f, KST_ERR_FORMAT, "truncated record: size %u but only %zu bytes left in file",
                     s0, left);
  uint32_t n_banks = 0;
  KST_TRY(check_banks(f, r + KST_MDF_HEADER_SIZE, s0 - KST_MDF_HEADER_SIZE,
                      (uint64_t)f->pos + KST_MDF_HEADER_SIZE, &n_banks));
  ev->file = f->path;
  ev->index = f->next_index;
  ev->offset = f->pos;
  ev->run = rd32(r + 36);
  ev->orbit = rd32(r + 40);
  ev->bunch = rd32(r + 44);
  ev->body = r + KST_MDF_HEADER_SIZE;
  ev->body_size = s0 - KST_MDF_HEADER_SIZE;
  ev->n_banks = n_banks;
  ev->header_size = KST_MDF_HEADER_SIZE;
  ev->record_size = s0;
  f->pos += s0;
  f->next_index++;
  return kst_ok();
}

int kst_mdf_bank_next(const kst_mdf_event *ev, uint32_t *pos, kst_mdf_bank *bank) {
  /* The event was validated, but stay bounds-safe for hand-built events too. */
  if (!ev || !pos || !bank || *pos >= ev->body_size) return 0;
  uint32_t left = ev->body_size - *pos;
  if (left < KST_MDF_BANK_HEADER) return 0;
  const uint8_t *b = ev->body + *pos;
  uint16_t len = rd16(b + 2);
  if (rd16(b) != KST_MDF_BANK_MAGIC || len < KST_MDF_BANK_HEADER || pad4(len) > left) return 0;
  bank->type = b[4];
  bank->version = b[5];
  bank->source_id = rd16(b + 6);
  bank->length = len;
  bank->payload = b + KST_MDF_BANK_HEADER;
  bank->payload_size = len - KST_MDF_BANK_HEADER;
  bank->offset = (uint32_t)(ev->offset + ev->header_size + *pos);
  *pos += pad4(len);
  return 1;
}

kst_status kst_mdf_count(const char *path, uint32_t *n_events) {
  if (!n_events) return kst_error(KST_ERR_INVALID, "kst_mdf_count: null argument");
  kst_mdf_file f;
  kst_mdf_event ev;
  int done = 0;
  *n_events = 0;
  KST_TRY(kst_mdf_open(&f, path));
  kst_status st = kst_ok();
  while (st.code == KST_OK) {
    st = kst_mdf_next(&f, &ev, &done);
    if (st.code != KST_OK || done) break;
    (*n_events)++;
  }
  kst_mdf_close(&f);
  return st;
}

kst_status kst_mdf_encode_event(uint8_t **out, size_t *out_size, uint32_t run, uint32_t orbit,
                                uint32_t bunch, const kst_mdf_bank_out *banks, uint32_t n_banks) {
  if (!out || !out_size || (n_banks && !banks))
    return kst_error(KST_ERR_INVALID, "kst_mdf_encode_event: null argument");
  *out = NULL;
  *out_size = 0;
  uint64_t total = KST_MDF_HEADER_SIZE;
  for (uint32_t i = 0; i < n_banks; i++) {
    if (banks[i].size > KST_MDF_MAX_PAYLOAD)
      return kst_error(KST_ERR_INVALID, "bank %u: payload of %u bytes exceeds the %u-byte limit", i,
                       banks[i].size, KST_MDF_MAX_PAYLOAD);
    if (banks[i].size && !banks[i].payload)
      return kst_error(KST_ERR_INVALID, "bank %u: null payload with size %u", i, banks[i].size);
    total += pad4(KST_MDF_BANK_HEADER + banks[i].size);
  }
  if (total > UINT32_MAX)
    return kst_error(KST_ERR_INVALID, "record of %llu bytes exceeds the 4 GiB record limit",
                     (unsigned long long)total);
  uint8_t *buf = calloc(1, (size_t)total); /* zeroed, so padding and spare bytes are 0 */
  if (!buf) return kst_error(KST_ERR_NOMEM, "cannot allocate a %llu-byte record",
                             (unsigned long long)total);
  for (int i = 0; i < 3; i++) wr32(buf + 4 * i, (uint32_t)total);
  buf[17] = (3u << 4) | 7u;
  buf[18] = 1;
  for (int i = 0; i < 4; i++) wr32(buf + 20 + 4 * i, 0xFFFFFFFFu);
  wr32(buf + 36, run);
  wr32(buf + 40, orbit);
  wr32(buf + 44, bunch);
  uint8_t *p = buf + KST_MDF_HEADER_SIZE;
  for (uint32_t i = 0; i < n_banks; i++) {
    uint32_t len = KST_MDF_BANK_HEADER + banks[i].size;
    wr16(p, KST_MDF_BANK_MAGIC);
    wr16(p + 2, (uint16_t)len);
    p[4] = banks[i].type;
    p[5] = banks[i].version;
    wr16(p + 6, banks[i].source_id);
    if (banks[i].size) memcpy(p + KST_MDF_BANK_HEADER, banks[i].payload, banks[i].size);
    p += pad4(len);
  }
  *out = buf;
  *out_size = (size_t)total;
  return kst_ok();
}

kst_status kst_mdf_writer_open(kst_mdf_writer **w, const char *path) {
  if (!w || !path) return kst_error(KST_ERR_INVALID, "kst_mdf_writer_open: null argument");
  *w = NULL;
  if (strlen(path) >= sizeof((kst_mdf_writer *)0)->path) return kst_error(KST_ERR_INVALID, "%s: path too long", path);
  kst_mdf_writer *nw = calloc(1, sizeof *nw);
  if (!nw) return kst_error(KST_ERR_NOMEM, "%s: cannot allocate a writer", path);
  snprintf(nw->path, sizeof nw->path, "%s", path);
  /* A regular file (or a new one) is written beside itself and renamed into place when complete, so a failed write
     leaves the old file, or none; anything else (a device, a pipe, a link) is written in place. */
  struct stat sb;
  const int exists = lstat(path, &sb) == 0;
  if (!exists || S_ISREG(sb.st_mode)) {
    snprintf(nw->temp, sizeof nw->temp, "%s.partial-XXXXXX", path);
    const int fd = mkstemp(nw->temp);
    /* mkstemp makes the file private; the result gets the old file's mode, or a new file's under the umask */
    const mode_t mask = umask(0);
    umask(mask);
    nw->fp = fd >= 0 && fchmod(fd, exists ? sb.st_mode & 07777 : 0666 & ~mask) == 0 ? fdopen(fd, "wb") : NULL;
    if (fd >= 0 && !nw->fp) close(fd), remove(nw->temp);
  } else {
    nw->fp = fopen(path, "wb");
  }
  if (!nw->fp) {
    kst_status st = kst_error(KST_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    free(nw);
    return st;
  }
  *w = nw;
  return kst_ok();
}

kst_status kst_mdf_write_event(kst_mdf_writer *w, uint32_t run, uint32_t orbit, uint32_t bunch,
                               const kst_mdf_bank_out *banks, uint32_t n_banks) {
  if (!w) return kst_error(KST_ERR_INVALID, "kst_mdf_write_event: null writer");
  uint8_t *buf;
  size_t size;
  kst_status st = kst_mdf_encode_event(&buf, &size, run, orbit, bunch, banks, n_banks);
  if (st.code != KST_OK) return kst_error_wrap(st, "%s: record %u", w->path, w->n_events);
  size_t put = fwrite(buf, 1, size, w->fp);
  free(buf);
  if (put != size)
    return kst_error(KST_ERR_IO, "%s: record %u: wrote %zu of %zu bytes: %s", w->path, w->n_events,
                     put, size, strerror(errno));
  w->n_events++;
  return kst_ok();
}

kst_status kst_mdf_write_records(kst_mdf_writer *w, const void *records, size_t size, uint32_t n_records) {
  if (!w || (size && !records)) return kst_error(KST_ERR_INVALID, "kst_mdf_write_records: null argument");
  const size_t put = size ? fwrite(records, 1, size, w->fp) : 0;
  if (put != size)
    return kst_error(KST_ERR_IO, "%s: records %u-%u: wrote %zu of %zu bytes: %s", w->path, w->n_events,
                     w->n_events + n_records - 1, put, size, strerror(errno));
  w->n_events += n_records;
  return kst_ok();
}

void kst_mdf_set_trigger_mask(uint8_t *record, const uint32_t mask[4]) {
  for (int i = 0; i < 4; i++) wr32(record + 20 + 4 * i, mask[i]);
}

kst_status kst_mdf_writer_close(kst_mdf_writer *w) {
  if (!w) return kst_ok();
  kst_status st = kst_ok();
  if (fclose(w->fp) != 0) st = kst_error(KST_ERR_IO, "%s: close failed: %s", w->path, strerror(errno));
  if (w->temp[0]) {
    if (!st.code && rename(w->temp, w->path) != 0)
      st = kst_error(KST_ERR_IO, "%s: cannot rename %s into place: %s", w->path, w->temp, strerror(errno));
    /* Only the writer's own temporary file is ever removed. */
    if (st.code) remove(w->temp);
  }
  free(w);
  return st;
}

void kst_mdf_writer_abort(kst_mdf_writer *w) {
  if (!w) return;
  fclose(w->fp);
  if (w->temp[0]) remove(w->temp);
  free(w);
}
