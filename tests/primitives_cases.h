/* Checks of kst_primitives against host references, shared by the Criterion test and the GPU driver. */
#ifndef KST_PRIMITIVES_CASES_H
#define KST_PRIMITIVES_CASES_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/common/kst_primitives.h"
#include "kst_backend.h"

/* Sizes every sized case runs at: empty, single, around the CPU insertion-sort cut (48) and GPU tile
   sizes, odd, and large. */
static const uint32_t kst_pc_sizes[] = {0, 1, 2, 7, 47, 48, 64, 1001, 4097, 100003, 1u << 20};
#define KST_PC_N_SIZES (sizeof kst_pc_sizes / sizeof kst_pc_sizes[0])
#define KST_PC_MAX_BUFS 16

/* Per-case state: the stream, what to free afterwards, and why the case failed. */
typedef struct kst_pc_ctx {
  kst_stream *stream;
  void *dev[KST_PC_MAX_BUFS];
  void *host[KST_PC_MAX_BUFS];
  unsigned n_dev, n_host;
  uint64_t rng;
  char why[512];
} kst_pc_ctx;

/* One check: fn runs it for size n (unsized cases ignore n and run once). */
typedef struct kst_pc_case {
  const char *name;
  int (*fn)(kst_pc_ctx *c, uint32_t n, unsigned variant);
  unsigned variant;
  int sized;
} kst_pc_case;

static int kst_pc_fail(kst_pc_ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->why, sizeof c->why, fmt, ap);
  va_end(ap);
  return 0;
}

/* Fails the case with the status message when a call fails. */
#define KST_PC_OK(c, expr)                                                           \
  do {                                                                               \
    kst_status kst_pc__s = (expr);                                                   \
    if (kst_pc__s.code != KST_OK)                                                    \
      return kst_pc_fail((c), "%s -> %s: %s", #expr, kst_code_name(kst_pc__s.code), kst_pc__s.msg); \
  } while (0)

/* splitmix64: fixed seeds give the same inputs on every platform, unlike rand(). */
static uint64_t kst_pc_next(kst_pc_ctx *c) {
  uint64_t z = (c->rng += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void *kst_pc_host(kst_pc_ctx *c, size_t bytes) {
  void *p;
  if (c->n_host == KST_PC_MAX_BUFS) return NULL;
  p = malloc(bytes ? bytes : 1);
  if (p) c->host[c->n_host++] = p;
  return p;
}

/* Device buffer of at least bytes (never a 0-byte allocation), filled with 0xA5 so stale output shows. */
static void *kst_pc_dev(kst_pc_ctx *c, size_t bytes) {
  void *p = NULL;
  if (c->n_dev == KST_PC_MAX_BUFS) return NULL;
  if (bytes < 16) bytes = 16;
  if (kst_device_alloc(&p, bytes).code != KST_OK || !p) return NULL;
  c->dev[c->n_dev++] = p;
  if (kst_memset(p, 0xA5, bytes, c->stream).code != KST_OK) return NULL;
  return p;
}

static void *kst_pc_upload(kst_pc_ctx *c, const void *src, size_t bytes) {
  void *p = kst_pc_dev(c, bytes);
  if (p && bytes && kst_copy_h2d(p, src, bytes, c->stream).code != KST_OK) return NULL;
  return p;
}

static kst_status kst_pc_download(kst_pc_ctx *c, void *dst, const void *src, size_t bytes) {
  KST_TRY(kst_stream_sync(c->stream));
  if (bytes) KST_TRY(kst_copy_d2h(dst, src, bytes, c->stream));
  return kst_stream_sync(c->stream);
}

/* Temp for a run: offset by a few bytes (varying with n) so primitives must cope with unaligned temp. */
static void *kst_pc_temp(kst_pc_ctx *c, size_t bytes, uint32_t n) {
  char *p = (char *)kst_pc_dev(c, bytes + 8);
  return p ? p + (n & 7u) : NULL;
}

static void kst_pc_release(kst_pc_ctx *c) {
  /* The stream may still be running work on these buffers after a failed case. */
  (void)kst_stream_sync(c->stream);
  for (unsigned i = 0; i < c->n_dev; ++i) (void)kst_device_free(c->dev[i]);
  for (unsigned i = 0; i < c->n_host; ++i) free(c->host[i]);
  c->n_dev = c->n_host = 0;
}

#define KST_PC_NEED(c, p) \
  do {                    \
    if (!(p)) return kst_pc_fail((c), "allocation or upload of %s failed", #p); \
  } while (0)

/* ------------------------------------------------------------------ scans */

/* variant 0: small values; 1: full-range values, so sums wrap; 2: small values, in place. */
static uint32_t kst_pc_scan_value(kst_pc_ctx *c, unsigned variant) {
  uint64_t r = kst_pc_next(c);
  return variant == 1 ? (uint32_t)r : (uint32_t)(r % 1000u);
}

static int kst_pc_scan(kst_pc_ctx *c, uint32_t n, unsigned variant, int inclusive) {
  uint32_t *in = (uint32_t *)kst_pc_host(c, (size_t)n * 4), *got = (uint32_t *)kst_pc_host(c, ((size_t)n + 1) * 4);
  size_t bytes = 0;
  void *temp;
  uint32_t *d_in, *d_out, sum = 0;
  KST_PC_NEED(c, in);
  KST_PC_NEED(c, got);
  for (uint32_t i = 0; i < n; ++i) in[i] = kst_pc_scan_value(c, variant);
  /* One extra entry past the end (left at the 0xA5 fill) catches writes beyond n. */
  d_in = (uint32_t *)kst_pc_dev(c, ((size_t)n + 1) * 4);
  KST_PC_NEED(c, d_in);
  if (n) KST_PC_OK(c, kst_copy_h2d(d_in, in, (size_t)n * 4, c->stream));
  d_out = variant == 2 ? d_in : (uint32_t *)kst_pc_dev(c, ((size_t)n + 1) * 4);
  KST_PC_NEED(c, d_out);
  if (inclusive) {
    KST_PC_OK(c, kst_scan_inclusive_u32(NULL, &bytes, d_in, d_out, n, c->stream));
    if (bytes == 0) return kst_pc_fail(c, "temp query returned 0 bytes");
    temp = kst_pc_temp(c, bytes, n);
    KST_PC_NEED(c, temp);
    KST_PC_OK(c, kst_scan_inclusive_u32(temp, &bytes, d_in, d_out, n, c->stream));
  } else {
    KST_PC_OK(c, kst_scan_exclusive_u32(NULL, &bytes, d_in, d_out, n, c->stream));
    if (bytes == 0) return kst_pc_fail(c, "temp query returned 0 bytes");
    temp = kst_pc_temp(c, bytes, n);
    KST_PC_NEED(c, temp);
    KST_PC_OK(c, kst_scan_exclusive_u32(temp, &bytes, d_in, d_out, n, c->stream));
  }
  KST_PC_OK(c, kst_pc_download(c, got, d_out, ((size_t)n + 1) * 4));
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t want = inclusive ? sum + in[i] : sum;
    if (got[i] != want) return kst_pc_fail(c, "out[%u] = %u, want %u", i, got[i], want);
    sum += in[i];
  }
  if (got[n] != 0xA5A5A5A5u) return kst_pc_fail(c, "wrote past the end: out[%u] = %#x", n, got[n]);
  return 1;
}

static int kst_pc_scan_exclusive(kst_pc_ctx *c, uint32_t n, unsigned variant) {
  return kst_pc_scan(c, n, variant, 0);
}
static int kst_pc_scan_inclusive(kst_pc_ctx *c, uint32_t n, unsigned variant) {
  return kst_pc_scan(c, n, variant, 1);
}

/* variant 0: counts 0..9; 1: mostly zero counts with rare large ones, as sparse events give. */
static int kst_pc_counts_to_offsets(kst_pc_ctx *c, uint32_t n, unsigned variant) {
  uint32_t *counts = (uint32_t *)kst_pc_host(c, (size_t)n * 4);
  uint32_t *got = (uint32_t *)kst_pc_host(c, ((size_t)n + 2) * 4);
  size_t bytes = 0;
  uint32_t *d_counts, *d_offsets, sum = 0;
  void *temp;
  KST_PC_NEED(c, counts);
  KST_PC_NEED(c, got);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t r = kst_pc_next(c);
    counts[i] = variant == 0 ? (uint32_t)(r % 10u) : (r % 97u == 0 ? (uint32_t)(r >> 40) : 0u);
  }
  d_counts = (uint32_t *)kst_pc_upload(c, counts, (size_t)n * 4);
  d_offsets = (uint32_t *)kst_pc_dev(c, ((size_t)n + 2) * 4);
  KST_PC_NEED(c, d_counts);
  KST_PC_NEED(c, d_offsets);
  KST_PC_OK(c, kst_counts_to_offsets_u32(NULL, &bytes, d_counts, d_offsets, n, c->stream));
  if (bytes == 0) return kst_pc_fail(c, "temp query returned 0 bytes");
  temp = kst_pc_temp(c, bytes, n);
  KST_PC_NEED(c, temp);
  KST_PC_OK(c, kst_counts_to_offsets_u32(temp, &bytes, d_counts, d_offsets, n, c->stream));
  KST_PC_OK(c, kst_pc_download(c, got, d_offsets, ((size_t)n + 2) * 4));
  for (uint32_t i = 0; i <= n; ++i) {
    if (got[i] != sum) return kst_pc_fail(c, "offsets[%u] = %u, want %u", i, got[i], sum);
    if (i < n) sum += counts[i];
  }
  if (got[n + 1] != 0xA5A5A5A5u) return kst_pc_fail(c, "wrote past offsets[n]: %#x", got[n + 1]);
  return 1;
}

/* ------------------------------------------------------------------ radix sorts */

/* One pair of the reference: the input position breaks ties, which is exactly stability. */
typedef struct kst_pc_pair {
  uint64_t key;
  uint32_t pos, val;
} kst_pc_pair;

static int kst_pc_pair_cmp(const void *a, const void *b) {
  const kst_pc_pair *x = (const kst_pc_pair *)a, *y = (const kst_pc_pair *)b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* u32 variants: 0 full range; 1 16 distinct keys (stability); 2 keys < 256 (one digit); 3 all equal;
   4 only the top byte varies; 5 descending input. */
static uint32_t kst_pc_key32(kst_pc_ctx *c, uint32_t i, uint32_t n, unsigned variant) {
  uint32_t r = (uint32_t)kst_pc_next(c);
  switch (variant) {
    case 1: return r % 16u;
    case 2: return r & 0xffu;
    case 3: return 0x12345678u;
    case 4: return (r & 0xff000000u) | 0x00abcdefu;
    case 5: return (n - i) * 3u;
    default: return r;
  }
}

/* u64 variants: 0 full range; 1 top two bits and three low values (stability with high bits set);
   2 only the top byte varies; 3 only the upper 32 bits vary. */
static uint64_t kst_pc_key64(kst_pc_ctx *c, unsigned variant) {
  uint64_t r = kst_pc_next(c);
  switch (variant) {
    case 1: return ((r & 3u) << 62) | ((r >> 8) % 3u);
    case 2: return (r & 0xff00000000000000ull) | 0x0011223344556677ull;
    case 3: return (r & 0xffffffff00000000ull) | 0x9abcdef0ull;
    default: return r;
  }
}

static int kst_pc_sort(kst_pc_ctx *c, uint32_t n, unsigned variant, int wide) {
  size_t key_size = wide ? 8 : 4, bytes = 0;
  void *keys = kst_pc_host(c, (size_t)n * key_size), *got_keys = kst_pc_host(c, (size_t)n * key_size);
  uint32_t *vals = (uint32_t *)kst_pc_host(c, (size_t)n * 4), *got_vals = (uint32_t *)kst_pc_host(c, (size_t)n * 4);
  kst_pc_pair *ref = (kst_pc_pair *)kst_pc_host(c, (size_t)n * sizeof(kst_pc_pair));
  void *d_keys, *d_keys_out, *temp;
  uint32_t *d_vals, *d_vals_out;
  KST_PC_NEED(c, keys);
  KST_PC_NEED(c, got_keys);
  KST_PC_NEED(c, vals);
  KST_PC_NEED(c, got_vals);
  KST_PC_NEED(c, ref);
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t k = wide ? kst_pc_key64(c, variant) : kst_pc_key32(c, i, n, variant);
    if (wide)
      ((uint64_t *)keys)[i] = k;
    else
      ((uint32_t *)keys)[i] = (uint32_t)k;
    /* An odd multiplier keeps values unique, so a misplaced value always shows. */
    vals[i] = i * 2654435761u;
    ref[i].key = k;
    ref[i].pos = i;
    ref[i].val = vals[i];
  }
  if (n) qsort(ref, n, sizeof *ref, kst_pc_pair_cmp);
  d_keys = kst_pc_upload(c, keys, (size_t)n * key_size);
  d_vals = (uint32_t *)kst_pc_upload(c, vals, (size_t)n * 4);
  d_keys_out = kst_pc_dev(c, (size_t)n * key_size);
  d_vals_out = (uint32_t *)kst_pc_dev(c, (size_t)n * 4);
  KST_PC_NEED(c, d_keys);
  KST_PC_NEED(c, d_vals);
  KST_PC_NEED(c, d_keys_out);
  KST_PC_NEED(c, d_vals_out);
  if (wide) {
    KST_PC_OK(c, kst_radix_sort_pairs_u64(NULL, &bytes, (const uint64_t *)d_keys, (uint64_t *)d_keys_out, d_vals,
                                          d_vals_out, n, c->stream));
    if (bytes == 0) return kst_pc_fail(c, "temp query returned 0 bytes");
    temp = kst_pc_temp(c, bytes, n);
    KST_PC_NEED(c, temp);
    KST_PC_OK(c, kst_radix_sort_pairs_u64(temp, &bytes, (const uint64_t *)d_keys, (uint64_t *)d_keys_out, d_vals,
                                          d_vals_out, n, c->stream));
  } else {
    KST_PC_OK(c, kst_radix_sort_pairs_u32(NULL, &bytes, (const uint32_t *)d_keys, (uint32_t *)d_keys_out, d_vals,
                                          d_vals_out, n, c->stream));
    if (bytes == 0) return kst_pc_fail(c, "temp query returned 0 bytes");
    temp = kst_pc_temp(c, bytes, n);
    KST_PC_NEED(c, temp);
    KST_PC_OK(c, kst_radix_sort_pairs_u32(temp, &bytes, (const uint32_t *)d_keys, (uint32_t *)d_keys_out, d_vals,
                                          d_vals_out, n, c->stream));
  }
  KST_PC_OK(c, kst_pc_download(c, got_keys, d_keys_out, (size_t)n * key_size));
  KST_PC_OK(c, kst_pc_download(c, got_vals, d_vals_out, (size_t)n * 4));
  for (uint32_t i = 0; i < n; ++i) {
    uint64_t k = wide ? ((uint64_t *)got_keys)[i] : ((uint32_t *)got_keys)[i];
    if (k != ref[i].key)
      return kst_pc_fail(c, "keys_out[%u] = %#llx, want %#llx", i, (unsigned long long)k,
                         (unsigned long long)ref[i].key);
    if (got_vals[i] != ref[i].val)
      return kst_pc_fail(c, "vals_out[%u] = %u, want %u (key %#llx: unstable or misplaced)", i, got_vals[i],
                         ref[i].val, (unsigned long long)k);
  }
  /* The inputs are const: a sort that used them as scratch would show here. */
  KST_PC_OK(c, kst_pc_download(c, got_vals, d_vals, (size_t)n * 4));
  if (n && memcmp(got_vals, vals, (size_t)n * 4) != 0) return kst_pc_fail(c, "vals_in was modified");
  KST_PC_OK(c, kst_pc_download(c, got_keys, d_keys, (size_t)n * key_size));
  if (n && memcmp(got_keys, keys, (size_t)n * key_size) != 0) return kst_pc_fail(c, "keys_in was modified");
  return 1;
}

static int kst_pc_sort_u32(kst_pc_ctx *c, uint32_t n, unsigned variant) { return kst_pc_sort(c, n, variant, 0); }
static int kst_pc_sort_u64(kst_pc_ctx *c, uint32_t n, unsigned variant) { return kst_pc_sort(c, n, variant, 1); }

/* ------------------------------------------------------------------ lower_bound */

static int kst_pc_u32_cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* variant 0: random queries over the value range and beyond; 1: queries equal to elements, one
   below and one above each, plus 0 and UINT32_MAX. sorted has duplicates and starts above 0. */
static int kst_pc_lower_bound(kst_pc_ctx *c, uint32_t n, unsigned variant) {
  uint32_t m = n < 16 ? 16 : n;
  uint32_t *sorted = (uint32_t *)kst_pc_host(c, (size_t)n * 4), *queries = (uint32_t *)kst_pc_host(c, (size_t)m * 4);
  uint32_t *got = (uint32_t *)kst_pc_host(c, ((size_t)m + 1) * 4), *d_sorted, *d_queries, *d_out;
  uint32_t span = n * 2u + 10u;
  size_t bytes = 0;
  void *temp;
  KST_PC_NEED(c, sorted);
  KST_PC_NEED(c, queries);
  KST_PC_NEED(c, got);
  for (uint32_t i = 0; i < n; ++i) sorted[i] = 5u + (uint32_t)(kst_pc_next(c) % span);
  if (n) qsort(sorted, n, sizeof *sorted, kst_pc_u32_cmp);
  for (uint32_t j = 0; j < m; ++j) {
    uint64_t r = kst_pc_next(c);
    if (variant == 0) {
      queries[j] = (uint32_t)(r % (span + 20u));
    } else if (j == 0) {
      queries[j] = 0;
    } else if (j == 1) {
      queries[j] = UINT32_MAX;
    } else {
      uint32_t base = n ? sorted[r % n] : (uint32_t)r;
      queries[j] = base + (uint32_t)((r >> 32) % 3u) - 1u;
    }
  }
  d_sorted = (uint32_t *)kst_pc_upload(c, sorted, (size_t)n * 4);
  d_queries = (uint32_t *)kst_pc_upload(c, queries, (size_t)m * 4);
  d_out = (uint32_t *)kst_pc_dev(c, ((size_t)m + 1) * 4);
  KST_PC_NEED(c, d_sorted);
  KST_PC_NEED(c, d_queries);
  KST_PC_NEED(c, d_out);
  KST_PC_OK(c, kst_lower_bound_u32(NULL, &bytes, d_sorted, n, d_queries, d_out, m, c->stream));
  if (bytes == 0) return kst_pc_fail(c, "temp query returned 0 bytes");
  temp = kst_pc_temp(c, bytes, n);
  KST_PC_NEED(c, temp);
  KST_PC_OK(c, kst_lower_bound_u32(temp, &bytes, d_sorted, n, d_queries, d_out, m, c->stream));
  KST_PC_OK(c, kst_pc_download(c, got, d_out, ((size_t)m + 1) * 4));
  for (uint32_t j = 0; j < m; ++j) {
    uint32_t q = queries[j], i = got[j];
    /* The definition itself, checked per query: everything before i is < q, and sorted[i] >= q. */
    if (i > n) return kst_pc_fail(c, "out[%u] = %u > n = %u (query %u)", j, i, n, q);
    if (i < n && sorted[i] < q)
      return kst_pc_fail(c, "out[%u] = %u but sorted[%u] = %u < query %u", j, i, i, sorted[i], q);
    if (i > 0 && sorted[i - 1] >= q)
      return kst_pc_fail(c, "out[%u] = %u but sorted[%u] = %u >= query %u", j, i, i - 1, sorted[i - 1], q);
  }
  if (got[m] != 0xA5A5A5A5u) return kst_pc_fail(c, "wrote past out[m]: %#x", got[m]);
  return 1;
}

/* ------------------------------------------------------------------ API contract (unsized) */

/* Queries touch no data (NULL pointers are fine), sizes are never 0, and bad calls are refused. */
static int kst_pc_contract(kst_pc_ctx *c, uint32_t n, unsigned variant) {
  size_t bytes = 0, small;
  uint32_t *buf, *buf2, first = 1;
  uint64_t *kbuf;
  void *temp;
  (void)n;
  (void)variant;
  KST_PC_OK(c, kst_radix_sort_pairs_u32(NULL, &bytes, NULL, NULL, NULL, NULL, 100000, c->stream));
  if (bytes == 0) return kst_pc_fail(c, "sort query with NULL data returned 0 bytes");
  KST_PC_OK(c, kst_scan_exclusive_u32(NULL, &bytes, NULL, NULL, 100000, c->stream));
  KST_PC_OK(c, kst_counts_to_offsets_u32(NULL, &bytes, NULL, NULL, 100000, c->stream));
  KST_PC_OK(c, kst_lower_bound_u32(NULL, &bytes, NULL, 100000, NULL, NULL, 100000, c->stream));
  if (kst_scan_inclusive_u32(NULL, NULL, NULL, NULL, 1, c->stream).code != KST_ERR_INVALID)
    return kst_pc_fail(c, "temp_bytes == NULL was not refused");

  /* n == 0 runs with NULL data pointers. */
  temp = kst_pc_dev(c, 4096);
  KST_PC_NEED(c, temp);
  bytes = 4096;
  KST_PC_OK(c, kst_scan_exclusive_u32(temp, &bytes, NULL, NULL, 0, c->stream));
  KST_PC_OK(c, kst_scan_inclusive_u32(temp, &bytes, NULL, NULL, 0, c->stream));
  KST_PC_OK(c, kst_radix_sort_pairs_u32(temp, &bytes, NULL, NULL, NULL, NULL, 0, c->stream));
  KST_PC_OK(c, kst_radix_sort_pairs_u64(temp, &bytes, NULL, NULL, NULL, NULL, 0, c->stream));
  KST_PC_OK(c, kst_lower_bound_u32(temp, &bytes, NULL, 0, NULL, NULL, 0, c->stream));
  if (bytes != 4096) return kst_pc_fail(c, "a run changed *temp_bytes to %zu", bytes);

  /* A temp one byte short of the query is refused before any work. */
  buf = (uint32_t *)kst_pc_dev(c, 4096 * 4);
  buf2 = (uint32_t *)kst_pc_dev(c, 4096 * 4);
  kbuf = (uint64_t *)kst_pc_dev(c, 4096 * 8);
  KST_PC_NEED(c, buf);
  KST_PC_NEED(c, buf2);
  KST_PC_NEED(c, kbuf);
  KST_PC_OK(c, kst_radix_sort_pairs_u32(NULL, &bytes, buf, buf2, buf, buf2, 4096, c->stream));
  if (bytes > 1) {
    small = bytes - 1;
    temp = kst_pc_dev(c, small);
    KST_PC_NEED(c, temp);
    if (kst_radix_sort_pairs_u32(temp, &small, buf, buf2, buf, buf2, 4096, c->stream).code != KST_ERR_INVALID)
      return kst_pc_fail(c, "a temp of %zu bytes (%zu needed) was not refused", small, bytes);
  }
  KST_PC_OK(c, kst_scan_exclusive_u32(NULL, &bytes, buf, buf2, 4096, c->stream));
  if (bytes > 1) {
    small = bytes - 1;
    temp = kst_pc_dev(c, small);
    KST_PC_NEED(c, temp);
    if (kst_scan_exclusive_u32(temp, &small, buf, buf2, 4096, c->stream).code != KST_ERR_INVALID)
      return kst_pc_fail(c, "a scan temp of %zu bytes (%zu needed) was not refused", small, bytes);
  }

  /* m == 0 queries against a non-empty array write nothing. */
  KST_PC_OK(c, kst_lower_bound_u32(NULL, &bytes, buf, 4096, NULL, NULL, 0, c->stream));
  temp = kst_pc_dev(c, bytes);
  KST_PC_NEED(c, temp);
  KST_PC_OK(c, kst_lower_bound_u32(temp, &bytes, buf, 4096, NULL, NULL, 0, c->stream));

  /* Sorting in place is refused rather than silently wrong. */
  KST_PC_OK(c, kst_radix_sort_pairs_u64(NULL, &bytes, kbuf, kbuf, buf, buf2, 4096, c->stream));
  temp = kst_pc_dev(c, bytes);
  KST_PC_NEED(c, temp);
  if (kst_radix_sort_pairs_u64(temp, &bytes, kbuf, kbuf, buf, buf2, 4096, c->stream).code != KST_ERR_INVALID)
    return kst_pc_fail(c, "keys_in == keys_out was not refused");
  KST_PC_OK(c, kst_radix_sort_pairs_u32(NULL, &bytes, buf, buf2, buf, buf, 4096, c->stream));
  temp = kst_pc_dev(c, bytes);
  KST_PC_NEED(c, temp);
  if (kst_radix_sort_pairs_u32(temp, &bytes, buf, buf2, buf, buf, 4096, c->stream).code != KST_ERR_INVALID)
    return kst_pc_fail(c, "vals_in == vals_out was not refused");

  /* counts_to_offsets with n == 0 still writes offsets[0]. */
  KST_PC_OK(c, kst_counts_to_offsets_u32(NULL, &bytes, NULL, buf, 0, c->stream));
  temp = kst_pc_dev(c, bytes);
  KST_PC_NEED(c, temp);
  KST_PC_OK(c, kst_counts_to_offsets_u32(temp, &bytes, NULL, buf, 0, c->stream));
  KST_PC_OK(c, kst_pc_download(c, &first, buf, 4));
  if (first != 0u) return kst_pc_fail(c, "offsets[0] = %u with n = 0", first);
  return 1;
}

/* ------------------------------------------------------------------ the table */

static const kst_pc_case kst_pc_cases[] = {
    {"contract", kst_pc_contract, 0, 0},
    {"scan_exclusive/small", kst_pc_scan_exclusive, 0, 1},
    {"scan_exclusive/wrap", kst_pc_scan_exclusive, 1, 1},
    {"scan_exclusive/in_place", kst_pc_scan_exclusive, 2, 1},
    {"scan_inclusive/small", kst_pc_scan_inclusive, 0, 1},
    {"scan_inclusive/wrap", kst_pc_scan_inclusive, 1, 1},
    {"scan_inclusive/in_place", kst_pc_scan_inclusive, 2, 1},
    {"counts_to_offsets/dense", kst_pc_counts_to_offsets, 0, 1},
    {"counts_to_offsets/sparse", kst_pc_counts_to_offsets, 1, 1},
    {"sort_u32/random", kst_pc_sort_u32, 0, 1},
    {"sort_u32/16_keys", kst_pc_sort_u32, 1, 1},
    {"sort_u32/low_byte", kst_pc_sort_u32, 2, 1},
    {"sort_u32/all_equal", kst_pc_sort_u32, 3, 1},
    {"sort_u32/top_byte", kst_pc_sort_u32, 4, 1},
    {"sort_u32/descending", kst_pc_sort_u32, 5, 1},
    {"sort_u64/random", kst_pc_sort_u64, 0, 1},
    {"sort_u64/high_bits_dups", kst_pc_sort_u64, 1, 1},
    {"sort_u64/top_byte", kst_pc_sort_u64, 2, 1},
    {"sort_u64/upper_half", kst_pc_sort_u64, 3, 1},
    {"lower_bound/random", kst_pc_lower_bound, 0, 1},
    {"lower_bound/edges", kst_pc_lower_bound, 1, 1},
};
#define KST_PC_N_CASES (sizeof kst_pc_cases / sizeof kst_pc_cases[0])

/* Runs one case at size n with a seed fixed by case and size; frees its buffers whatever happens. */
static int kst_pc_run(kst_pc_ctx *c, const kst_pc_case *k, uint32_t n) {
  int ok;
  c->rng = 0x6b657374726c0000ull ^ ((uint64_t)n << 8) ^ (uint64_t)(k - kst_pc_cases);
  c->why[0] = '\0';
  c->n_dev = c->n_host = 0;
  ok = k->fn(c, n, k->variant);
  kst_pc_release(c);
  return ok;
}

#endif
