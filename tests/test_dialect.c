/* Tests of the kernel dialect on the CPU backend: atomics, barriers, dynamic shared memory, histogram. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>

#include "device/common/histogram.h"
#include "kst_backend.h"

kst_status test_atomics(const uint32_t *in, uint32_t n, uint32_t *out, unsigned grid, kst_stream *s);
kst_status test_reverse(const uint32_t *in, uint32_t *out, unsigned tiles, kst_stream *s);

static kst_stream *stream;
static void setup(void) { cr_assert_eq(kst_stream_create(&stream).code, KST_OK); }
static void teardown(void) { kst_stream_destroy(stream); }

Test(dialect, atomics_match_serial_reference, .init = setup, .fini = teardown) {
  enum { N = 1001 };
  uint32_t in[N];
  srand(7);
  uint64_t sum = 0;
  uint32_t mn = UINT32_MAX, mx = 0, bits = 0;
  for (int i = 0; i < N; ++i) {
    in[i] = (uint32_t)(rand() % 1000) + 3u;
    sum += in[i];
    mn = in[i] < mn ? in[i] : mn;
    mx = in[i] > mx ? in[i] : mx;
    bits |= in[i];
  }
  uint32_t out[8] = {0, UINT32_MAX, 0, 0, (uint32_t)INT32_MAX, (uint32_t)INT32_MIN, 0, 0};
  cr_assert_eq(test_atomics(in, N, out, 13, stream).code, KST_OK);
  cr_assert_eq(out[0], (uint32_t)sum);
  cr_assert_eq(out[1], mn);
  cr_assert_eq(out[2], mx);
  cr_assert_eq(out[3], bits);
  cr_assert_eq((int32_t)out[4], (int32_t)mn - 50);
  cr_assert_eq((int32_t)out[5], (int32_t)mx - 50);
  cr_assert_eq(out[6], 1u, "the first block claims the slot");
  cr_assert_eq(out[7], 1u, "exactly one compare-and-swap wins");
}

Test(dialect, barrier_and_dynamic_shared_memory, .init = setup, .fini = teardown) {
  enum { TILES = 5 };
  uint32_t in[64 * TILES], out[64 * TILES];
  for (uint32_t i = 0; i < 64 * TILES; ++i) in[i] = i * 3u + 1u;
  cr_assert_eq(test_reverse(in, out, TILES, stream).code, KST_OK);
  for (uint32_t t = 0; t < TILES; ++t)
    for (uint32_t i = 0; i < 64; ++i) cr_assert_eq(out[t * 64 + i], in[t * 64 + 63 - i]);
}

Test(dialect, histogram_matches_reference, .init = setup, .fini = teardown) {
  const uint32_t sizes[] = {0, 1, 7, 1001, 100000};
  for (unsigned k = 0; k < sizeof sizes / sizeof *sizes; ++k) {
    uint32_t n = sizes[k];
    float *v = malloc((n + 1) * sizeof *v);
    uint32_t bins[37], ref[37] = {0};
    srand(11 + k);
    for (uint32_t i = 0; i < n; ++i) {
      v[i] = -2.0f + 14.0f * (float)rand() / (float)RAND_MAX; /* some below lo, some above hi */
      float t = (v[i] - 0.0f) * (37.0f / 10.0f);
      if (t >= 0.0f && t < 37.0f) ref[(uint32_t)t]++;
    }
    cr_assert_eq(kst_histogram_f32(v, n, 0.0f, 10.0f, 37, bins, stream).code, KST_OK);
    for (int b = 0; b < 37; ++b) cr_assert_eq(bins[b], ref[b], "n=%u bin %d: %u vs %u", n, b, bins[b], ref[b]);
    free(v);
  }
  cr_assert_eq(kst_histogram_f32(NULL, 0, 1.0f, 1.0f, 4, NULL, stream).code, KST_ERR_INVALID);
}
