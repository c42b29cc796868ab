/* Device primitives for the CPU backend: straight loops plus a stable LSD radix sort with 8-bit digits. */
#include "device/common/kst_primitives.h"

#include <string.h>

/* Below this many pairs an insertion sort beats the histogram pass plus scatters. */
#define KST_PRIM_SMALL_SORT 48
/* Temp sub-buffers start on cache lines so the scatters never share a line between the two arrays. */
#define KST_PRIM_LINE 64

/* Handles both phases of the temp protocol; *run says whether the caller should do the work. */
static kst_status prim_temp(const char *fn, const void *temp, size_t *temp_bytes, size_t need, int *run) {
  *run = 0;
  if (!temp_bytes) return kst_error(KST_ERR_INVALID, "%s: temp_bytes is NULL", fn);
  /* Never 0: an arena may hand back NULL for 0 bytes, which would turn the run into another query. */
  if (need == 0) need = 1;
  if (!temp) {
    *temp_bytes = need;
    return kst_ok();
  }
  if (*temp_bytes < need)
    return kst_error(KST_ERR_INVALID, "%s: temp is %zu bytes, %zu needed", fn, *temp_bytes, need);
  *run = 1;
  return kst_ok();
}

static size_t round_line(size_t bytes) { return (bytes + KST_PRIM_LINE - 1) & ~(size_t)(KST_PRIM_LINE - 1); }

static void *align_line(void *p) {
  uintptr_t u = (uintptr_t)p;
  return (void *)((u + KST_PRIM_LINE - 1) & ~(uintptr_t)(KST_PRIM_LINE - 1));
}

kst_status kst_scan_exclusive_u32(void *temp, size_t *temp_bytes, const uint32_t *in, uint32_t *out, uint32_t n,
                                  kst_stream *s) {
  int run;
  uint32_t sum = 0;
  (void)s;
  KST_TRY(prim_temp("kst_scan_exclusive_u32", temp, temp_bytes, 0, &run));
  if (!run || n == 0) return kst_ok();
  if (!in || !out) return kst_error(KST_ERR_INVALID, "kst_scan_exclusive_u32: NULL data pointer with n=%u", n);
  /* Reading in[i] before writing out[i] is what makes in == out safe. */
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t v = in[i];
    out[i] = sum;
    sum += v;
  }
  return kst_ok();
}

kst_status kst_scan_inclusive_u32(void *temp, size_t *temp_bytes, const uint32_t *in, uint32_t *out, uint32_t n,
                                  kst_stream *s) {
  int run;
  uint32_t sum = 0;
  (void)s;
  KST_TRY(prim_temp("kst_scan_inclusive_u32", temp, temp_bytes, 0, &run));
  if (!run || n == 0) return kst_ok();
  if (!in || !out) return kst_error(KST_ERR_INVALID, "kst_scan_inclusive_u32: NULL data pointer with n=%u", n);
  for (uint32_t i = 0; i < n; ++i) {
    sum += in[i];
    out[i] = sum;
  }
  return kst_ok();
}

kst_status kst_counts_to_offsets_u32(void *temp, size_t *temp_bytes, const uint32_t *counts, uint32_t *offsets,
                                     uint32_t n, kst_stream *s) {
  int run;
  uint32_t sum = 0;
  (void)s;
  KST_TRY(prim_temp("kst_counts_to_offsets_u32", temp, temp_bytes, 0, &run));
  if (!run) return kst_ok();
  if (!offsets || (n && !counts))
    return kst_error(KST_ERR_INVALID, "kst_counts_to_offsets_u32: NULL data pointer with n=%u", n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t c = counts[i];
    offsets[i] = sum;
    sum += c;
  }
  offsets[n] = sum;
  return kst_ok();
}

/* ------------------------------------------------------------------ radix sort */

/* The type-specific parts: one read of the keys for every digit's histogram, a stable scatter by one
   digit, and an insertion sort for tiny inputs. The driver below is shared by both key widths. */
#define KST_PRIM_RADIX_PARTS(SUFFIX, KEY_T, PASSES)                                                           \
  static void histograms_##SUFFIX(const KEY_T *keys, uint32_t n, uint32_t counts[][256]) {                    \
    memset(counts, 0, sizeof(uint32_t) * 256 * (PASSES));                                                     \
    for (uint32_t i = 0; i < n; ++i) {                                                                        \
      KEY_T k = keys[i];                                                                                      \
      for (unsigned p = 0; p < (PASSES); ++p) counts[p][(k >> (8 * p)) & 0xff]++;                             \
    }                                                                                                         \
  }                                                                                                           \
  static void scatter_##SUFFIX(const void *ks_, const uint32_t *vs, void *kd_, uint32_t *vd, uint32_t n,      \
                               unsigned shift, uint32_t *next) {                                              \
    const KEY_T *ks = (const KEY_T *)ks_;                                                                     \
    KEY_T *kd = (KEY_T *)kd_;                                                                                 \
    for (uint32_t i = 0; i < n; ++i) {                                                                        \
      KEY_T k = ks[i];                                                                                        \
      uint32_t at = next[(k >> shift) & 0xff]++;                                                              \
      kd[at] = k;                                                                                             \
      vd[at] = vs[i];                                                                                         \
    }                                                                                                         \
  }                                                                                                           \
  static void insertion_sort_##SUFFIX(KEY_T *keys, uint32_t *vals, uint32_t n) {                              \
    for (uint32_t i = 1; i < n; ++i) {                                                                        \
      KEY_T k = keys[i];                                                                                      \
      uint32_t v = vals[i], j = i;                                                                            \
      /* Strict > keeps equal keys in input order: that is the stability. */                                 \
      for (; j > 0 && keys[j - 1] > k; --j) {                                                                 \
        keys[j] = keys[j - 1];                                                                                \
        vals[j] = vals[j - 1];                                                                                \
      }                                                                                                       \
      keys[j] = k;                                                                                            \
      vals[j] = v;                                                                                            \
    }                                                                                                         \
  }

KST_PRIM_RADIX_PARTS(u32, uint32_t, 4)
KST_PRIM_RADIX_PARTS(u64, uint64_t, 8)

typedef void (*kst_prim_scatter_fn)(const void *ks, const uint32_t *vs, void *kd, uint32_t *vd, uint32_t n,
                                    unsigned shift, uint32_t *next);

static size_t radix_temp_bytes(uint32_t n, size_t key_size) {
  if (n < KST_PRIM_SMALL_SORT) return 0;
  return (KST_PRIM_LINE - 1) + round_line((size_t)n * key_size) + (size_t)n * sizeof(uint32_t);
}

/* Runs only the passes whose digit is not the same for every key, ping-ponging between out and temp so
   that the last pass lands in out. first_key is keys_in[0] widened, for spotting constant digits. */
static void radix_passes(const void *keys_in, void *keys_out, const uint32_t *vals_in, uint32_t *vals_out,
                         uint32_t n, size_t key_size, unsigned passes, uint32_t counts[][256], uint64_t first_key,
                         void *temp, kst_prim_scatter_fn scatter) {
  unsigned active[8], n_active = 0;
  for (unsigned p = 0; p < passes; ++p)
    if (counts[p][(first_key >> (8 * p)) & 0xff] != n) active[n_active++] = p;
  if (n_active == 0) {
    memcpy(keys_out, keys_in, (size_t)n * key_size);
    memcpy(vals_out, vals_in, (size_t)n * sizeof(uint32_t));
    return;
  }
  char *keys_tmp = (char *)align_line(temp);
  uint32_t *vals_tmp = (uint32_t *)(keys_tmp + round_line((size_t)n * key_size));
  const void *ks = keys_in;
  const uint32_t *vs = vals_in;
  for (unsigned j = 0; j < n_active; ++j) {
    unsigned p = active[j];
    /* Odd distance to the last pass writes out, so the last one always does. */
    int to_out = ((n_active - j) & 1u) != 0;
    void *kd = to_out ? keys_out : (void *)keys_tmp;
    uint32_t *vd = to_out ? vals_out : vals_tmp;
    uint32_t next[256], run = 0;
    for (unsigned d = 0; d < 256; ++d) {
      next[d] = run;
      run += counts[p][d];
    }
    scatter(ks, vs, kd, vd, n, 8 * p, next);
    ks = kd;
    vs = vd;
  }
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

kst_status kst_radix_sort_pairs_u32(void *temp, size_t *temp_bytes, const uint32_t *keys_in, uint32_t *keys_out,
                                    const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s) {
  static const char fn[] = "kst_radix_sort_pairs_u32";
  int run;
  (void)s;
  KST_TRY(prim_temp(fn, temp, temp_bytes, radix_temp_bytes(n, sizeof *keys_in), &run));
  if (!run) return kst_ok();
  KST_TRY(sort_args(fn, keys_in, keys_out, vals_in, vals_out, n));
  if (n < KST_PRIM_SMALL_SORT) {
    if (n == 0) return kst_ok();
    memcpy(keys_out, keys_in, (size_t)n * sizeof *keys_in);
    memcpy(vals_out, vals_in, (size_t)n * sizeof *vals_in);
    insertion_sort_u32(keys_out, vals_out, n);
    return kst_ok();
  }
  uint32_t counts[4][256];
  histograms_u32(keys_in, n, counts);
  radix_passes(keys_in, keys_out, vals_in, vals_out, n, sizeof *keys_in, 4, counts, keys_in[0], temp, scatter_u32);
  return kst_ok();
}

kst_status kst_radix_sort_pairs_u64(void *temp, size_t *temp_bytes, const uint64_t *keys_in, uint64_t *keys_out,
                                    const uint32_t *vals_in, uint32_t *vals_out, uint32_t n, kst_stream *s) {
  static const char fn[] = "kst_radix_sort_pairs_u64";
  int run;
  (void)s;
  KST_TRY(prim_temp(fn, temp, temp_bytes, radix_temp_bytes(n, sizeof *keys_in), &run));
  if (!run) return kst_ok();
  KST_TRY(sort_args(fn, keys_in, keys_out, vals_in, vals_out, n));
  if (n < KST_PRIM_SMALL_SORT) {
    if (n == 0) return kst_ok();
    memcpy(keys_out, keys_in, (size_t)n * sizeof *keys_in);
    memcpy(vals_out, vals_in, (size_t)n * sizeof *vals_in);
    insertion_sort_u64(keys_out, vals_out, n);
    return kst_ok();
  }
  uint32_t counts[8][256];
  histograms_u64(keys_in, n, counts);
  radix_passes(keys_in, keys_out, vals_in, vals_out, n, sizeof *keys_in, 8, counts, keys_in[0], temp, scatter_u64);
  return kst_ok();
}

/* ------------------------------------------------------------------ lower_bound */

/* Queries searched together. The halving sequence of len depends only on n, so a group of queries can
   walk the levels in lockstep; their independent loads then overlap instead of each query waiting out
   one cache miss per level (4-10x faster measured on 100k to 4M entries). */
#define KST_PRIM_LB_GROUP 32

/* Branch-free halving, a group at a time: the compare becomes a conditional add, so random queries do
   not pay for mispredicted branches at every level either. */
static void lower_bound_group(const uint32_t *sorted, uint32_t n, const uint32_t *q, uint32_t *out, uint32_t g) {
  uint32_t base[KST_PRIM_LB_GROUP];
  uint32_t len = n;
  for (uint32_t i = 0; i < g; ++i) base[i] = 0;
  while (len > 1) {
    uint32_t half = len / 2;
    for (uint32_t i = 0; i < g; ++i) base[i] += (sorted[base[i] + half - 1] < q[i]) ? half : 0;
    len -= half;
  }
  for (uint32_t i = 0; i < g; ++i) out[i] = base[i] + (sorted[base[i]] < q[i]);
}

kst_status kst_lower_bound_u32(void *temp, size_t *temp_bytes, const uint32_t *sorted, uint32_t n,
                               const uint32_t *queries, uint32_t *out, uint32_t m, kst_stream *s) {
  int run;
  (void)s;
  KST_TRY(prim_temp("kst_lower_bound_u32", temp, temp_bytes, 0, &run));
  if (!run || m == 0) return kst_ok();
  if (!queries || !out || (n && !sorted))
    return kst_error(KST_ERR_INVALID, "kst_lower_bound_u32: NULL data pointer with n=%u m=%u", n, m);
  if (n == 0) {
    memset(out, 0, (size_t)m * sizeof *out);
    return kst_ok();
  }
  for (uint32_t j = 0; j < m; j += KST_PRIM_LB_GROUP) {
    uint32_t g = m - j < KST_PRIM_LB_GROUP ? m - j : KST_PRIM_LB_GROUP;
    lower_bound_group(sorted, n, queries + j, out + j, g);
  }
  return kst_ok();
}
