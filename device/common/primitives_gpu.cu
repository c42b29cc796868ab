/* Device primitives for the GPU backends: CUB (CUDA) or rocPRIM (HIP) scans and radix sorts, and a binary-search
   kernel; the two libraries differ only in the calls mapped below. */
#include "gpu_vendor.h"
#if defined(KST_BACKEND_HIP)
/* Debian's rocPRIM 5.3 uses std::cout in its headers without including <iostream> itself. */
#include <iostream>
#include <rocprim/rocprim.hpp>
#define PRIM_LIB "rocPRIM"
#define PRIM_SCAN_INCLUSIVE(t, bytes, in, out, n, st) \
  rocprim::inclusive_scan(t, bytes, in, out, n, rocprim::plus<uint32_t>(), st)
#define PRIM_SCAN_EXCLUSIVE(t, bytes, in, out, n, st) \
  rocprim::exclusive_scan(t, bytes, in, out, (uint32_t)0, n, rocprim::plus<uint32_t>(), st)
#define PRIM_SORT_PAIRS(t, bytes, ki, ko, vi, vo, n, end_bit, st) \
  rocprim::radix_sort_pairs(t, bytes, ki, ko, vi, vo, n, 0u, (unsigned)(end_bit), st)
/* rocPRIM cuts scans into launches of just under 2^32 items and reads the input item before each later
   launch, which an in-place scan has already overwritten; below this n there is a single launch. */
#define PRIM_IN_PLACE_MAX 0xffff0000u
#else
#include <cub/cub.cuh>
#define PRIM_LIB "CUB"
#define PRIM_SCAN_INCLUSIVE(t, bytes, in, out, n, st) cub::DeviceScan::InclusiveSum(t, bytes, in, out, n, st)
#define PRIM_SCAN_EXCLUSIVE(t, bytes, in, out, n, st) cub::DeviceScan::ExclusiveSum(t, bytes, in, out, n, st)
#define PRIM_SORT_PAIRS(t, bytes, ki, ko, vi, vo, n, end_bit, st) \
  cub::DeviceRadixSort::SortPairs(t, bytes, ki, ko, vi, vo, n, 0, (int)(end_bit), st)
/* CUB's scans are documented safe in place at any size. */
#define PRIM_IN_PLACE_MAX 0xffffffffu
#endif

#include "device/common/kst_primitives.h"

/* cudaMalloc alignment: the libraries carve their scratch assuming it, and callers' arenas may not give it. */
#define KST_PRIM_ALIGN 256
#define KST_PRIM_LB_BLOCK 256
static cudaStream_t prim_stream(kst_stream *s) { return s ? (cudaStream_t)kst_stream_native(s) : (cudaStream_t)0; }

static kst_status prim_gpu_error(const char *fn, const char *call, cudaError_t e) {
  return kst_error(KST_ERR_BACKEND, "%s: %s failed: %s (%s)", fn, call, cudaGetErrorName(e), cudaGetErrorString(e));
}

/* Returns a kst_status naming the primitive and the runtime or library call that failed. */
#define KST_PRIM_GPU(fn, call_name, expr)                                  \
  do {                                                                     \
    cudaError_t kst__e = (expr);                                            \
    if (kst__e != cudaSuccess) return prim_gpu_error(fn, call_name, kst__e); \
  } while (0)

/* Both phases of the temp protocol around a library size lib_bytes: the query reports lib_bytes plus
   alignment slack (1 byte when no scratch is used, never 0, see the header); a run gets back the
   aligned start of temp, or NULL when this was only a query. rocPRIM, unlike CUB, does not check
   the size it is given, so this check is the one that counts. */
static kst_status prim_temp(const char *fn, void *temp, size_t *temp_bytes, size_t lib_bytes, void **aligned) {
  size_t need = lib_bytes ? lib_bytes + (KST_PRIM_ALIGN - 1) : 1;
  *aligned = NULL;
  if (!temp) {
    *temp_bytes = need;
    return kst_ok();
  }
  if (*temp_bytes < need)
    return kst_error(KST_ERR_INVALID, "%s: temp is %zu bytes, %zu needed", fn, *temp_bytes, need);
  *aligned = lib_bytes ? (void *)(((uintptr_t)temp + (KST_PRIM_ALIGN - 1)) & ~(uintptr_t)(KST_PRIM_ALIGN - 1)) : temp;
  return kst_ok();
}

/* In place (in == out) is safe up to PRIM_IN_PLACE_MAX: every scan kernel loads a block's whole tile before
   storing it, and no block reads another block's tile of the input after the first kernel. */
static kst_status prim_scan(const char *fn, int inclusive, void *temp, size_t *temp_bytes, const uint32_t *in,
                            uint32_t *out, uint32_t n, kst_stream *s) {
  cudaStream_t st = prim_stream(s);
  size_t lib = 0;
  void *t;
  if (!temp_bytes) return kst_error(KST_ERR_INVALID, "%s: temp_bytes is NULL", fn);
  /* The size is asked again on a run because only the caller kept it, padded with our slack. */
  if (inclusive)
    KST_PRIM_GPU(fn, PRIM_LIB " inclusive scan (size)", PRIM_SCAN_INCLUSIVE(NULL, lib, in, out, n, st));
  else
    KST_PRIM_GPU(fn, PRIM_LIB " exclusive scan (size)", PRIM_SCAN_EXCLUSIVE(NULL, lib, in, out, n, st));
  KST_TRY(prim_temp(fn, temp, temp_bytes, lib, &t));
  if (!t || n == 0) return kst_ok();
  if (!in || !out) return kst_error(KST_ERR_INVALID, "%s: NULL data pointer with n=%u", fn, n);
  if (in == out && n > PRIM_IN_PLACE_MAX)
    return kst_error(KST_ERR_UNSUPPORTED, "%s: in-place scan of n=%u > %u items with " PRIM_LIB, fn, n,
                     PRIM_IN_PLACE_MAX);
  if (inclusive)
    KST_PRIM_GPU(fn, PRIM_LIB " inclusive scan", PRIM_SCAN_INCLUSIVE(t, lib, in, out, n, st));
  else
    KST_PRIM_GPU(fn, PRIM_LIB " exclusive scan", PRIM_SCAN_EXCLUSIVE(t, lib, in, out, n, st));
  return kst_ok();
}

kst_status kst_scan_exclusive_u32(void *temp, size_t *temp_bytes, const uint32_t *in, uint32_t *out, uint32_t n,
                                  kst_stream *s) {
  return prim_scan("kst_scan_exclusive_u32", 0, temp, temp_bytes, in, out, n, s);
}

kst_status kst_scan_inclusive_u32(void *temp, size_t *temp_bytes, const uint32_t *in, uint32_t *out, uint32_t n,
                                  kst_stream *s) {
  return prim_scan("kst_scan_inclusive_u32", 1, temp, temp_bytes, in, out, n, s);
}

kst_status kst_counts_to_offsets_u32(void *temp, size_t *temp_bytes, const uint32_t *counts, uint32_t *offsets,
                                     uint32_t n, kst_stream *s) {
  static const char fn[] = "kst_counts_to_offsets_u32";
  cudaStream_t st = prim_stream(s);
  size_t lib = 0;
  void *t;
  if (!temp_bytes) return kst_error(KST_ERR_INVALID, "%s: temp_bytes is NULL", fn);
  /* An inclusive scan shifted by one plus a 4-byte memset: two async operations, no host round trip. */
  KST_PRIM_GPU(fn, PRIM_LIB " inclusive scan (size)",
               PRIM_SCAN_INCLUSIVE(NULL, lib, counts, offsets ? offsets + 1 : NULL, n, st));
  KST_TRY(prim_temp(fn, temp, temp_bytes, lib, &t));
  if (!t) return kst_ok();
  if (!offsets || (n && !counts)) return kst_error(KST_ERR_INVALID, "%s: NULL data pointer with n=%u", fn, n);
  KST_PRIM_GPU(fn, "cudaMemsetAsync", cudaMemsetAsync(offsets, 0, sizeof *offsets, st));
  if (n == 0) return kst_ok();
  KST_PRIM_GPU(fn, PRIM_LIB " inclusive scan", PRIM_SCAN_INCLUSIVE(t, lib, counts, offsets + 1, n, st));
  return kst_ok();
}

static kst_status sort_args(const char *fn, const void *keys_in, const void *keys_out, const uint32_t *vals_in,
                            const uint32_t *vals_out, uint32_t n) {
  if (n == 0) return kst_ok();
  if (!keys_in || !keys_out || !vals_in || !vals_out)
    return kst_error(KST_ERR_INVALID, "%s: NULL data pointer with n=%u", fn, n);
  if (keys_in == keys_out || vals_in == vals_out)
    return kst_error(KST_ERR_INVALID, "%s: outputs must not alias inputs", fn);
  return kst_ok();
}

/* One body for both key widths; the libraries need the key type at compile time. Both radix sorts are stable. */
template <typename Key>
static kst_status prim_sort_pairs(const char *fn, void *temp, size_t *temp_bytes, const Key *keys_in, Key *keys_out,
                                  const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s) {
  const unsigned end_bit = (unsigned)(sizeof(Key) * 8);
  cudaStream_t st = prim_stream(s);
  size_t lib = 0;
  void *t;
  if (!temp_bytes) return kst_error(KST_ERR_INVALID, "%s: temp_bytes is NULL", fn);
  KST_PRIM_GPU(fn, PRIM_LIB " radix sort pairs (size)",
               PRIM_SORT_PAIRS(NULL, lib, keys_in, keys_out, vals_in, vals_out, n, end_bit, st));
  KST_TRY(prim_temp(fn, temp, temp_bytes, lib, &t));
  if (!t) return kst_ok();
  KST_TRY(sort_args(fn, keys_in, keys_out, vals_in, vals_out, n));
  if (n == 0) return kst_ok();
  KST_PRIM_GPU(fn, PRIM_LIB " radix sort pairs", PRIM_SORT_PAIRS(t, lib, keys_in, keys_out, vals_in, vals_out, n, end_bit, st));
  return kst_ok();
}

kst_status kst_radix_sort_pairs_u32(void *temp, size_t *temp_bytes, const uint32_t *keys_in, uint32_t *keys_out,
                                    const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s) {
  return prim_sort_pairs<uint32_t>("kst_radix_sort_pairs_u32", temp, temp_bytes, keys_in, keys_out, vals_in, vals_out,
                                   n, s);
}

kst_status kst_radix_sort_pairs_u64(void *temp, size_t *temp_bytes, const uint64_t *keys_in, uint64_t *keys_out,
                                    const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s) {
  return prim_sort_pairs<uint64_t>("kst_radix_sort_pairs_u64", temp, temp_bytes, keys_in, keys_out, vals_in, vals_out,
                                   n, s);
}

/* One thread per query; neighbouring queries share the top levels of the search, which stay in cache. */
static __global__ void kst_lower_bound_kernel(const uint32_t *__restrict__ sorted, uint32_t n,
                                              const uint32_t *__restrict__ queries, uint32_t *__restrict__ out,
                                              uint32_t m) {
  uint32_t j = blockIdx.x * blockDim.x + threadIdx.x;
  if (j >= m) return;
  uint32_t q = queries[j], lo = 0, len = n;
  while (len > 0) {
    uint32_t half = len >> 1;
    if (sorted[lo + half] < q) {
      lo += half + 1;
      len -= half + 1;
    } else {
      len = half;
    }
  }
  out[j] = lo;
}

kst_status kst_lower_bound_u32(void *temp, size_t *temp_bytes, const uint32_t *sorted, uint32_t n,
                               const uint32_t *queries, uint32_t *out, uint32_t m, kst_stream *s) {
  static const char fn[] = "kst_lower_bound_u32";
  void *t;
  if (!temp_bytes) return kst_error(KST_ERR_INVALID, "%s: temp_bytes is NULL", fn);
  KST_TRY(prim_temp(fn, temp, temp_bytes, 0, &t));
  if (!t || m == 0) return kst_ok();
  if (!queries || !out || (n && !sorted))
    return kst_error(KST_ERR_INVALID, "%s: NULL data pointer with n=%u m=%u", fn, n, m);
  unsigned blocks = (unsigned)(((size_t)m + (KST_PRIM_LB_BLOCK - 1)) / KST_PRIM_LB_BLOCK);
  kst_lower_bound_kernel<<<blocks, KST_PRIM_LB_BLOCK, 0, prim_stream(s)>>>(sorted, n, queries, out, m);
  KST_PRIM_GPU(fn, "launch of kst_lower_bound_kernel", cudaGetLastError());
  return kst_ok();
}
