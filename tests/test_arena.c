/* Tests of the first-fit arena: placement, coalescing, exhaustion and peak tracking. */
#include <criterion/criterion.h>

#include "host/runtime/arena.h"

Test(arena, first_fit_reuses_the_lowest_hole) {
  kst_arena a;
  uint64_t x, y, z, w;
  kst_arena_init(&a, 4096);
  cr_assert_eq(kst_arena_reserve(&a, 100, &x).code, KST_OK);
  cr_assert_eq(kst_arena_reserve(&a, 300, &y).code, KST_OK);
  cr_assert_eq(kst_arena_reserve(&a, 256, &z).code, KST_OK);
  cr_assert_eq(x, 0);
  cr_assert_eq(y, 256, "sizes round up to 256");
  cr_assert_eq(z, 768);
  cr_assert_eq(kst_arena_release(&a, x, 100).code, KST_OK);
  cr_assert_eq(kst_arena_reserve(&a, 200, &w).code, KST_OK);
  cr_assert_eq(w, 0, "first fit takes the hole at 0");
  cr_assert_eq(a.peak, 1024);
}

Test(arena, neighbours_coalesce) {
  kst_arena a;
  uint64_t o[4];
  kst_arena_init(&a, 1024);
  for (int i = 0; i < 4; ++i) cr_assert_eq(kst_arena_reserve(&a, 256, &o[i]).code, KST_OK);
  cr_assert_eq(kst_arena_reserve(&a, 1, &o[0]).code, KST_ERR_NOMEM, "full");
  o[0] = 0;
  cr_assert_eq(kst_arena_release(&a, 256, 256).code, KST_OK);
  cr_assert_eq(kst_arena_release(&a, 768, 256).code, KST_OK);
  cr_assert_eq(a.n_free, 2);
  cr_assert_eq(kst_arena_release(&a, 512, 256).code, KST_OK);
  cr_assert_eq(a.n_free, 1, "middle release merges left and right");
  cr_assert_eq(a.free[0].offset, 256);
  cr_assert_eq(a.free[0].size, 768);
  uint64_t big;
  cr_assert_eq(kst_arena_reserve(&a, 700, &big).code, KST_OK);
  cr_assert_eq(big, 256);
  cr_assert_eq(a.used, 1024);
}

Test(arena, exhaustion_reports_sizes_and_double_release_is_refused) {
  kst_arena a;
  uint64_t x;
  kst_arena_init(&a, 1000); /* rounds down to 768 usable */
  cr_assert_eq(a.capacity, 768);
  kst_status s = kst_arena_reserve(&a, 1000, &x);
  cr_assert_eq(s.code, KST_ERR_NOMEM);
  cr_assert(strstr(s.msg, "1000 bytes do not fit (capacity 768)") != NULL, "%s", s.msg);
  uint64_t y;
  cr_assert_eq(kst_arena_reserve(&a, 500, &y).code, KST_OK);
  s = kst_arena_reserve(&a, 300, &x);
  cr_assert_eq(s.code, KST_ERR_NOMEM);
  cr_assert(strstr(s.msg, "512 bytes do not fit (512 of 768 in use)") != NULL, "%s", s.msg);
  cr_assert_eq(kst_arena_release(&a, y, 500).code, KST_OK);
  cr_assert_eq(kst_arena_reserve(&a, 10, &x).code, KST_OK);
  cr_assert_eq(kst_arena_release(&a, x, 10).code, KST_OK);
  cr_assert_eq(kst_arena_release(&a, x, 10).code, KST_ERR_INVALID, "a second release overlaps free space");
  kst_arena_reset(&a);
  cr_assert_eq(a.used, 0);
  cr_assert_eq(a.n_free, 1);
}
