/* Fuzz helper: the input bytes as a file the readers can open by path (a memory file, so nothing is left behind). */
#ifndef KST_FUZZ_FILE_H
#define KST_FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Rewrites the process's memory file with data and returns its path (/proc/self/fd/N). */
static inline const char *fuzz_file(const uint8_t *data, size_t size) {
  static int fd = -1;
  static char path[64];
  if (fd < 0) {
    /* The raw call: memfd_create's prototype needs _GNU_SOURCE, which the project does not define. */
    fd = (int)syscall(SYS_memfd_create, "kst_fuzz", 0u);
    if (fd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  }
  if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size)) {
    perror("fuzz input");
    abort();
  }
  return path;
}

#endif
