/* kst_primitives: device-wide scan, counts-to-offsets, radix sort and lower_bound (CPU, CUB or rocPRIM). */
#ifndef KST_PRIMITIVES_H
#define KST_PRIMITIVES_H

#include <stddef.h>
#include <stdint.h>

#include "kst_backend.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Calling convention (CUB style, two phases), the same for every function here:
 *
 *   1. temp == NULL: only *temp_bytes is set, to the scratch size the call needs for these
 *      arguments (data pointers may be NULL in this phase). Nothing else is read or written.
 *   2. temp != NULL: *temp_bytes is read as the size of temp (it is not changed); the work is queued
 *      on stream s. A temp smaller than phase 1 asked for is refused with KST_ERR_INVALID.
 *
 * Primitives never allocate and, on GPUs, never synchronise the host: results are ready once the
 * stream is synchronised. The reported size is always at least 1 byte, so an arena that hands back
 * NULL for a 0-byte request can never turn the run into a second query, and it includes slack for
 * aligning, so temp needs no particular alignment. Query with the n (and m) of the run: CUB and
 * rocPRIM switch algorithms with size, so a size asked for a larger n is not promised to cover a smaller.
 *
 * All data pointers are device pointers (plain memory on the CPU). n == 0 is valid everywhere, and
 * then data pointers may be NULL (except offsets of kst_counts_to_offsets_u32, which gets offsets[0]).
 * s == NULL means the device's default (legacy) stream on GPUs. Sums wrap modulo 2^32.
 *
 * Aliasing: scans may run in place (in == out, exactly) on every backend (CUB documents it; rocPRIM
 * loads each tile before storing it, which holds up to n = 0xffff0000, above which HIP refuses an
 * in-place scan with KST_ERR_UNSUPPORTED); any other overlap is undefined. Sorts refuse keys_in == keys_out
 * or vals_in == vals_out with KST_ERR_INVALID. counts and offsets of kst_counts_to_offsets_u32 must not
 * overlap on GPUs (the CPU tolerates counts == offsets).
 */

/* out[i] = in[0] + ... + in[i-1] (out[0] = 0). */
kst_status kst_scan_exclusive_u32(void *temp, size_t *temp_bytes, const uint32_t *in, uint32_t *out,
                                  uint32_t n, kst_stream *s);
/* out[i] = in[0] + ... + in[i]. */
kst_status kst_scan_inclusive_u32(void *temp, size_t *temp_bytes, const uint32_t *in, uint32_t *out,
                                  uint32_t n, kst_stream *s);
/* offsets[0] = 0, offsets[i+1] = offsets[i] + counts[i]; offsets has n + 1 entries, offsets[n] = total. */
kst_status kst_counts_to_offsets_u32(void *temp, size_t *temp_bytes, const uint32_t *counts, uint32_t *offsets,
                                     uint32_t n, kst_stream *s);
/* Stable ascending sort of (key, value) pairs by 32-bit key; inputs are left unchanged. */
kst_status kst_radix_sort_pairs_u32(void *temp, size_t *temp_bytes, const uint32_t *keys_in, uint32_t *keys_out,
                                    const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s);
/* Stable ascending sort of (key, value) pairs by 64-bit key; inputs are left unchanged. */
kst_status kst_radix_sort_pairs_u64(void *temp, size_t *temp_bytes, const uint64_t *keys_in, uint64_t *keys_out,
                                    const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s);
/* out[j] = first i with sorted[i] >= queries[j], or n if none; sorted is ascending (n entries). */
kst_status kst_lower_bound_u32(void *temp, size_t *temp_bytes, const uint32_t *sorted, uint32_t n,
                               const uint32_t *queries, uint32_t *out, uint32_t m, kst_stream *s);

#ifdef __cplusplus
}
#endif
#endif
