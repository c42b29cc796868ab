/* Loading events from MDF files: every record validated, every malformed one reported with where it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/runtime/runtime.h"

static void record_error(kst_input_errors *e, const char *msg) {
  e->count++;
  char **lines = realloc(e->lines, (e->n_lines + 1) * sizeof *lines);
  if (!lines) return;
  e->lines = lines;
  lines[e->n_lines++] = strdup(msg);
}

kst_status kst_events_load(kst_event_source *src, const char *const *paths, uint32_t n_paths, uint64_t max_events) {
  memset(src, 0, sizeof *src);
  src->files = calloc(n_paths ? n_paths : 1, sizeof *src->files);
  if (!src->files) return kst_error(KST_ERR_NOMEM, "out of memory");
  uint64_t cap = 0;
  for (uint32_t f = 0; f < n_paths; ++f) {
    kst_mdf_file *file = &src->files[src->n_files];
    kst_status s = kst_mdf_open(file, paths[f]);
    if (s.code) {
      kst_events_free(src);
      return s;
    }
    src->n_files++;
    for (;;) {
      if (max_events && src->n_events >= max_events) break;
      kst_mdf_event ev;
      int done = 0;
      s = kst_mdf_next(file, &ev, &done);
      if (s.code) {
        /* Sizes past a malformed record cannot be trusted, so the rest of this file is skipped. */
        char msg[sizeof s.msg + 64];
        snprintf(msg, sizeof msg, "%s (rest of the file skipped)", s.msg);
        record_error(&src->errors, msg);
        break;
      }
      if (done) break;
      if (src->n_events == cap) {
        cap = cap ? cap * 2 : 1024;
        kst_mdf_event *ne = realloc(src->events, cap * sizeof *ne);
        if (!ne) {
          kst_events_free(src);
          return kst_error(KST_ERR_NOMEM, "out of memory reading %s", paths[f]);
        }
        src->events = ne;
      }
      src->events[src->n_events++] = ev;
    }
  }
  return kst_ok();
}

kst_status kst_events_cycle(kst_event_source *src, uint64_t n) {
  if (n <= src->n_events) return kst_ok();
  if (src->n_events == 0) return kst_error(KST_ERR_INVALID, "no events to repeat");
  kst_mdf_event *ev = realloc(src->events, n * sizeof *ev);
  if (!ev) return kst_error(KST_ERR_NOMEM, "out of memory repeating %llu events", (unsigned long long)n);
  for (uint64_t i = src->n_events; i < n; ++i) ev[i] = ev[i % src->n_events];
  src->events = ev;
  src->n_events = n;
  return kst_ok();
}

void kst_events_free(kst_event_source *src) {
  for (uint32_t f = 0; f < src->n_files; ++f) kst_mdf_close(&src->files[f]);
  free(src->files);
  free(src->events);
  for (uint32_t i = 0; i < src->errors.n_lines; ++i) free(src->errors.lines[i]);
  free(src->errors.lines);
  memset(src, 0, sizeof *src);
}
