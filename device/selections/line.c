/* The host side every line shares: scaler seeds, the selections' sizes and the copy of the columns before a line. */
#include "device/selections/line.h"

#include <stdio.h>

uint32_t kst_line_seed(const kst_ctx *ctx, const char *hash_string, const char *suffix) {
  if (hash_string && hash_string[0]) return kst_scaler_seed(hash_string);
  char text[128];
  snprintf(text, sizeof text, "%s%s", kst_ctx_instance_name(ctx), suffix);
  return kst_scaler_seed(text);
}

kst_status kst_line_sizes(kst_ctx *ctx, uint64_t events, uint64_t in_words, uint64_t list_words, uint64_t odin_count,
                          uint64_t *out_words) {
  (void)ctx;
  KST_TRY(kst_expect_event_list("dev_event_list", list_words, events));
  KST_TRY(kst_expect_count("dev_odin", odin_count, events));
  if (events && in_words % events)
    return kst_error(KST_ERR_CONFIG, "dev_selections holds %llu words, not a whole number of columns of %llu events",
                     (unsigned long long)in_words, (unsigned long long)events);
  *out_words = in_words + events;
  return kst_ok();
}

kst_status kst_line_prepare(kst_ctx *ctx, kst_selection_word *out, const kst_selection_word *in, uint64_t in_words,
                            uint64_t events) {
  kst_stream *s = kst_ctx_stream(ctx);
  if (in_words) KST_TRY(kst_copy_d2d(out, in, in_words * sizeof *out, s));
  return kst_memset(out + in_words, 0, events * sizeof *out, s);
}
