/* UT detector files: ut_boards.bin to the lane map kernels read, ut_geometry.bin to per-sector strip geometry. */
#include "configuration/ut_geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "configuration/binary_file.h"
#include "configuration/condition_types.h"
#include "configuration/file.h"

/* Fields of a lane row in ut_boards.bin, in file order. */
enum { F_SECTOR, F_MODULE, F_FACE, F_STAVE, F_LAYER, F_SIDE, F_TYPE, F_CHAN, N_FIELDS };
static const char *const field_names[N_FIELDS] = {"sector", "module", "face", "stave", "layer", "side", "type", "chanID"};

int kst_ut_sector_index(uint32_t side, uint32_t layer, uint32_t stave, uint32_t face, uint32_t module, uint32_t sector) {
  if (side > 1 || layer > 3 || face > 1 || module > 7 || sector > 1) return -1;
  const uint32_t n_outer = layer < 2 ? 6 : 7; /* staves numbered 2 and up on a side */
  if (stave > n_outer + 1) return -1;
  const uint32_t half = 2 * layer + side, base = half < 4 ? 124 * half : 496 + 138 * (half - 4);
  const uint32_t m = 2 * module + (1 - face);
  uint32_t offset, p;
  if (side == 0) offset = stave >= 2 ? 14 * (n_outer + 1 - stave) : stave == 1 ? 14 * n_outer : 14 * n_outer + 18;
  else offset = stave == 0 ? 0 : stave == 1 ? 22 : 40 + 14 * (stave - 2);
  /* Staves 0 and 1 hold split sensors near the beam (two sectors each); outer staves 14 sectors in a row. */
  if (stave >= 2) p = m - 2 * (module / 4);
  else if (stave == 1) p = m < 5 ? m : m <= 8 ? 5 + 2 * (m - 5) + sector : m <= 10 ? 9 + 2 * (m - 9) + (1 - sector) : 13 + (m - 11);
  else p = m < 5 ? m : m <= 7 ? 5 + 2 * (m - 5) + sector : m <= 10 ? 11 + 2 * (m - 8) + (1 - sector) : 17 + (m - 11);
  return (int)(base + offset + p);
}

/* The channel id a lane's fields pack to, with strip field 0 (docs/downstream.md, UT channel id). */
static uint32_t pack_channel(const uint32_t *f) {
  return f[F_TYPE] << 21 | f[F_SIDE] << 20 | f[F_LAYER] << 18 | f[F_STAVE] << 14 | f[F_FACE] << 13 | f[F_MODULE] << 10 |
         f[F_SECTOR] << 9;
}

kst_status kst_ut_readout_load(kst_ut_readout *out, const char *path) {
  uint8_t *data;
  size_t size;
  KST_TRY(kst_read_file(path, &data, &size));
  kst_bin_cursor c = {data, size, 0, path};
  kst_ut_readout *r = calloc(1, sizeof *r);
  uint32_t *fields = malloc(sizeof(uint32_t) * N_FIELDS * KST_UT_LANES);
  uint8_t *taken = calloc(KST_UT_SECTORS, 1);
  kst_status s = r && fields && taken ? kst_ok() : kst_error(KST_ERR_NOMEM, "%s: out of memory", path);
  if (!s.code) s = kst_bin_expect_u32(&c, "number of boards", KST_UT_BOARDS);
  if (!s.code) s = kst_bin_expect_u32(&c, "version", 3);
  if (!s.code) s = kst_bin_u32s(&c, "strips per hybrid", r->strips_per_hybrid, KST_UT_BOARDS);
  for (int f = 0; f < N_FIELDS && !s.code; ++f) s = kst_bin_u32s(&c, field_names[f], fields + f * KST_UT_LANES, KST_UT_LANES);
  if (!s.code) s = kst_bin_end(&c);
  for (uint32_t b = 0; b < KST_UT_BOARDS && !s.code; ++b)
    if (r->strips_per_hybrid[b] != 0 && r->strips_per_hybrid[b] != KST_UT_STRIPS_PER_LANE)
      s = kst_error(KST_ERR_UNSUPPORTED, "%s: board %u has %u strips per hybrid; the decoder reads %u", path, b,
                    r->strips_per_hybrid[b], KST_UT_STRIPS_PER_LANE);
  for (uint32_t L = 0; L < KST_UT_LANES && !s.code; ++L) {
    uint32_t f[N_FIELDS];
    for (int k = 0; k < N_FIELDS; ++k) f[k] = fields[k * KST_UT_LANES + L];
    r->sector[L] = KST_UT_NO_SECTOR;
    if (f[F_CHAN] == 0) continue; /* an unused lane: all its fields are zero */
    const int sector = kst_ut_sector_index(f[F_SIDE], f[F_LAYER], f[F_STAVE], f[F_FACE], f[F_MODULE], f[F_SECTOR]);
    if (!r->strips_per_hybrid[L / KST_UT_LANES_PER_BOARD])
      s = kst_error(KST_ERR_FORMAT, "%s: lane row %u is used but its board %u is absent", path, L, L / KST_UT_LANES_PER_BOARD);
    else if (f[F_TYPE] != 2 || pack_channel(f) != f[F_CHAN])
      s = kst_error(KST_ERR_FORMAT, "%s: lane row %u: chanID 0x%x disagrees with its fields (type %u side %u layer %u "
                    "stave %u face %u module %u sector %u)", path, L, f[F_CHAN], f[F_TYPE], f[F_SIDE], f[F_LAYER],
                    f[F_STAVE], f[F_FACE], f[F_MODULE], f[F_SECTOR]);
    else if (sector < 0 || sector >= KST_UT_SECTORS || taken[sector])
      s = kst_error(KST_ERR_FORMAT, "%s: lane row %u: its fields give sector index %d, %s", path, L, sector,
                    sector < 0 || sector >= KST_UT_SECTORS ? "out of range" : "already taken by another lane");
    else {
      taken[sector] = 1;
      r->sector[L] = (uint16_t)sector;
      r->layer[L] = (uint8_t)f[F_LAYER];
      r->chan_id[L] = f[F_CHAN];
    }
  }
  if (!s.code) memcpy(out, r, sizeof *r);
  free(r);
  free(fields);
  free(taken);
  free(data);
  return s;
}

kst_status kst_ut_geometry_load(kst_ut_geometry *out, const char *path) {
  uint8_t *data;
  size_t size;
  KST_TRY(kst_read_file(path, &data, &size));
  kst_bin_cursor c = {data, size, 0, path};
  kst_ut_geometry *g = calloc(1, sizeof *g);
  float *scratch = malloc(2 * KST_UT_SECTORS * sizeof *scratch); /* dp0diZ and cos: checked, not kept */
  kst_status s = g && scratch ? kst_ok() : kst_error(KST_ERR_NOMEM, "%s: out of memory", path);
  float *dp0di_z = scratch, *cosine = scratch + KST_UT_SECTORS;
  if (!s.code) s = kst_bin_expect_u32(&c, "number of sectors", KST_UT_SECTORS);
  if (!s.code) s = kst_bin_u32s(&c, "firstStrip", g->first_strip, KST_UT_SECTORS);
  struct { const char *name; float *to; } arrays[] = {
      {"pitch", g->pitch}, {"dy", g->dy}, {"dp0diX", g->dp0di_x}, {"dp0diY", g->dp0di_y}, {"dp0diZ", dp0di_z},
      {"p0X", g->p0_x}, {"p0Y", g->p0_y}, {"p0Z", g->p0_z}, {"cos", cosine}};
  for (size_t a = 0; a < sizeof arrays / sizeof *arrays && !s.code; ++a)
    s = kst_bin_f32s(&c, arrays[a].name, arrays[a].to, KST_UT_SECTORS);
  if (!s.code) s = kst_bin_end(&c);
  for (uint32_t k = 0; k < KST_UT_SECTORS && !s.code; ++k) {
    /* Positions within metres, strips of positive pitch and length: what the decoder divides by and places. */
    if (!(g->pitch[k] > 0.0f) || !(g->dy[k] > 0.0f) || !(cosine[k] > 0.0f) || cosine[k] > 1.0f ||
        fabsf(g->p0_x[k]) > 5000.0f || fabsf(g->p0_y[k]) > 5000.0f || fabsf(g->p0_z[k]) > 5000.0f || dp0di_z[k] != 0.0f)
      s = kst_error(KST_ERR_FORMAT, "%s: sector %u: pitch %g, dy %g, cos %g, p0 (%g, %g, %g), dp0diZ %g out of range",
                    path, k, (double)g->pitch[k], (double)g->dy[k], (double)cosine[k], (double)g->p0_x[k],
                    (double)g->p0_y[k], (double)g->p0_z[k], (double)dp0di_z[k]);
    /* Strips lean by dx/dy = -dp0diY / (pitch cos): 0 in the x layers, +-tan 5 degrees in the stereo ones. */
    g->dxdy[k] = -g->dp0di_y[k] / (g->pitch[k] * cosine[k]);
    g->p0_z[k] = fabsf(g->p0_z[k]);
  }
  if (!s.code) memcpy(out, g, sizeof *g);
  free(g);
  free(scratch);
  free(data);
  return s;
}

static kst_status load_readout(void *host, const char *path) { return kst_ut_readout_load((kst_ut_readout *)host, path); }
static kst_status load_geometry(void *host, const char *path) { return kst_ut_geometry_load((kst_ut_geometry *)host, path); }

/* The UT readout map as a condition (see host/runtime/conditions.h); LHCb's file, so no shipped default. */
const kst_condition_type kst_condition_ut_boards = {
    .name = "ut_boards",
    .description = "UT readout map: board lane -> channel id, sector and layer (LHCb ut_boards.bin, version 3)",
    .beside_input = "detector/ut_boards.bin",
    .host_size = sizeof(kst_ut_readout),
    .load = load_readout,
};

/* The UT sector geometry as a condition. */
const kst_condition_type kst_condition_ut_geometry = {
    .name = "ut_geometry",
    .description = "UT strip geometry of the 1048 sectors (LHCb ut_geometry.bin)",
    .beside_input = "detector/ut_geometry.bin",
    .host_size = sizeof(kst_ut_geometry),
    .load = load_geometry,
};
