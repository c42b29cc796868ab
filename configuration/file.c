/* kst_read_file: regular files only (a directory or a device gives a clear error), read in one go. */
#include "configuration/file.h"

#include "kst_backend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

kst_status kst_read_file(const char *path, uint8_t **data, size_t *size) {
  *data = NULL;
  *size = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return kst_error(KST_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
    fclose(f);
    return kst_error(KST_ERR_IO, "%s: not a regular file", path);
  }
  const kst_status injected = kst_fault_read(path);
  if (injected.code) {
    fclose(f);
    return injected;
  }
  const size_t n = (size_t)st.st_size;
  uint8_t *buf = malloc(n + 1);
  if (!buf) {
    fclose(f);
    return kst_error(KST_ERR_NOMEM, "%s: cannot allocate %zu bytes", path, n + 1);
  }
  const size_t got = fread(buf, 1, n, f);
  const int bad = ferror(f);
  fclose(f);
  if (got != n || bad) {
    free(buf);
    return kst_error(KST_ERR_IO, "%s: read %zu of %zu bytes", path, got, n);
  }
  buf[n] = 0;
  *data = buf;
  *size = n;
  return kst_ok();
}
