/* Shared helpers of the kestrel sub-commands: loading sequences with their problems, parsing numbers. */
#include "host/cli.h"

#include <errno.h>
#include <inttypes.h>
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

int kst_cli_on_off(const char *option, const char *text, int *out) {
  if (text && !strcmp(text, "on")) return *out = 1, 1;
  if (text && !strcmp(text, "off")) return *out = 0, 1;
  if (text) fprintf(stderr, "kestrel: %s takes on or off (got '%s')\n", option, text);
  else fprintf(stderr, "kestrel: %s takes on or off (got nothing)\n", option);
  return 0;
}

void kst_cli_graphs_summary(char *buf, size_t size, const kst_run_options *o, const kst_run_result *r) {
  /* The CPU runs work as it is queued: there is nothing to capture, whatever was asked. */
  if (!kst_graph_supported()) {
    snprintf(buf, size, "off (cpu backend)");
    return;
  }
  if (!o->graphs) {
    snprintf(buf, size, "off (direct launches)");
    return;
  }
  int n = snprintf(buf, size,
                   "on: %" PRIu64 " batch runs replayed (%" PRIu64 " updated in place, %" PRIu64 " re-instantiated)"
                   " after %" PRIu64 " direct warm-up runs (one per worker)",
                   r->graph_updated + r->graph_instantiated, r->graph_updated, r->graph_instantiated, r->graph_warmup);
  if (r->graph_direct && n > 0 && (size_t)n < size)
    snprintf(buf + n, size - (size_t)n, ", %" PRIu64 " direct after a failed capture", r->graph_direct);
}

int kst_cli_load_run_setup(const char *command, kst_sequence *seq, const char *path, int show_warnings,
                           kst_conditions *planned, const kst_run_options *o, const char *first_input) {
  if (kst_cli_load_sequence(seq, path, show_warnings)) return 1;
  const kst_status s = kst_conditions_resolve(planned, seq, o, first_input);
  if (!s.code) return 0;
  fprintf(stderr, "kestrel %s: %s\n", command, s.msg);
  kst_sequence_free(seq);
  return 2;
}

void kst_cli_report_rejections(const char *command, const kst_run_result *r) {
  for (uint32_t i = 0; i < r->rejected.n_lines; ++i)
    fprintf(stderr, "kestrel %s: rejected %s\n", command, r->rejected.lines[i]);
  if (r->rejected.count > r->rejected.n_lines)
    fprintf(stderr, "kestrel %s: ... and %llu more rejected events (see the accounting line)\n", command,
            (unsigned long long)(r->rejected.count - r->rejected.n_lines));
}

int kst_cli_report_events(const char *command, const kst_event_source *src) {
  for (uint32_t i = 0; i < src->errors.n_lines; ++i) fprintf(stderr, "kestrel %s: input error: %s\n", command, src->errors.lines[i]);
  if (src->errors.count > src->errors.n_lines)
    fprintf(stderr, "kestrel %s: ... and %llu more input errors\n", command,
            (unsigned long long)(src->errors.count - src->errors.n_lines));
  if (src->n_events) return 0;
  fprintf(stderr, "kestrel %s: no valid event in", command);
  for (uint32_t f = 0; f < src->n_files; ++f) fprintf(stderr, "%s %s", f ? "," : "", src->files[f].path);
  fprintf(stderr, " (%llu input error%s)\n", (unsigned long long)src->errors.count, src->errors.count == 1 ? "" : "s");
  return 1;
}
