/* scifi_geometry.bin to the per-bank first channels and per-mat fibre geometry the SciFi decoder reads. */
#include "configuration/scifi_geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "configuration/binary_file.h"
#include "configuration/condition_types.h"
#include "configuration/file.h"

kst_status kst_scifi_geometry_load(kst_scifi_geometry *out, const char *path) {
  uint8_t *data;
  size_t size;
  KST_TRY(kst_read_file(path, &data, &size));
  kst_bin_cursor c = {data, size, 0, path};
  kst_scifi_geometry *g = calloc(1, sizeof *g);
  kst_status s = g ? kst_ok() : kst_error(KST_ERR_NOMEM, "%s: out of memory", path);
  uint32_t modules[48];
  if (!s.code) s = kst_bin_expect_u32(&c, "number of stations", 3);
  if (!s.code) s = kst_bin_expect_u32(&c, "layers per station", 4);
  if (!s.code) s = kst_bin_expect_u32(&c, "number of layers", KST_SCIFI_LAYERS);
  if (!s.code) s = kst_bin_expect_u32(&c, "quarters per layer", 4);
  if (!s.code) s = kst_bin_expect_u32(&c, "number of quarters", 48);
  if (!s.code) s = kst_bin_u32s(&c, "modules per quarter", modules, 48);
  if (!s.code) s = kst_bin_expect_u32(&c, "mats per module", 4);
  if (!s.code) s = kst_bin_expect_u32(&c, "number of mats", 1024);
  if (!s.code) s = kst_bin_expect_u32(&c, "number of banks", KST_SCIFI_BANKS);
  if (!s.code) s = kst_bin_expect_u32(&c, "version (0: a first-channel table follows)", 0);
  if (!s.code) s = kst_bin_u32s(&c, "first channel", g->first_channel, KST_SCIFI_BANKS);
  if (!s.code) s = kst_bin_expect_u32(&c, "number of mat slots", KST_SCIFI_MATS);
  struct { const char *name; float *to; } arrays[] = {
      {"mirrorPointX", g->mirror_x}, {"mirrorPointY", g->mirror_y}, {"mirrorPointZ", g->mirror_z},
      {"ddxX", g->ddx_x}, {"ddxY", g->ddx_y}, {"ddxZ", g->ddx_z}, {"uBegin", g->u_begin},
      {"halfChannelPitch", g->half_pitch}, {"dieGap", g->die_gap}, {"sipmPitch", g->sipm_pitch}, {"dxdy", g->dxdy},
      {"dzdy", g->dzdy}, {"globaldy", g->global_dy}};
  for (size_t a = 0; a < sizeof arrays / sizeof *arrays && !s.code; ++a)
    s = kst_bin_f32s(&c, arrays[a].name, arrays[a].to, KST_SCIFI_MATS);
  if (!s.code) s = kst_bin_end(&c);
  for (uint32_t q = 0; q < 48 && !s.code; ++q)
    if (modules[q] < 1 || modules[q] > 8)
      s = kst_error(KST_ERR_FORMAT, "%s: quarter %u has %u modules (1..8 expected)", path, q, modules[q]);
  for (uint32_t b = 0; b < KST_SCIFI_BANKS && !s.code; ++b) {
    /* A bank's channels must land in stations T1..T3, on a mat slot the arrays hold. */
    const uint32_t station = (g->first_channel[b] >> 18) & 3u, mat = ((g->first_channel[b] >> 9) & 0x7FFu);
    if (station == 0 || mat < 512 || mat - 512 >= KST_SCIFI_MATS || g->first_channel[b] >> 20)
      s = kst_error(KST_ERR_FORMAT, "%s: bank %u first channel 0x%x is not a SciFi channel of T1..T3", path, b,
                    g->first_channel[b]);
  }
  for (uint32_t m = 0; m < KST_SCIFI_MATS && !s.code; ++m) {
    const float *v[] = {&g->mirror_x[m], &g->mirror_y[m], &g->mirror_z[m], &g->global_dy[m]};
    for (int k = 0; k < 4 && !s.code; ++k)
      if (fabsf(*v[k]) > 20000.0f)
        s = kst_error(KST_ERR_FORMAT, "%s: mat %u: a position of %g mm is beyond 20 m", path, m, (double)*v[k]);
    if (!s.code && (fabsf(g->dxdy[m]) > 1.0f || fabsf(g->dzdy[m]) > 1.0f || g->half_pitch[m] < 0.0f))
      s = kst_error(KST_ERR_FORMAT, "%s: mat %u: dxdy %g, dzdy %g, halfChannelPitch %g out of range", path, m,
                    (double)g->dxdy[m], (double)g->dzdy[m], (double)g->half_pitch[m]);
  }
  if (!s.code) memcpy(out, g, sizeof *g);
  free(g);
  free(data);
  return s;
}

static kst_status load_condition(void *host, const char *path) {
  return kst_scifi_geometry_load((kst_scifi_geometry *)host, path);
}

/* The SciFi geometry as a condition (see host/runtime/conditions.h); LHCb's file, so no shipped default. */
const kst_condition_type kst_condition_scifi_geometry = {
    .name = "scifi_geometry",
    .description = "SciFi first channel of each bank and fibre geometry of each mat (LHCb scifi_geometry.bin, v0)",
    .beside_input = "detector/scifi_geometry.bin",
    .host_size = sizeof(kst_scifi_geometry),
    .load = load_condition,
};
