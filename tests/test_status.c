/* Tests for kst_status construction and wrapping. */
#include <criterion/criterion.h>
#include <string.h>
#include "kst_status.h"

Test(status, ok_is_zero) {
  kst_status s = kst_ok();
  cr_assert_eq(s.code, KST_OK);
  cr_assert_str_eq(s.msg, "");
}

Test(status, wrap_prefixes_message) {
  kst_status s = kst_error_wrap(kst_error(KST_ERR_IO, "cannot open %s", "x.mdf"), "record %d", 3);
  cr_assert_eq(s.code, KST_ERR_IO);
  cr_assert_str_eq(s.msg, "record 3: cannot open x.mdf");
  cr_assert_str_eq(kst_code_name(s.code), "KST_ERR_IO");
}
