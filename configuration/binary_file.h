/* Reading little-endian binary detector files: a cursor whose every read checks the bytes left and names the field,
   its byte offset and the file when they run out. */
#ifndef KST_BINARY_FILE_H
#define KST_BINARY_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "kst_status.h"

/* A file's bytes and the next read's offset. */
typedef struct kst_bin_cursor {
  const uint8_t *data;
  size_t size, off;
  const char *path;
} kst_bin_cursor;

/* Reads n u32 into out (field names the array in messages). */
kst_status kst_bin_u32s(kst_bin_cursor *c, const char *field, uint32_t *out, size_t n);
/* Reads one u32 and checks it equals want. */
kst_status kst_bin_expect_u32(kst_bin_cursor *c, const char *field, uint32_t want);
/* Reads n f32 into out; each must be finite. */
kst_status kst_bin_f32s(kst_bin_cursor *c, const char *field, float *out, size_t n);
/* Checks that every byte was read. */
kst_status kst_bin_end(const kst_bin_cursor *c);

#endif
