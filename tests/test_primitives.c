/* Tests for the device primitives (scans, counts-to-offsets, radix sorts, lower_bound) on the built backend. */
#include <criterion/criterion.h>

#include "tests/primitives_cases.h"

static kst_pc_ctx ctx;

static void setup(void) {
  kst_status s = kst_backend_init(0);
  cr_assert_eq(s.code, KST_OK, "kst_backend_init: %s", s.msg);
  s = kst_stream_create(&ctx.stream);
  cr_assert_eq(s.code, KST_OK, "kst_stream_create: %s", s.msg);
}

static void teardown(void) {
  (void)kst_stream_destroy(ctx.stream);
  ctx.stream = NULL;
}

/* Runs every table entry whose name starts with prefix, at every size when it is sized. */
static void run_cases(const char *prefix) {
  size_t len = strlen(prefix);
  unsigned ran = 0;
  for (size_t k = 0; k < KST_PC_N_CASES; ++k) {
    const kst_pc_case *kc = &kst_pc_cases[k];
    if (strncmp(kc->name, prefix, len) != 0) continue;
    for (size_t i = 0; i < (kc->sized ? KST_PC_N_SIZES : 1); ++i) {
      uint32_t n = kc->sized ? kst_pc_sizes[i] : 0;
      cr_expect(kst_pc_run(&ctx, kc, n), "%s n=%u: %s", kc->name, n, ctx.why);
      ++ran;
    }
  }
  cr_assert_gt(ran, 0, "no case named %s*", prefix);
}

TestSuite(primitives, .init = setup, .fini = teardown, .timeout = 300);

Test(primitives, contract) { run_cases("contract"); }
Test(primitives, scan_exclusive) { run_cases("scan_exclusive/"); }
Test(primitives, scan_inclusive) { run_cases("scan_inclusive/"); }
Test(primitives, counts_to_offsets) { run_cases("counts_to_offsets/"); }
Test(primitives, radix_sort_pairs_u32) { run_cases("sort_u32/"); }
Test(primitives, radix_sort_pairs_u64) { run_cases("sort_u64/"); }
Test(primitives, lower_bound) { run_cases("lower_bound/"); }

/* Hand-worked values, so a wrong reference in the shared cases could not hide a wrong primitive. */
Test(primitives, worked_examples) {
  uint32_t in[5] = {3, 0, 2, 5, 1}, out[6], keys_out[5], vals_out[5];
  uint32_t vals[5] = {0, 1, 2, 3, 4}, keys[5] = {7, 3, 7, 1, 3};
  uint32_t sorted[6] = {2, 4, 4, 4, 9, 9}, queries[5] = {0, 4, 5, 9, 10}, where[5];
  char temp[4096];
  size_t bytes = 0;
  kst_status s;
  if (strcmp(kst_backend_name(), "cpu") != 0) cr_skip_test("host memory only works on the cpu backend");

  s = kst_scan_exclusive_u32(NULL, &bytes, in, out, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_leq(bytes, sizeof temp);
  s = kst_scan_exclusive_u32(temp, &bytes, in, out, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_arr_eq(out, ((uint32_t[]){0, 3, 3, 5, 10}), 5 * sizeof(uint32_t));

  s = kst_scan_inclusive_u32(NULL, &bytes, in, in, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  s = kst_scan_inclusive_u32(temp, &bytes, in, in, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_arr_eq(in, ((uint32_t[]){3, 3, 5, 10, 11}), 5 * sizeof(uint32_t));

  s = kst_counts_to_offsets_u32(NULL, &bytes, vals, out, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  s = kst_counts_to_offsets_u32(temp, &bytes, vals, out, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_arr_eq(out, ((uint32_t[]){0, 0, 1, 3, 6, 10}), 6 * sizeof(uint32_t));

  s = kst_radix_sort_pairs_u32(NULL, &bytes, keys, keys_out, vals, vals_out, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_leq(bytes, sizeof temp);
  s = kst_radix_sort_pairs_u32(temp, &bytes, keys, keys_out, vals, vals_out, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_arr_eq(keys_out, ((uint32_t[]){1, 3, 3, 7, 7}), 5 * sizeof(uint32_t));
  cr_assert_arr_eq(vals_out, ((uint32_t[]){3, 1, 4, 0, 2}), 5 * sizeof(uint32_t));

  s = kst_lower_bound_u32(NULL, &bytes, sorted, 6, queries, where, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  s = kst_lower_bound_u32(temp, &bytes, sorted, 6, queries, where, 5, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_arr_eq(where, ((uint32_t[]){0, 1, 4, 4, 6}), 5 * sizeof(uint32_t));
}

/* The CPU accepts counts == offsets (each count is read before its offset is written). */
Test(primitives, counts_to_offsets_in_place_cpu) {
  uint32_t buf[5] = {4, 0, 2, 1, 0xdead};
  char temp[16];
  size_t bytes = 0;
  kst_status s;
  if (strcmp(kst_backend_name(), "cpu") != 0) cr_skip_test("host memory only works on the cpu backend");
  s = kst_counts_to_offsets_u32(NULL, &bytes, buf, buf, 4, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_leq(bytes, sizeof temp);
  s = kst_counts_to_offsets_u32(temp, &bytes, buf, buf, 4, ctx.stream);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_arr_eq(buf, ((uint32_t[]){0, 4, 4, 6, 7}), 5 * sizeof(uint32_t));
}
