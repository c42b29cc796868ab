/* Tests for the VELO geometry: loaders, JSON round trip, ideal detector and retina decoding. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "input/mdf.h"

#define REAL_GEO "../shared/data/lhcb/velo_geometry.bin"
#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"
#define IDEAL_JSON "configuration/velo_ideal_geometry.json"
#define REAL_SIZE 16376

static kst_velo_geometry g_real, g_ideal;

/* Loads the shared geometry or skips the test. */
static void need_real(void) {
  if (access(REAL_GEO, R_OK) != 0) cr_skip_test("shared data %s is absent", REAL_GEO);
  kst_status st = kst_geometry_load_lhcb(&g_real, REAL_GEO);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
}

/* A fresh temp file name (the file exists, empty). */
static void temp_path(char *buf, size_t n, const char *tag) {
  snprintf(buf, n, "/tmp/kst_geo_%s_XXXXXX", tag);
  int fd = mkstemp(buf);
  cr_assert(fd >= 0);
  close(fd);
}

static void write_bytes(const char *path, const void *d, size_t n) {
  FILE *f = fopen(path, "wb");
  cr_assert(f);
  cr_assert_eq(fwrite(d, 1, n, f), n);
  fclose(f);
}

static size_t put_u64(uint8_t *p, uint64_t v) {
  for (int k = 0; k < 8; k++) p[k] = (uint8_t)(v >> (8 * k));
  return 8;
}

static size_t put_floats(uint8_t *p, const float *v, size_t n) {
  memcpy(p, v, 4 * n); /* test hosts are little-endian, like the format */
  return 4 * n;
}

/* Serialises g in the LHCb binary layout, so error cases need no shared data. */
static size_t to_lhcb(const kst_velo_geometry *g, uint8_t *buf) {
  size_t o = 0;
  o += put_u64(buf + o, KST_VELO_MODULES);
  o += put_floats(buf + o, g->module_z, KST_VELO_MODULES);
  o += put_u64(buf + o, KST_VELO_COLUMNS);
  o += put_floats(buf + o, g->local_x, KST_VELO_COLUMNS);
  o += put_u64(buf + o, KST_VELO_COLUMNS);
  o += put_floats(buf + o, g->x_pitch, KST_VELO_COLUMNS);
  o += put_u64(buf + o, KST_VELO_SENSORS);
  o += put_u64(buf + o, 12);
  o += put_floats(buf + o, &g->transform[0][0], KST_VELO_SENSORS * 12);
  return o;
}

static void assert_same(const kst_velo_geometry *a, const kst_velo_geometry *b) {
  cr_assert(memcmp(a->module_z, b->module_z, sizeof a->module_z) == 0);
  cr_assert(memcmp(a->local_x, b->local_x, sizeof a->local_x) == 0);
  cr_assert(memcmp(a->x_pitch, b->x_pitch, sizeof a->x_pitch) == 0);
  cr_assert(memcmp(a->transform, b->transform, sizeof a->transform) == 0);
  cr_assert(memcmp(a->inverse, b->inverse, sizeof a->inverse) == 0);
  cr_assert_eq(a->pixel_size, b->pixel_size);
}

/* Loads a byte blob written to a temp file through the binary reader. */
static kst_status load_blob(const uint8_t *d, size_t n, char *path, size_t path_n) {
  temp_path(path, path_n, "bin");
  write_bytes(path, d, n);
  kst_velo_geometry g;
  kst_status st = kst_geometry_load_lhcb(&g, path);
  return st;
}

Test(geometry, real_file_loads) {
  need_real();
  cr_assert_eq(g_real.module_z[0], -287.5f);
  cr_assert_eq(g_real.module_z[51], 750.0f);
  cr_assert_float_eq(g_real.local_x[0], 0.0275f, 1e-6);
  cr_assert_float_eq(g_real.x_pitch[0], 0.055f, 1e-6);
  cr_assert_float_eq(g_real.pixel_size, 0.055f, 1e-7);
  /* local_x is the column centre: consecutive centres are one pitch apart */
  for (int c = 0; c + 1 < KST_VELO_COLUMNS; c++)
    cr_assert_float_eq(g_real.local_x[c + 1] - g_real.local_x[c], g_real.x_pitch[c], 1e-5, "c=%d", c);
  kst_velo_geometry g2;
  cr_assert_eq(kst_geometry_load(&g2, REAL_GEO).code, KST_OK);
  assert_same(&g_real, &g2);
}

Test(geometry, binary_errors_name_array_and_offset) {
  static uint8_t buf[REAL_SIZE + 8];
  char path[64];
  kst_geometry_ideal(&g_ideal);
  size_t n = to_lhcb(&g_ideal, buf);
  cr_assert_eq(n, REAL_SIZE);
  kst_status st = load_blob(buf, n, path, sizeof path);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  unlink(path);

  /* truncations: inside a count, inside each array, one byte short */
  const size_t cuts[] = {0, 5, 8 + 100, 216 + 4, 8 + 208 + 8 + 3072 + 8 + 1000, 6376, 6376 + 12, REAL_SIZE - 1};
  const char *names[] = {"module_z", "module_z", "module_z", "local_x", "x_pitch",
                         "transform sensor", "transform number", "transform"};
  for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
    st = load_blob(buf, cuts[k], path, sizeof path);
    cr_assert_eq(st.code, KST_ERR_FORMAT, "cut %zu", cuts[k]);
    cr_assert(strstr(st.msg, path) && strstr(st.msg, names[k]) && strstr(st.msg, "byte offset"),
              "cut %zu: %s", cuts[k], st.msg);
    unlink(path);
  }

  /* wrong counts, each at its own offset */
  const size_t count_at[] = {0, 216, 216 + 8 + 3072, 6376, 6384};
  const char *count_names[] = {"module_z", "local_x", "x_pitch", "transform sensor", "transform number"};
  for (size_t k = 0; k < 5; k++) {
    uint8_t *bad = malloc(n);
    memcpy(bad, buf, n);
    bad[count_at[k]] ^= 1;
    st = load_blob(bad, n, path, sizeof path);
    free(bad);
    char want[64];
    snprintf(want, sizeof want, "at byte offset %zu", count_at[k]);
    cr_assert_eq(st.code, KST_ERR_FORMAT);
    cr_assert(strstr(st.msg, count_names[k]) && strstr(st.msg, want), "%s", st.msg);
    unlink(path);
  }

  /* a trailing byte */
  buf[n] = 0;
  st = load_blob(buf, n + 1, path, sizeof path);
  cr_assert_eq(st.code, KST_ERR_FORMAT);
  cr_assert(strstr(st.msg, "trailing"), "%s", st.msg);
  unlink(path);

  kst_velo_geometry g;
  cr_assert_eq(kst_geometry_load_lhcb(&g, "/nonexistent/velo.bin").code, KST_ERR_IO);
}

Test(geometry, json_round_trip) {
  char path[64];
  kst_velo_geometry back;
  kst_geometry_ideal(&g_ideal);
  temp_path(path, sizeof path, "json");
  cr_assert_eq(kst_geometry_save_json(&g_ideal, path).code, KST_OK);
  kst_status st = kst_geometry_load_json(&back, path);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  assert_same(&g_ideal, &back);
  cr_assert_eq(kst_geometry_load(&back, path).code, KST_OK);
  assert_same(&g_ideal, &back);
  unlink(path);
  if (access(REAL_GEO, R_OK) == 0) { /* the real numbers survive JSON exactly too */
    need_real();
    cr_assert_eq(kst_geometry_save_json(&g_real, path).code, KST_OK);
    cr_assert_eq(kst_geometry_load_json(&back, path).code, KST_OK);
    assert_same(&g_real, &back);
    unlink(path);
  }
}

Test(geometry, json_errors) {
  static const struct { const char *text; const char *want; } cases[] = {
      {"{\"format\": \"kestrel-velo-geometry\", \"version\": 1", "not valid JSON"},
      /* Text that opens an array is JSON too, not a truncated binary file. */
      {"  [1, 2, 3]", "top level must be an object"},
      {"{\"format\": \"other\", \"version\": 1}", "format"},
      {"{\"format\": \"kestrel-velo-geometry\", \"version\": 2}", "version"},
      {"{\"format\": \"kestrel-velo-geometry\", \"version\": 1}", "pixel_size"},
      {"{\"format\": \"kestrel-velo-geometry\", \"version\": 1, \"pixel_size\": 0.055, "
       "\"transforms\": []}", "transforms"},
  };
  char path[64];
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    temp_path(path, sizeof path, "bad");
    write_bytes(path, cases[k].text, strlen(cases[k].text));
    kst_velo_geometry g;
    kst_status st = kst_geometry_load(&g, path);
    cr_assert_neq(st.code, KST_OK, "case %zu", k);
    cr_assert(strstr(st.msg, cases[k].want), "case %zu: %s", k, st.msg);
    unlink(path);
  }
  /* a short array names its key */
  kst_geometry_ideal(&g_ideal);
  temp_path(path, sizeof path, "short");
  cr_assert_eq(kst_geometry_save_json(&g_ideal, path).code, KST_OK);
  FILE *f = fopen(path, "rb");
  static char text[200000];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  char *p = strstr(text, "\"local_x\": [");
  cr_assert(p);
  p = strchr(p, '[') + 1;
  char *comma = strchr(p, ',');
  memmove(p, comma + 1, strlen(comma + 1) + 1); /* drop the first entry */
  write_bytes(path, text, strlen(text));
  kst_velo_geometry g;
  kst_status st = kst_geometry_load_json(&g, path);
  cr_assert_eq(st.code, KST_ERR_FORMAT);
  cr_assert(strstr(st.msg, "local_x") && strstr(st.msg, "767"), "%s", st.msg);
  unlink(path);
}

Test(geometry, json_nested_past_the_limit_says_so_with_its_line) {
  static char text[200010];
  strcpy(text, "{\n\"format\":\n");
  memset(text + strlen(text), '[', 100000);
  char path[64];
  temp_path(path, sizeof path, "deep");
  write_bytes(path, text, strlen(text));
  kst_velo_geometry g;
  kst_status st = kst_geometry_load(&g, path);
  cr_assert_eq(st.code, KST_ERR_FORMAT);
  cr_assert(strstr(st.msg, "nested deeper than 1000 levels") && strstr(st.msg, "line 3"), "%s", st.msg);
  unlink(path);
}

Test(geometry, absurd_placements_are_refused_naming_the_sensor) {
  kst_geometry_ideal(&g_ideal);
  static uint8_t buf[REAL_SIZE];
  char path[64];
  /* A finite translation of 3e38 mm, a rotation scaled by 2 and a module at 1e9 mm: all refused, by name. */
  for (int c = 0; c < 3; c++) {
    kst_velo_geometry g = g_ideal;
    if (c == 0) g.transform[17][10] = 3e38f;
    if (c == 1)
      for (int k = 0; k < 9; k++) g.transform[42][k] *= 2.0f;
    if (c == 2) g.module_z[5] = 1e9f;
    const size_t n = to_lhcb(&g, buf);
    kst_status st = load_blob(buf, n, path, sizeof path);
    cr_assert_eq(st.code, KST_ERR_FORMAT, "case %d", c);
    const char *want[] = {"sensor 17 translation[1]", "sensor 42 rotation is not a rotation", "module_z[5]"};
    cr_assert(strstr(st.msg, want[c]), "case %d: %s", c, st.msg);
    unlink(path);
  }
}

/* The committed ideal file must be what the code generates; KST_REGENERATE=1 rewrites it. */
Test(geometry, committed_ideal_json_is_current) {
  kst_geometry_ideal(&g_ideal);
  if (getenv("KST_REGENERATE")) cr_assert_eq(kst_geometry_save_json(&g_ideal, IDEAL_JSON).code, KST_OK);
  char path[64];
  temp_path(path, sizeof path, "ideal");
  cr_assert_eq(kst_geometry_save_json(&g_ideal, path).code, KST_OK);
  static char a[200000], b[200000];
  FILE *fa = fopen(path, "rb"), *fb = fopen(IDEAL_JSON, "rb");
  cr_assert(fb, "%s missing: run this test with KST_REGENERATE=1", IDEAL_JSON);
  size_t na = fread(a, 1, sizeof a, fa), nb = fread(b, 1, sizeof b, fb);
  fclose(fa);
  fclose(fb);
  unlink(path);
  cr_assert(na == nb && memcmp(a, b, na) == 0, "%s is stale: run with KST_REGENERATE=1", IDEAL_JSON);
}

Test(geometry, transforms_invert) {
  kst_geometry_ideal(&g_ideal);
  int have_real = access(REAL_GEO, R_OK) == 0;
  if (have_real) need_real();
  for (int which = 0; which < 1 + have_real; which++) {
    const kst_velo_geometry *g = which ? &g_real : &g_ideal;
    for (int s = 0; s < KST_VELO_SENSORS; s++) {
      const float *m = g->transform[s];
      double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                   m[2] * (m[3] * m[7] - m[4] * m[6]);
      cr_assert_float_eq(det, 1.0, 1e-5, "sensor %d: rotation is not proper", s);
      for (float lx = 0.f; lx < 43.f; lx += 10.5f)
        for (float ly = 0.f; ly < 14.1f; ly += 7.f) {
          float p[3], bx, by, bz;
          kst_geometry_local_to_global(g, s, lx, ly, p);
          kst_geometry_global_to_local(g, s, p, &bx, &by, &bz);
          cr_assert(fabsf(bx - lx) < 1e-4f && fabsf(by - ly) < 1e-4f && fabsf(bz) < 1e-4f,
                    "sensor %d (%g,%g) -> (%g,%g,%g)", s, lx, ly, bx, by, bz);
        }
    }
  }
}

Test(geometry, column_of_inverts_decoding) {
  kst_geometry_ideal(&g_ideal);
  int have_real = access(REAL_GEO, R_OK) == 0;
  if (have_real) need_real();
  for (int which = 0; which < 1 + have_real; which++) {
    const kst_velo_geometry *g = which ? &g_real : &g_ideal;
    for (int c = 0; c < KST_VELO_COLUMNS; c++)
      for (int q = 0; q < 4; q++) {
        float lx = g->local_x[c] + (q / 4.f) * g->x_pitch[c], frac;
        int got = kst_geometry_column_of(g, lx, &frac);
        cr_assert_eq(got, c, "geometry %d lx %g: column %d, want %d", which, lx, got, c);
        cr_assert(frac >= 0.f && frac < 1.f && fabsf(frac - q / 4.f) < 1e-3f);
      }
    const int last = KST_VELO_COLUMNS - 1;
    cr_assert_eq(kst_geometry_column_of(g, g->local_x[0] - 1e-3f, NULL), -1);
    cr_assert_eq(kst_geometry_column_of(g, g->local_x[last] + g->x_pitch[last], NULL), -1);
    cr_assert_eq(kst_geometry_column_of(g, -5.f, NULL), -1);
  }
}

/* Distance in the sensor plane from the beam line (x = y = 0) to the sensor's active area. */
static float beam_clearance(const kst_velo_geometry *g, int s) {
  const int last = KST_VELO_COLUMNS - 1;
  float w = g->local_x[last] + 0.5f * g->x_pitch[last], h = KST_VELO_ROWS * g->pixel_size;
  float beam[3] = {0.f, 0.f, g->transform[s][11]}, bx, by, bz;
  kst_geometry_global_to_local(g, s, beam, &bx, &by, &bz);
  float dx = fmaxf(fmaxf(-bx, 0.f), bx - w), dy = fmaxf(fmaxf(-by, 0.f), by - h);
  return hypotf(dx, dy);
}

Test(geometry, ideal_is_lhcb_like) {
  kst_geometry_ideal(&g_ideal);
  const kst_velo_geometry *g = &g_ideal;
  cr_assert_eq(g->module_z[0], -287.5f);
  cr_assert_eq(g->module_z[KST_VELO_MODULES - 1], 750.0f);
  for (int m = 1; m < KST_VELO_MODULES; m++) cr_assert_gt(g->module_z[m], g->module_z[m - 1]);
  cr_assert_float_eq(g->x_pitch[255], 0.110f, 1e-6);
  cr_assert_float_eq(g->x_pitch[0], 0.055f, 1e-6);
  for (int s = 0; s < KST_VELO_SENSORS; s++) {
    cr_assert(fabsf(g->transform[s][11] - g->module_z[s / 4]) < 0.6f);
    float d = beam_clearance(g, s);
    if (s % 4 == 0 || s % 4 == 2) cr_assert_float_eq(d, 5.1f, 0.01f, "inner sensor %d: %g", s, d);
    else cr_assert_gt(d, 18.f, "outer sensor %d: %g", s, d);
  }
  if (access(REAL_GEO, R_OK) != 0) return;
  need_real();
  float dz = 0.f, dt = 0.f, dr = 0.f, dc = 0.f;
  for (int m = 0; m < KST_VELO_MODULES; m++) dz = fmaxf(dz, fabsf(g->module_z[m] - g_real.module_z[m]));
  for (int s = 0; s < KST_VELO_SENSORS; s++) {
    for (int k = 0; k < 9; k++) dr = fmaxf(dr, fabsf(g->transform[s][k] - g_real.transform[s][k]));
    for (int k = 9; k < 12; k++) dt = fmaxf(dt, fabsf(g->transform[s][k] - g_real.transform[s][k]));
    dc = fmaxf(dc, fabsf(beam_clearance(g, s) - beam_clearance(&g_real, s)));
  }
  cr_log_info("ideal vs real: max |dz module| %.4f, max |d rotation| %.2g, max |d translation| %.3f mm, "
              "max |d beam clearance| %.3f mm", dz, dr, dt, dc);
  cr_assert_lt(dz, 1e-3f);
  cr_assert_lt(dr, 1e-5f);
  cr_assert_lt(dt, 1.2f);
  cr_assert_lt(dc, 1.2f);
}

/* Decodes every retina cluster of the sample and checks it lands on its module's plane. */
Test(geometry, retina_clusters_land_on_modules) {
  need_real();
  if (access(REAL_MDF, R_OK) != 0) cr_skip_test("shared data %s is absent", REAL_MDF);
  kst_mdf_file f;
  memset(&f, 0, sizeof f);
  kst_status st = kst_mdf_open(&f, REAL_MDF);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  uint32_t n_events = 0, n_clusters = 0;
  float worst_dz = 0.f;
  for (;;) {
    kst_mdf_event ev;
    int done = 0;
    st = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    if (done) break;
    n_events++;
    kst_mdf_bank b;
    uint32_t pos = 0;
    while (kst_mdf_bank_next(&ev, &pos, &b)) {
      if (b.type != 73) continue;
      cr_assert_eq(b.version, 3);
      cr_assert_lt(b.source_id, KST_VELO_SENSORS);
      cr_assert_geq(b.payload_size, 4u);
      uint32_t n;
      memcpy(&n, b.payload, 4);
      cr_assert_eq(b.payload_size, 4 + 4 * n);
      int s = b.source_id;
      for (uint32_t k = 0; k < n; k++) {
        uint32_t w;
        memcpy(&w, b.payload + 4 + 4 * k, 4);
        int cx = (w >> 12) & 0x3FF, xfrac = (w >> 10) & 3, cy = (w >> 2) & 0xFF, yfrac = w & 3;
        cr_assert_lt(cx, KST_VELO_COLUMNS);
        float lx = g_real.local_x[cx] + (xfrac / 4.f) * g_real.x_pitch[cx];
        float ly = (cy + 0.5f + yfrac / 4.f) * g_real.pixel_size;
        float p[3], frac;
        kst_geometry_local_to_global(&g_real, s, lx, ly, p);
        float dz = fabsf(p[2] - g_real.module_z[s / 4]);
        worst_dz = fmaxf(worst_dz, dz);
        cr_assert_lt(dz, 2.f, "sensor %d cluster %u: z %g, module z %g", s, k, p[2], g_real.module_z[s / 4]);
        cr_assert_lt(hypotf(p[0], p[1]), 80.f);
        cr_assert_eq(kst_geometry_column_of(&g_real, lx, &frac), cx);
        cr_assert(fabsf(frac - xfrac / 4.f) < 1e-3f);
        n_clusters++;
      }
    }
  }
  kst_mdf_close(&f);
  cr_log_info("decoded %u retina clusters in %u events, max |z - module z| %.3f mm", n_clusters,
              n_events, worst_dz);
  cr_assert_eq(n_events, 10);
  cr_assert_eq(n_clusters, 20652);
}
