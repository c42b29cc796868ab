/* The run's output file: a locked MDF writer with the counts the run's summary prints. */
#include "host/runtime/output.h"

#include <stdio.h>
#include <string.h>

int kst_output_mode_parse(const char *name) {
  if (!strcmp(name, "full")) return KST_OUTPUT_FULL;
  if (!strcmp(name, "reduced")) return KST_OUTPUT_REDUCED;
  return -1;
}

const char *kst_output_mode_name(kst_output_mode mode) { return mode == KST_OUTPUT_REDUCED ? "reduced" : "full"; }

kst_status kst_output_open(kst_output *o, const char *path, kst_output_mode mode) {
  memset(o, 0, sizeof *o);
  o->mode = mode;
  snprintf(o->path, sizeof o->path, "%s", path);
  KST_TRY(kst_mdf_writer_open(&o->writer, path));
  if (pthread_mutex_init(&o->lock, NULL) != 0) {
    kst_mdf_writer_abort(o->writer);
    o->writer = NULL;
    return kst_error(KST_ERR_NOMEM, "%s: cannot create the output's lock", path);
  }
  return kst_ok();
}

kst_status kst_output_write(kst_output *o, const kst_output_batch *b) {
  pthread_mutex_lock(&o->lock);
  kst_status s = o->failed;
  if (!s.code) s = kst_mdf_write_records(o->writer, b->records, b->size, b->n);
  if (!s.code)
    o->events += b->n, o->bytes_in += b->in_bytes, o->bytes_out += b->size, o->bytes_mc += b->mc_bytes,
    o->not_written += b->not_written;
  else if (!o->failed.code) o->failed = s;
  pthread_mutex_unlock(&o->lock);
  return s;
}

kst_status kst_output_close(kst_output *o, int ok) {
  if (!o->writer) return o->failed;
  kst_status s = o->failed;
  if (ok && !s.code) s = kst_mdf_writer_close(o->writer);
  else kst_mdf_writer_abort(o->writer);
  o->writer = NULL;
  pthread_mutex_destroy(&o->lock);
  if (!o->failed.code) o->failed = s;
  return s;
}
