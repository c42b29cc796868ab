/* Test helper: runs the kestrel binary with a command line and captures what it prints. */
#ifndef KST_TEST_KESTREL_CLI_H
#define KST_TEST_KESTREL_CLI_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <sys/wait.h>

/* Runs a kestrel command line; returns the exit code and puts stdout+stderr into out. */
static inline int kestrel(char *out, size_t size, const char *args) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "%s %s 2>&1", KST_KESTREL_BIN, args);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  size_t n = fread(out, 1, size - 1, p);
  out[n] = '\0';
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#endif
