/* First-fit arena with coalescing: a short sorted array of free ranges is enough for one sequence's buffers. */
#include "host/runtime/arena.h"

#include <string.h>

static uint64_t round_up(uint64_t n) { return (n + KST_ARENA_ALIGN - 1) / KST_ARENA_ALIGN * KST_ARENA_ALIGN; }

void kst_arena_init(kst_arena *a, uint64_t capacity) {
  memset(a, 0, sizeof *a);
  a->capacity = capacity / KST_ARENA_ALIGN * KST_ARENA_ALIGN;
  kst_arena_reset(a);
}

void kst_arena_reset(kst_arena *a) {
  a->used = 0;
  a->n_free = a->capacity ? 1 : 0;
  a->free[0].offset = 0;
  a->free[0].size = a->capacity;
}

void kst_arena_reset_peak(kst_arena *a) { a->peak = a->used; }

kst_status kst_arena_reserve(kst_arena *a, uint64_t size, uint64_t *offset) {
  if (size > a->capacity)
    return kst_error(KST_ERR_NOMEM, "arena: %llu bytes do not fit (capacity %llu)", (unsigned long long)size,
                     (unsigned long long)a->capacity);
  uint64_t need = round_up(size ? size : 1);
  for (uint32_t i = 0; i < a->n_free; ++i) {
    kst_range *r = &a->free[i];
    if (r->size < need) continue;
    *offset = r->offset;
    r->offset += need;
    r->size -= need;
    if (r->size == 0) {
      memmove(r, r + 1, (a->n_free - i - 1) * sizeof *r);
      a->n_free--;
    }
    a->used += need;
    if (a->used > a->peak) a->peak = a->used;
    return kst_ok();
  }
  return kst_error(KST_ERR_NOMEM, "arena: %llu bytes do not fit (%llu of %llu in use)", (unsigned long long)need,
                   (unsigned long long)a->used, (unsigned long long)a->capacity);
}

kst_status kst_arena_release(kst_arena *a, uint64_t offset, uint64_t size) {
  uint64_t len = round_up(size ? size : 1);
  uint32_t i = 0;
  while (i < a->n_free && a->free[i].offset < offset) ++i;
  /* A release overlapping a free range is a planner bug; refuse it rather than corrupt the list. */
  if ((i > 0 && a->free[i - 1].offset + a->free[i - 1].size > offset) ||
      (i < a->n_free && offset + len > a->free[i].offset) || offset + len > a->capacity)
    return kst_error(KST_ERR_INVALID, "arena: release of [%llu, +%llu) overlaps free space", (unsigned long long)offset,
                     (unsigned long long)len);
  int merge_left = i > 0 && a->free[i - 1].offset + a->free[i - 1].size == offset;
  int merge_right = i < a->n_free && offset + len == a->free[i].offset;
  if (merge_left && merge_right) {
    a->free[i - 1].size += len + a->free[i].size;
    memmove(&a->free[i], &a->free[i + 1], (a->n_free - i - 1) * sizeof a->free[0]);
    a->n_free--;
  } else if (merge_left) {
    a->free[i - 1].size += len;
  } else if (merge_right) {
    a->free[i].offset = offset;
    a->free[i].size += len;
  } else {
    if (a->n_free == KST_ARENA_MAX_FREE) return kst_error(KST_ERR_CAPACITY, "arena: too many free ranges");
    memmove(&a->free[i + 1], &a->free[i], (a->n_free - i) * sizeof a->free[0]);
    a->free[i].offset = offset;
    a->free[i].size = len;
    a->n_free++;
  }
  a->used -= len;
  return kst_ok();
}
