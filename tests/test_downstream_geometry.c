/* UT and SciFi detector files: the real ones load with the facts of docs/downstream.md, damaged ones are refused. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/condition_types.h"
#include "configuration/file.h"
#include "configuration/scifi_geometry.h"
#include "configuration/ut_geometry.h"

#define DETECTOR "../shared/data/lhcb/detector/"

static void need(const char *path) {
  if (access(path, R_OK) != 0) cr_skip_test("../shared/data not present: %s is needed", path);
}

/* Writes size bytes of data, with byte at (if < size) xor-ed with flip, to a fresh temp file named into path. */
static void write_damaged(char *path, const uint8_t *data, size_t size, size_t at, uint8_t flip) {
  close(mkstemp(path));
  FILE *f = fopen(path, "wb");
  cr_assert_not_null(f);
  for (size_t k = 0; k < size; ++k) fputc(k == at ? data[k] ^ flip : data[k], f);
  fclose(f);
}

Test(downstream_geometry, ut_readout_maps_1048_lanes_one_to_one_onto_the_sectors_of_their_layers) {
  need(DETECTOR "ut_boards.bin");
  static kst_ut_readout r;
  kst_status s = kst_ut_readout_load(&r, DETECTOR "ut_boards.bin");
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  static const int first[5] = {0, 248, 496, 772, 1048};
  uint32_t used = 0, absent = 0;
  for (uint32_t b = 0; b < KST_UT_BOARDS; ++b) absent += r.strips_per_hybrid[b] == 0;
  for (uint32_t L = 0; L < KST_UT_LANES; ++L) {
    if (r.sector[L] == KST_UT_NO_SECTOR) continue;
    used++;
    cr_assert(r.sector[L] >= first[r.layer[L]] && r.sector[L] < first[r.layer[L] + 1], "lane %u: sector %u in layer %u",
              L, r.sector[L], r.layer[L]);
    cr_assert_eq(r.chan_id[L] >> 21, 2u, "type 2 in every channel id");
  }
  cr_assert_eq(used, 1048);
  cr_assert_eq(absent, 60);
}

Test(downstream_geometry, ut_sectors_have_the_layer_z_and_stereo_slopes) {
  need(DETECTOR "ut_geometry.bin");
  static kst_ut_geometry g;
  kst_status s = kst_ut_geometry_load(&g, DETECTOR "ut_geometry.bin");
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  static const int first[5] = {0, 248, 496, 772, 1048};
  static const double z[4] = {2327.5, 2372.5, 2597.5, 2642.5}, slope[4] = {0.0, 0.087489, -0.087489, 0.0};
  for (int l = 0; l < 4; ++l) {
    double mean = 0;
    for (int k = first[l]; k < first[l + 1]; ++k) {
      mean += g.p0_z[k] / (first[l + 1] - first[l]);
      cr_assert(fabs(g.dxdy[k] - slope[l]) < 1e-5, "sector %d dxdy %g", k, (double)g.dxdy[k]);
    }
    cr_assert(fabs(mean - z[l]) < 0.05, "layer %d mean z %g", l, mean);
  }
}

Test(downstream_geometry, scifi_layers_sit_at_the_documented_z) {
  need(DETECTOR "scifi_geometry.bin");
  static kst_scifi_geometry g;
  kst_status s = kst_scifi_geometry_load(&g, DETECTOR "scifi_geometry.bin");
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  static const double z0[12] = {7826.10, 7895.90, 7966.10, 8035.90, 8508.10, 8577.90,
                                8648.10, 8717.90, 9193.10, 9262.90, 9333.10, 9402.90};
  /* Every bank's first mat: its fibre at u = 0 crosses y = 0 at its layer's z. */
  for (uint32_t b = 0; b < KST_SCIFI_BANKS; ++b) {
    const uint32_t ch = g.first_channel[b], layer = ((ch >> 16) & 15u) - 4, m = ((ch >> 9) & 0x7FFu) - 512;
    const double ez = g.mirror_z[m] + g.u_begin[m] * g.ddx_z[m], ey = g.mirror_y[m] + g.u_begin[m] * g.ddx_y[m];
    cr_assert(layer < 12, "bank %u", b);
    cr_assert(fabs(ez - g.dzdy[m] * ey - z0[layer]) < 0.05, "bank %u layer %u z0 %g", b, layer, ez - g.dzdy[m] * ey);
  }
}

Test(downstream_geometry, damaged_files_are_refused_naming_file_field_and_byte) {
  need(DETECTOR "ut_boards.bin");
  uint8_t *d;
  size_t n;
  static kst_ut_readout r;
  static kst_ut_geometry g;
  static kst_scifi_geometry sg;
  char path[] = "/tmp/kst_det_XXXXXX";
  /* A truncated readout map, a channel id that disagrees with its fields, a version 4 file. */
  cr_assert_eq(kst_read_file(DETECTOR "ut_boards.bin", &d, &n).code, KST_OK);
  write_damaged(path, d, n - 4, n, 0);
  kst_status s = kst_ut_readout_load(&r, path);
  cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, path) && strstr(s.msg, "chanID truncated"), "%s", s.msg);
  unlink(path);
  strcpy(path, "/tmp/kst_det_XXXXXX");
  const size_t chan = 8 + 4 * 240 + 7 * 4 * KST_UT_LANES; /* lane 0's chanID */
  write_damaged(path, d, n, chan, 0x04);
  s = kst_ut_readout_load(&r, path);
  cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, "lane row 0: chanID"), "%s", s.msg);
  unlink(path);
  strcpy(path, "/tmp/kst_det_XXXXXX");
  write_damaged(path, d, n, 4, 3 ^ 4);
  s = kst_ut_readout_load(&r, path);
  cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, "version is 4 at byte 4"), "%s", s.msg);
  unlink(path);
  free(d);
  /* A sector geometry with a negative pitch, and a SciFi file with a trailing byte. */
  cr_assert_eq(kst_read_file(DETECTOR "ut_geometry.bin", &d, &n).code, KST_OK);
  strcpy(path, "/tmp/kst_det_XXXXXX");
  write_damaged(path, d, n, 4 + 4 * 1048 + 3, 0x80);
  s = kst_ut_geometry_load(&g, path);
  cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, "sector 0: pitch -0.19"), "%s", s.msg);
  unlink(path);
  free(d);
  cr_assert_eq(kst_read_file(DETECTOR "scifi_geometry.bin", &d, &n).code, KST_OK);
  d = realloc(d, n + 1);
  d[n] = 0;
  strcpy(path, "/tmp/kst_det_XXXXXX");
  write_damaged(path, d, n + 1, n + 1, 0);
  s = kst_scifi_geometry_load(&sg, path);
  cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, "1 trailing bytes"), "%s", s.msg);
  unlink(path);
  free(d);
}

Test(downstream_geometry, the_magnet_polarity_is_plus_or_minus_one_in_four_bytes) {
  const kst_condition_type *t = kst_condition_type_find("magnet_polarity");
  cr_assert_not_null(t);
  float host;
  char path[] = "/tmp/kst_pol_XXXXXX";
  const float values[3] = {-1.0f, 0.5f, 1.0f};
  /* -1 loads; 0.5 is no polarity; 8 bytes are 4 too many. */
  for (int k = 0; k < 3; ++k) {
    strcpy(path, "/tmp/kst_pol_XXXXXX");
    float twice[2] = {values[k], values[k]};
    write_damaged(path, (const uint8_t *)twice, k == 2 ? 8 : 4, 99, 0);
    kst_status s = t->load(&host, path);
    if (k == 0) cr_assert(s.code == KST_OK && host == -1.0f, "%s", s.msg);
    if (k == 1) cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, "expected +1 or -1"), "%s", s.msg);
    if (k == 2) cr_assert(s.code == KST_ERR_FORMAT && strstr(s.msg, "4 trailing bytes"), "%s", s.msg);
    unlink(path);
  }
}
