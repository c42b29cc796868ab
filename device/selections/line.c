/* The host side every line shares: scaler seeds, the selections' sizes and the copy of the columns before a line. */
#include "device/selections/line.h"

#include <stdio.h>

uint32_t kst_line_seed(const kst_ctx *ctx, const char *hash_string, const char *suffix) {
  if (hash_string && hash_string[0]) return kst_scaler_seed(hash_string);
  char text[128];
  snprintf(text, sizeof text, "%s%s", kst_ctx_instance_name(ctx), suffix);
  return kst_scaler_seed(text);
}

kst_status kst_line_check_tracks(uint64_t offsets, uint64_t events, uint64_t ghost_probs, uint64_t tracks) {
  KST_TRY(kst_expect_count("dev_velo_track_offsets", offsets, events + 1));
  return kst_expect_count("dev_ghost_probs", ghost_probs, tracks);
}

kst_status kst_line_sizes(kst_ctx *ctx, uint64_t events, uint64_t in_words, uint64_t in_candidates,
                          uint64_t list_words, uint64_t odin_count, uint64_t *out_words, uint64_t *out_candidates) {
  (void)ctx;
  KST_TRY(kst_expect_event_list("dev_event_list", list_words, events));
  KST_TRY(kst_expect_count("dev_odin", odin_count, events));
  if (events && in_words % events)
    return kst_error(KST_ERR_CONFIG, "dev_selections holds %llu words, not a whole number of columns of %llu events",
                     (unsigned long long)in_words, (unsigned long long)events);
  if (in_candidates != in_words * KST_LINE_STORED)
    return kst_error(KST_ERR_CONFIG, "dev_candidates holds %llu slots, not %u per selection word of dev_selections (%llu): "
                     "the two come from different lines", (unsigned long long)in_candidates, KST_LINE_STORED,
                     (unsigned long long)in_words);
  *out_words = in_words + events;
  *out_candidates = *out_words * KST_LINE_STORED;
  return kst_ok();
}

kst_status kst_line_prepare(kst_ctx *ctx, kst_selection_word *out, const kst_selection_word *in, uint64_t in_words,
                            kst_line_candidate *out_candidates, const kst_line_candidate *in_candidates,
                            uint64_t events) {
  kst_stream *s = kst_ctx_stream(ctx);
  const uint64_t slots = in_words * KST_LINE_STORED;
  if (in_words) KST_TRY(kst_copy_d2d(out, in, in_words * sizeof *out, s));
  if (slots) KST_TRY(kst_copy_d2d(out_candidates, in_candidates, slots * sizeof *out_candidates, s));
  /* every byte 0xFF: KST_NO_CANDIDATE in every slot */
  KST_TRY(kst_memset(out_candidates + slots, 0xFF, events * KST_LINE_STORED * sizeof *out_candidates, s));
  return kst_memset(out + in_words, 0, events * sizeof *out, s);
}
