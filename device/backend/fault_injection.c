/* Fault injection: countdowns that make the n-th device or host allocation, or the n-th file read, fail, so tests can
   walk every one of a run and check that each failure is a clean error (as SQLite's and libuv's tests do). */
#include <stdatomic.h>

#include "kst_backend.h"

/* 0: no failure planned. Atomic: workers allocate from their own threads. */
static atomic_ullong fail_at, seen, read_fail_at, reads;

void kst_fault_fail_allocation(uint64_t n) {
  atomic_store(&seen, 0);
  atomic_store(&fail_at, n);
}

uint64_t kst_fault_allocations(void) { return atomic_load(&seen); }

kst_status kst_fault_allocation(const char *call) {
  const unsigned long long n = atomic_fetch_add(&seen, 1ull) + 1ull, at = atomic_load(&fail_at);
  if (at && n == at) return kst_error(KST_ERR_NOMEM, "%s: injected failure of allocation %llu", call, n);
  return kst_ok();
}

void kst_fault_fail_read(uint64_t n) {
  atomic_store(&reads, 0);
  atomic_store(&read_fail_at, n);
}

uint64_t kst_fault_reads(void) { return atomic_load(&reads); }

kst_status kst_fault_read(const char *path) {
  const unsigned long long n = atomic_fetch_add(&reads, 1ull) + 1ull, at = atomic_load(&read_fail_at);
  if (at && n == at) return kst_error(KST_ERR_IO, "%s: injected failure of file read %llu", path, n);
  return kst_ok();
}
