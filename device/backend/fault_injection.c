/* Fault injection: a countdown that makes the n-th device or host allocation fail, so tests can walk every
   allocation of a run and check that each failure is a clean error (as SQLite's and libuv's tests do). */
#include <stdatomic.h>

#include "kst_backend.h"

/* 0: no failure planned. Atomic: workers allocate from their own threads. */
static atomic_ullong fail_at, seen;

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
