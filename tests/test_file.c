/* Tests of kst_read_file: contents with a trailing NUL, a missing file, a directory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/file.h"

Test(file, reads_whole_file_with_a_nul_after_it) {
  char path[] = "/tmp/kst_file_XXXXXX";
  int fd = mkstemp(path);
  cr_assert_eq(write(fd, "abc\0def", 7), 7);
  close(fd);
  uint8_t *d;
  size_t n;
  cr_assert_eq(kst_read_file(path, &d, &n).code, KST_OK);
  cr_assert_eq(n, 7);
  cr_assert_eq(memcmp(d, "abc\0def", 7), 0);
  cr_assert_eq(d[7], 0);
  free(d);
  unlink(path);
}

Test(file, missing_file_and_directory_are_errors_naming_the_path) {
  uint8_t *d = (uint8_t *)1;
  size_t n = 9;
  kst_status s = kst_read_file("/tmp/kst_no_such_file", &d, &n);
  cr_assert_eq(s.code, KST_ERR_IO);
  cr_assert(strstr(s.msg, "/tmp/kst_no_such_file: cannot open") != NULL, "%s", s.msg);
  cr_assert_null(d);
  s = kst_read_file("/tmp", &d, &n);
  cr_assert_eq(s.code, KST_ERR_IO);
  cr_assert(strstr(s.msg, "/tmp: not a regular file") != NULL, "%s", s.msg);
}
