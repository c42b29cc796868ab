/* A first-fit arena over one preallocated block: offsets only, so the same planner serves device and host. */
#ifndef KST_ARENA_H
#define KST_ARENA_H

#include <stdint.h>

#include "kst_status.h"

#define KST_ARENA_ALIGN 256u
#define KST_ARENA_MAX_FREE 512u

/* A free range [offset, offset + size). */
typedef struct kst_range {
  uint64_t offset, size;
} kst_range;

/* The arena's bookkeeping: free ranges sorted by offset and never adjacent (coalesced). */
typedef struct kst_arena {
  uint64_t capacity;
  uint64_t used, peak;
  uint32_t n_free;
  kst_range free[KST_ARENA_MAX_FREE];
} kst_arena;

/* Starts an empty arena of capacity bytes. */
void kst_arena_init(kst_arena *a, uint64_t capacity);
/* Frees everything (peak is kept; see kst_arena_reset_peak). */
void kst_arena_reset(kst_arena *a);
/* Sets peak back to the current use. */
void kst_arena_reset_peak(kst_arena *a);
/* Reserves size bytes (rounded up to KST_ARENA_ALIGN) at the lowest offset that fits; KST_ERR_NOMEM if none. */
kst_status kst_arena_reserve(kst_arena *a, uint64_t size, uint64_t *offset);
/* Returns a reservation; neighbours merge so space does not fragment. */
kst_status kst_arena_release(kst_arena *a, uint64_t offset, uint64_t size);

#endif
