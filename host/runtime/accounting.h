/* A run's accounting: every record read is accepted or rejected for one named reason, and the sums must balance. */
#ifndef KST_ACCOUNTING_H
#define KST_ACCOUNTING_H

#include <stddef.h>
#include <stdint.h>

#include "host/runtime/runtime.h"

/* Most distinct rejection reasons an accounting lists. */
#define KST_ACCOUNTING_REASONS 32

/* One reason: who rejected (an instance, or "input" and "runtime" for malformed records and events too big for the
   arenas) and how many. */
typedef struct kst_accounting_reason {
  char by[64];
  char reason[48];
  uint64_t events;
} kst_accounting_reason;

/* read = accepted + sum of reasons, with read counted by the file reader and the rest by the workers. */
typedef struct kst_accounting {
  uint64_t read, accepted, rejected;
  uint32_t n_reasons;
  kst_accounting_reason reasons[KST_ACCOUNTING_REASONS];
} kst_accounting;

/* Adds up r's counts (the "rejected:REASON" counters of every instance among them); KST_ERR_INVALID, naming the
   numbers, when they do not balance. */
kst_status kst_run_accounting(const kst_run_result *r, const kst_sequence *seq, kst_accounting *a);
/* The accounting as a JSON object (malloc'd text in *json): records_read, accepted, rejected, reasons [{by, reason,
   events}], and the first malformed records and rejected events in full. */
kst_status kst_accounting_json(const kst_run_result *r, const kst_sequence *seq, char **json);
/* "R records read = A accepted + X rejected (n reason by, ...)", for the run summary. */
void kst_accounting_format(const kst_accounting *a, char *out, size_t size);

#endif
