/* The run's output file: the selected events as MDF, written by the workers' output algorithms a batch at a time. */
#ifndef KST_OUTPUT_H
#define KST_OUTPUT_H

#include <pthread.h>
#include <stdint.h>

#include "input/mdf.h"
#include "kst_status.h"

/* What the output keeps of an accepted event (kestrel run --output-mode). */
typedef enum kst_output_mode {
  KST_OUTPUT_FULL,    /* its input banks, then the decision banks */
  KST_OUTPUT_REDUCED  /* ODIN, the decision banks, the objects that fired the lines, MC truth when there is some */
} kst_output_mode;

/* One output file shared by the workers. Each worker writes its batch's records in one locked append, so a batch's
   events stay together and in order, and a worker's batches in the order it ran them. */
typedef struct kst_output {
  pthread_mutex_t lock;
  kst_mdf_writer *writer;
  kst_output_mode mode;
  char path[512];
  uint64_t events;          /* records written */
  uint64_t bytes_in;        /* the written events' input records, bytes */
  uint64_t bytes_out;       /* the records written, bytes */
  uint64_t bytes_mc;        /* of them, the MC truth banks kept (simulation only) */
  uint64_t not_written;     /* accepted events an earlier algorithm rejected (kst_ctx_reject_event): counted, not written */
  kst_status failed;        /* the first failed write: later batches write nothing */
} kst_output;

/* The mode called name ("full", "reduced"); -1 for another name. */
int kst_output_mode_parse(const char *name);
/* The name of mode. */
const char *kst_output_mode_name(kst_output_mode mode);
/* Opens path for the run (written beside itself and put in place by kst_output_close). */
kst_status kst_output_open(kst_output *o, const char *path, kst_output_mode mode);
/* A batch's share of the output: its encoded records back to back, and what they came from. */
typedef struct kst_output_batch {
  const void *records;
  size_t size;              /* bytes of records */
  uint32_t n;               /* records */
  uint64_t in_bytes;        /* their input records' bytes */
  uint64_t mc_bytes;        /* bytes of MC truth banks in them */
  uint64_t not_written;     /* accepted events rejected by decoding, left out */
} kst_output_batch;

/* Appends a batch's records and counts them; after a failed write returns that failure again. */
kst_status kst_output_write(kst_output *o, const kst_output_batch *b);
/* Closes the file and puts it in place; a run that failed (ok = 0) or a failed write removes the partial file and
   leaves the target as it was. Returns the first failure. */
kst_status kst_output_close(kst_output *o, int ok);

#endif
