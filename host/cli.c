/* Shared helpers of the kestrel sub-commands: loading sequences with their problems, parsing numbers. */
#include "host/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kst_cli_load_sequence(kst_sequence *seq, const char *path, int show_warnings) {
  kst_problems pb;
  kst_status s = kst_sequence_load(seq, path, &pb);
  for (uint32_t i = 0; i < pb.n; ++i)
    if (show_warnings || strstr(pb.lines[i], ": error: ")) fprintf(stderr, "%s\n", pb.lines[i]);
  kst_problems_free(&pb);
  if (s.code) {
    fprintf(stderr, "kestrel: %s\n", s.msg);
    kst_sequence_free(seq);
    return 1;
  }
  return 0;
}

int kst_cli_number(const char *option, const char *text, uint64_t lo, uint64_t hi, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = text ? strtoull(text, &end, 10) : 0;
  if (!text || errno || *end || end == text || text[0] == '-' || v < lo || v > hi) {
    fprintf(stderr, "kestrel: %s needs a whole number from %llu to %llu (got '%s')\n", option, (unsigned long long)lo,
            (unsigned long long)hi, text ? text : "");
    return 0;
  }
  *out = v;
  return 1;
}
