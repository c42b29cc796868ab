/* The binary cursor: bounds and finiteness checked on every read, the field and offset named in every error. */
#include "configuration/binary_file.h"

#include <math.h>
#include <string.h>

/* Checks that n items of size bytes remain. */
static kst_status need(const kst_bin_cursor *c, const char *field, size_t n, size_t size) {
  if (n > (c->size - c->off) / size)
    return kst_error(KST_ERR_FORMAT, "%s: %s truncated at byte %zu: needs %zu bytes, %zu left (file is %zu bytes)",
                     c->path, field, c->off, n * size, c->size - c->off, c->size);
  return kst_ok();
}

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

kst_status kst_bin_u32s(kst_bin_cursor *c, const char *field, uint32_t *out, size_t n) {
  KST_TRY(need(c, field, n, 4));
  for (size_t k = 0; k < n; ++k) out[k] = le32(c->data + c->off + 4 * k);
  c->off += 4 * n;
  return kst_ok();
}

kst_status kst_bin_expect_u32(kst_bin_cursor *c, const char *field, uint32_t want) {
  const size_t at = c->off;
  uint32_t v;
  KST_TRY(kst_bin_u32s(c, field, &v, 1));
  if (v != want)
    return kst_error(KST_ERR_FORMAT, "%s: %s is %u at byte %zu, expected %u", c->path, field, v, at, want);
  return kst_ok();
}

kst_status kst_bin_f32s(kst_bin_cursor *c, const char *field, float *out, size_t n) {
  KST_TRY(need(c, field, n, 4));
  for (size_t k = 0; k < n; ++k) {
    const uint32_t u = le32(c->data + c->off + 4 * k);
    memcpy(&out[k], &u, sizeof u);
    if (!isfinite(out[k]))
      return kst_error(KST_ERR_FORMAT, "%s: %s[%zu] at byte %zu is not finite", c->path, field, k, c->off + 4 * k);
  }
  c->off += 4 * n;
  return kst_ok();
}

kst_status kst_bin_end(const kst_bin_cursor *c) {
  if (c->off != c->size)
    return kst_error(KST_ERR_FORMAT, "%s: %zu trailing bytes at byte %zu (expected a %zu-byte file)", c->path,
                     c->size - c->off, c->off, c->off);
  return kst_ok();
}
