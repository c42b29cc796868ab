/* Tests for the velopix -> MDF converter: hand-made hits, a synthetic folder, the CLI and the real events. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checker/mc_truth.h"
#include "configuration/geometry.h"
#include "input/mdf.h"
#include "input/velopix.h"
#include "input/velopix_convert.h"

#define SHARED_DATA "../shared/data"
#define REAL_GEO SHARED_DATA "/lhcb/velo_geometry.bin"
#define VELOPIX_DIR SHARED_DATA "/velopix/minbias"

int kst_cmd_convert(int argc, char **argv); /* host/cmd_convert.c; cli.h gets it when main.c does */

static kst_velo_geometry g_ideal, g_real;

static void need_shared(void) {
  if (access(REAL_GEO, R_OK) != 0 || access(VELOPIX_DIR "/velo_event_0.json", R_OK) != 0)
    cr_skip_test("shared data is absent (%s and %s/velo_event_N.json, relative to the repository root): "
                 "skipping the real-event conversion test", REAL_GEO, VELOPIX_DIR);
  kst_status st = kst_geometry_load(&g_real, REAL_GEO);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
}

/* The decoder of the formats doc (section 2), written here independently of the converter. */
typedef struct decoded {
  int sensor;
  uint32_t word, id;
  float p[3];
} decoded;

static decoded decode(const kst_velo_geometry *g, int sensor, uint32_t w) {
  decoded d;
  uint32_t cx = (w >> 12) & 0x3FF, xf = (w >> 10) & 3, cy = (w >> 2) & 0xFF, yf = w & 3;
  cr_assert_lt(cx, (uint32_t)KST_VELO_COLUMNS);
  float lx = g->local_x[cx] + (xf / 4.f) * g->x_pitch[cx];
  float ly = (cy + 0.5f + yf / 4.f) * 0.055f;
  const float *m = g->transform[sensor];
  d.p[0] = m[0] * lx + m[1] * ly + m[9];
  d.p[1] = m[3] * lx + m[4] * ly + m[10];
  d.p[2] = m[6] * lx + m[7] * ly + m[11];
  uint32_t ch = (uint32_t)(xf != 0) << 27 | (uint32_t)(yf != 0) << 26 | (uint32_t)sensor << 18 | (cx >> 8) << 16 |
                (cx & 0xFF) << 8 | cy;
  d.id = 2u << 28 | (ch & 0x0FFFFFFF);
  d.sensor = sensor;
  d.word = w;
  return d;
}

static uint32_t rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* All retina clusters of an event; checks one v3 bank per sensor. Returns a malloc'd array. */
static decoded *event_clusters(const kst_velo_geometry *g, const kst_mdf_event *ev, uint32_t *n_out) {
  kst_mdf_bank b;
  uint32_t pos = 0, n = 0, cap = 0;
  decoded *d = NULL;
  int seen[KST_VELO_SENSORS] = {0};
  while (kst_mdf_bank_next(ev, &pos, &b)) {
    if (b.type != 73) continue;
    cr_assert_eq(b.version, 3);
    cr_assert_lt(b.source_id, KST_VELO_SENSORS);
    cr_assert_eq(seen[b.source_id]++, 0, "two banks for sensor %u", b.source_id);
    cr_assert_geq(b.payload_size, 4u);
    uint32_t count = rd32(b.payload);
    cr_assert_eq(b.payload_size, 4 + 4 * count);
    for (uint32_t k = 0; k < count; k++) {
      uint32_t w = rd32(b.payload + 4 + 4 * k);
      if (k) cr_assert_leq(rd32(b.payload + 4 * k), w, "words of sensor %u are not in order", b.source_id);
      if (n == cap) d = realloc(d, (cap = cap ? 2 * cap : 1024) * sizeof *d);
      cr_assert_not_null(d);
      d[n++] = decode(g, b.source_id, w);
    }
  }
  for (int s = 0; s < KST_VELO_SENSORS; s++) cr_assert_eq(seen[s], 1, "no bank for sensor %d", s);
  *n_out = n;
  return d;
}

/* Parses the MC banks of an event (particles: types 32 in source-id order; vertices: 33). */
static void event_mc(const kst_mdf_event *ev, kst_mc_event *mc) {
  kst_mc_bank_ref parts[64], verts[4];
  size_t np = 0, nv = 0;
  kst_mdf_bank b;
  uint32_t pos = 0;
  while (kst_mdf_bank_next(ev, &pos, &b)) {
    kst_mc_bank_ref r = {b.source_id, b.payload, b.payload_size};
    if (b.type == KST_MC_PARTICLE_BANK) {
      cr_assert_eq(b.version, 2);
      cr_assert_eq(b.source_id, np, "MC particle banks must be numbered 0, 1, ...");
      cr_assert_leq(b.payload_size, KST_MDF_MAX_PAYLOAD);
      cr_assert_lt(np, 64);
      parts[np++] = r;
    } else if (b.type == KST_MC_VERTEX_BANK) {
      cr_assert_lt(nv, 4);
      verts[nv++] = r;
    }
  }
  cr_assert_geq(np, 1);
  cr_assert_eq(nv, 1);
  uint8_t *pd, *vd;
  size_t ps, vs;
  cr_assert_eq(kst_mc_concat_banks(parts, np, &pd, &ps).code, KST_OK);
  cr_assert_eq(kst_mc_concat_banks(verts, nv, &vd, &vs).code, KST_OK);
  kst_status st = kst_mc_parse_particles(mc, pd, ps, 2);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  st = kst_mc_parse_vertices(mc, vd, vs);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(mc->n_vertices, 0);
  free(pd);
  free(vd);
}

static double dist(const float a[3], const float b[3]) {
  double dx = (double)a[0] - b[0], dy = (double)a[1] - b[1], dz = (double)a[2] - b[2];
  return sqrt(dx * dx + dy * dy + dz * dz);
}

typedef struct pair {
  double d;
  uint32_t hit, cl;
} pair;

static int by_distance(const void *a, const void *b) {
  const pair *x = a, *y = b;
  if (x->d != y->d) return x->d < y->d ? -1 : 1;
  if (x->hit != y->hit) return x->hit < y->hit ? -1 : 1;
  return (x->cl > y->cl) - (x->cl < y->cl);
}

/* One-to-one hit -> cluster matching within each module, closest pairs first; match[h] is the
 * cluster index or UINT32_MAX. Only pairs within 0.1 mm are considered. */
static void match_hits(const kst_velopix_event *ev, const decoded *cl, uint32_t n_cl, uint32_t *match) {
  uint8_t *used = calloc(n_cl ? n_cl : 1, 1);
  cr_assert_not_null(used);
  for (uint32_t h = 0; h < ev->n_hits; h++) match[h] = UINT32_MAX;
  for (int m = 0; m < KST_VELO_MODULES; m++) {
    uint32_t h0 = ev->module_prefix[m], h1 = ev->module_prefix[m + 1];
    size_t np = 0, cap = 64;
    pair *pairs = malloc(cap * sizeof *pairs);
    for (uint32_t c = 0; c < n_cl; c++) {
      if (cl[c].sensor / 4 != m) continue;
      for (uint32_t h = h0; h < h1; h++) {
        const float p[3] = {ev->x[h], ev->y[h], ev->z[h]};
        double d = dist(p, cl[c].p);
        if (d > 0.1) continue;
        if (np == cap) pairs = realloc(pairs, (cap *= 2) * sizeof *pairs);
        cr_assert_not_null(pairs);
        pairs[np++] = (pair){d, h, c};
      }
    }
    qsort(pairs, np, sizeof *pairs, by_distance);
    for (size_t k = 0; k < np; k++)
      if (match[pairs[k].hit] == UINT32_MAX && !used[pairs[k].cl]) {
        match[pairs[k].hit] = pairs[k].cl;
        used[pairs[k].cl] = 1;
      }
    free(pairs);
  }
  free(used);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

static uint32_t sort_unique(uint32_t *v, uint32_t n) {
  qsort(v, n, sizeof *v, cmp_u32);
  uint32_t m = 0;
  for (uint32_t k = 0; k < n; k++)
    if (m == 0 || v[m - 1] != v[k]) v[m++] = v[k];
  return m;
}

static void temp_path(char *buf, size_t n, const char *tag) {
  snprintf(buf, n, "/tmp/kst_convert_%s_XXXXXX", tag);
  int fd = mkstemp(buf);
  cr_assert(fd >= 0);
  close(fd);
}

/* ---------- hand-made hits on the ideal geometry (no shared data needed) ---------- */

/* Global position of a cluster given by its fields, through the geometry's own transform. */
static void place(const kst_velo_geometry *g, int sensor, float lx, float ly, float p[3]) {
  kst_geometry_local_to_global(g, sensor, lx, ly, p);
}

Test(convert, hand_made_hit_gives_expected_word) {
  kst_geometry_ideal(&g_ideal);
  const kst_velo_geometry *g = &g_ideal;
  kst_velopix_cluster c;
  float p[3];

  /* sensor 5 (module 1), column 300 (chip 1) at 2/4, row 100 at 1/4 */
  place(g, 5, g->local_x[300] + 0.5f * g->x_pitch[300], (100 + 0.5f + 0.25f) * 0.055f, p);
  cr_assert_eq(kst_velopix_encode_hit(g, 1, p, &c), 1);
  cr_assert_eq(c.sensor, 5);
  cr_assert(c.cx == 300 && c.xfrac == 2 && c.cy == 100 && c.yfrac == 1);
  cr_assert_eq(c.word, 0x0012C991u, "word 0x%08x", c.word); /* 300<<12 | 2<<10 | 100<<2 | 1 */
  cr_assert_eq(c.lhcbid, 0x2C152C64u, "lhcbid 0x%08x", c.lhcbid);
  cr_assert_lt(c.error, 1e-4f);

  /* 0.9 of the way to column 300 rounds to 4/4: it must carry to column 300, fraction 0; the same
   * in y from row 100 to row 101 */
  place(g, 5, g->local_x[299] + 0.9f * g->x_pitch[299], (100 + 0.5f + 0.9f) * 0.055f, p);
  cr_assert_eq(kst_velopix_encode_hit(g, 1, p, &c), 1);
  cr_assert(c.cx == 300 && c.xfrac == 0 && c.cy == 101 && c.yfrac == 0, "cx %d xf %d cy %d yf %d", c.cx,
            c.xfrac, c.cy, c.yfrac);
  cr_assert_eq(c.word, 0x0012C194u, "word 0x%08x", c.word);
  cr_assert_eq(c.lhcbid, 0x20152C65u, "lhcbid 0x%08x", c.lhcbid);
  cr_assert_lt(c.error, 0.1f * 0.055f * 1.5f);

  /* the last column cannot carry: it stays at 3/4 */
  place(g, 2, g->local_x[767] + 0.45f * g->x_pitch[767], 0.5f * 0.055f, p);
  cr_assert_eq(kst_velopix_encode_hit(g, 0, p, &c), 1);
  cr_assert(c.sensor == 2 && c.cx == 767 && c.xfrac == 2 && c.cy == 0 && c.yfrac == 0);

  /* the outer half of column 0 and the outer half of row 0 are on the sensor but below the
   * decodable span: column 0 and row 0 at 0/4 */
  place(g, 0, 0.25f * g->local_x[0], 0.01f, p);
  cr_assert_eq(kst_velopix_encode_hit(g, 0, p, &c), 1);
  cr_assert(c.sensor == 0 && c.cx == 0 && c.xfrac == 0 && c.cy == 0 && c.yfrac == 0);
  /* the top edge of the sensor: row 255, (255.95 - 0.5) * 4 = 1021.8 rounds to 1022 */
  place(g, 0, 1.f, 255.95f * 0.055f, p);
  cr_assert_eq(kst_velopix_encode_hit(g, 0, p, &c), 1);
  cr_assert(c.sensor == 0 && c.cy == 255 && c.yfrac == 2, "cy %d yf %d", c.cy, c.yfrac);

  /* a chip-boundary column (wide pitch) keeps the quarter of its own pitch */
  place(g, 7, g->local_x[255] + 0.75f * g->x_pitch[255], 3.5f * 0.055f, p);
  cr_assert_eq(kst_velopix_encode_hit(g, 1, p, &c), 1);
  cr_assert(c.sensor == 7 && c.cx == 255 && c.xfrac == 3 && c.cy == 3 && c.yfrac == 0);
  cr_assert_eq(c.lhcbid, 2u << 28 | 1u << 27 | 7u << 18 | 0u << 16 | 255u << 8 | 3u);

  /* off the plane: 0.1 mm is accepted, 0.4 mm (beyond KST_VELOPIX_MAX_LZ) is not */
  place(g, 5, 20.f, 7.f, p);
  const float *m = g->transform[5];
  float q[3] = {p[0] + 0.1f * m[2], p[1] + 0.1f * m[5], p[2] + 0.1f * m[8]};
  cr_assert_eq(kst_velopix_encode_hit(g, 1, q, &c), 1);
  cr_assert_eq(c.sensor, 5);
  cr_assert(fabsf(c.error - 0.1f) < 0.01f, "error %g", c.error);
  q[0] = p[0] + 0.4f * m[2], q[1] = p[1] + 0.4f * m[5], q[2] = p[2] + 0.4f * m[8];
  cr_assert_eq(kst_velopix_encode_hit(g, 1, q, &c), 0);
  /* the right place but the wrong module, and far outside every sensor */
  cr_assert_eq(kst_velopix_encode_hit(g, 30, p, &c), 0);
  const float far[3] = {200.f, 200.f, g->module_z[1]};
  cr_assert_eq(kst_velopix_encode_hit(g, 1, far, &c), 0);
}

/* ---------- a synthetic folder on the ideal geometry ---------- */

/* Writes velo_event_N.json: hits are (sensor, lx, ly) placed with g; particles are JSON text. */
static void write_json(const char *dir, uint32_t number, const kst_velo_geometry *g, int n, const int *sensor,
                       const float *lx, const float *ly, const char *particles) {
  char path[256];
  snprintf(path, sizeof path, "%s/velo_event_%u.json", dir, number);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  float xyz[3][16];
  uint32_t prefix[KST_VELO_MODULES + 1] = {0};
  for (int h = 0; h < n; h++) {
    float p[3];
    if (sensor[h] >= 0) place(g, sensor[h], lx[h], ly[h], p);
    else p[0] = 150.f, p[1] = 150.f, p[2] = g->module_z[-sensor[h] - 1]; /* module -s-1, on no sensor */
    for (int k = 0; k < 3; k++) xyz[k][h] = p[k];
    int mod = sensor[h] >= 0 ? sensor[h] / 4 : -sensor[h] - 1;
    if (h) cr_assert_geq(mod, sensor[h - 1] >= 0 ? sensor[h - 1] / 4 : -sensor[h - 1] - 1, "hits sorted by module");
    for (int m = mod + 1; m <= KST_VELO_MODULES; m++) prefix[m]++;
  }
  fprintf(f, "{\"module_prefix_sum\": [");
  for (int m = 0; m <= KST_VELO_MODULES; m++) fprintf(f, "%s%u", m ? ", " : "", prefix[m]);
  fprintf(f, "],\n");
  const char *names[3] = {"x", "y", "z"};
  for (int k = 0; k < 3; k++) {
    fprintf(f, "\"%s\": [", names[k]);
    for (int h = 0; h < n; h++) fprintf(f, "%s%.9g", h ? ", " : "", (double)xyz[k][h]);
    fprintf(f, "],\n");
  }
  fprintf(f, "\"montecarlo\": {\"particles\": %s}}\n", particles);
  fclose(f);
}

Test(convert, synthetic_folder_numeric_order_duplicates_and_lost_hits) {
  kst_geometry_ideal(&g_ideal);
  const kst_velo_geometry *g = &g_ideal;
  char dir[64];
  snprintf(dir, sizeof dir, "/tmp/kst_convert_dir_XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  /* hits 0 and 1 quantise to the same word; hit 3 (module 2) is on no sensor */
  const int s0[5] = {4, 5, 5, -3, 9};
  const float x0[5] = {10.f, 3.f, 3.001f, 0.f, 30.f}, y0[5] = {2.f, 5.f, 5.001f, 0.f, 12.f};
  write_json(dir, 0, g, 5, s0, x0, y0,
             "[[11, 211, 1500.5, 300.25, 3.5, -1.25, 1, 0, 1, 1, 1, 0, 1, 0, 1.0, [0, 2, 3, 4]],"
             " [12, -11, 800, 50, 2.1, 0.5, 0, 0, 1, 0, 0, 1, 0, 0, -1.0, [1]]]");
  const int s1[1] = {100};
  const float x1[1] = {7.f}, y1[1] = {7.f};
  write_json(dir, 2, g, 1, s1, x1, y1, "[]");
  write_json(dir, 10, g, 1, s1, x1, y1, "[[5, 13, 9000, 900, 4, 0, 1, 0, 1, 0, 0, 0, 0, 0, -1, [0]]]");
  /* names that are not velo_event_N.json with a canonical N are not events: garbage in them is never read */
  const char *junk_names[3] = {"velo_event_07.json", "velo_event_3.json.bak", "velo_event_x.json"};
  for (int k = 0; k < 3; k++) {
    char jp[128];
    snprintf(jp, sizeof jp, "%s/%s", dir, junk_names[k]);
    FILE *junk = fopen(jp, "w");
    cr_assert_not_null(junk);
    fputs("not json", junk);
    fclose(junk);
  }

  char out[64];
  temp_path(out, sizeof out, "synth");
  kst_convert_stats st;
  kst_status s = kst_velopix_convert(dir, out, g, 0, &st);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_eq(st.events, 3);
  cr_assert_eq(st.hits, 7);
  cr_assert_eq(st.clusters, 6);
  cr_assert_eq(st.hits_without_sensor, 1);
  cr_assert_eq(st.dropped_mc_ids, 1);
  cr_assert_eq(st.duplicate_words, 1);
  cr_assert_eq(st.duplicate_lhcbids, 1);
  cr_assert_eq(st.particles, 3);
  cr_assert_lt(st.max_error_mm, 0.02);

  kst_mdf_file f;
  memset(&f, 0, sizeof f);
  cr_assert_eq(kst_mdf_open(&f, out).code, KST_OK);
  const uint32_t numbers[3] = {0, 2, 10}; /* numeric, not lexicographic, order */
  for (int e = 0; e < 3; e++) {
    kst_mdf_event ev;
    int done = 0;
    s = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(s.code, KST_OK, "%s", s.msg);
    cr_assert_not(done);
    cr_assert(ev.run == 1 && ev.orbit == numbers[e] && ev.bunch == numbers[e]);
    uint32_t n;
    decoded *d = event_clusters(g, &ev, &n);
    kst_mc_event mc = {0};
    event_mc(&ev, &mc);
    if (e == 0) {
      cr_assert_eq(n, 4);
      cr_assert(d[1].sensor == 5 && d[2].sensor == 5 && d[1].word == d[2].word, "both duplicate words kept");
      cr_assert_eq(mc.n_particles, 2);
      const kst_mc_particle *p = &mc.particles[0];
      cr_assert(p->key == 11 && p->pid == 211 && p->p == 1500.5f && p->charge == 1.f && p->is_long == 1);
      cr_assert(p->mother_key == -1 && p->decay_mother_key == -1 && p->n_rec_pvs == 0 && p->from_signal == 0);
      cr_assert(p->n_velo == 3 && p->n_ut == 0 && p->n_scifi == 0, "the hit on no sensor is dropped");
      cr_assert_eq(mc.ids[p->velo_first + 0], d[0].id);
      cr_assert_eq(mc.ids[p->velo_first + 1], d[2].id);
      cr_assert_eq(mc.ids[p->velo_first + 2], d[3].id);
      cr_assert_eq(mc.ids[mc.particles[1].velo_first], d[1].id);
      cr_assert_eq(mc.particles[1].charge, -1.f);
    } else {
      cr_assert_eq(n, 1);
      cr_assert_eq(d[0].sensor, 100);
      cr_assert_eq(mc.n_particles, e == 1 ? 0u : 1u);
      if (e == 2) cr_assert_eq(mc.ids[0], d[0].id);
    }
    free(d);
    kst_mc_event_free(&mc);
  }
  kst_mdf_event ev;
  int done = 0;
  cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
  cr_assert(done);
  kst_mdf_close(&f);

  /* -n 2 stops after events 0 and 2 */
  s = kst_velopix_convert(dir, out, g, 2, &st);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_eq(st.events, 2);
  uint32_t n_events;
  cr_assert_eq(kst_mdf_count(out, &n_events).code, KST_OK);
  cr_assert_eq(n_events, 2);

  /* a broken event fails the conversion and leaves the earlier output as it was, with no partial file beside it */
  char bad[128];
  snprintf(bad, sizeof bad, "%s/velo_event_5.json", dir);
  FILE *b = fopen(bad, "w");
  fputs("{\"x\": [", b);
  fclose(b);
  s = kst_velopix_convert(dir, out, g, 0, &st);
  cr_assert_eq(s.code, KST_ERR_FORMAT, "%s", s.msg);
  cr_assert(strstr(s.msg, "velo_event_5.json"), "%s", s.msg);
  cr_assert_eq(st.events, 2);
  cr_assert_eq(kst_mdf_count(out, &n_events).code, KST_OK, "the earlier output is still there");
  cr_assert_eq(n_events, 2);
  char partial[160];
  snprintf(partial, sizeof partial, "ls %s.partial-* 2>/dev/null | wc -l", out);
  FILE *ls = popen(partial, "r");
  int left = -1;
  cr_assert_eq(fscanf(ls, "%d", &left), 1);
  pclose(ls);
  cr_assert_eq(left, 0, "no partial file is left");
  unlink(bad);

  /* an empty folder and a missing one are clear errors */
  char empty[64];
  snprintf(empty, sizeof empty, "/tmp/kst_convert_empty_XXXXXX");
  cr_assert_not_null(mkdtemp(empty));
  s = kst_velopix_convert(empty, out, g, 0, &st);
  cr_assert_eq(s.code, KST_ERR_IO);
  cr_assert(strstr(s.msg, "no velo_event_N.json"), "%s", s.msg);
  s = kst_velopix_convert("/nonexistent/kst", out, g, 0, &st);
  cr_assert_eq(s.code, KST_ERR_IO);
  rmdir(empty);

  for (int e = 0; e < 3; e++) {
    char p[128];
    snprintf(p, sizeof p, "%s/velo_event_%u.json", dir, numbers[e]);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s", dir, junk_names[e]);
    unlink(p);
  }
  cr_assert_eq(rmdir(dir), 0, "temp folder left non-empty");
  unlink(out);
}

/* ---------- the command line ---------- */

static int cli(const char *a0, const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
               const char *a6, const char *a7) {
  char *argv[9] = {(char *)"convert", (char *)a0, (char *)a1, (char *)a2, (char *)a3,
                   (char *)a4,        (char *)a5, (char *)a6, (char *)a7};
  int argc = 1;
  while (argc < 9 && argv[argc]) argc++;
  fflush(stdout);
  return kst_cmd_convert(argc, argv);
}

Test(convert, command_line) {
  cr_assert_eq(cli("--help", NULL, NULL, NULL, NULL, NULL, NULL, NULL), 0);
  cr_assert_eq(cli("velopix", "--help", NULL, NULL, NULL, NULL, NULL, NULL), 0);
  cr_assert_eq(cli(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), 2);
  cr_assert_eq(cli("root", "d", "-o", "x.mdf", NULL, NULL, NULL, NULL), 2);
  cr_assert_eq(cli("velopix", "-o", "x.mdf", NULL, NULL, NULL, NULL, NULL), 2);  /* no DIR */
  cr_assert_eq(cli("velopix", "/tmp", NULL, NULL, NULL, NULL, NULL, NULL), 2);   /* no -o */
  cr_assert_eq(cli("velopix", "/tmp", "-o", NULL, NULL, NULL, NULL, NULL), 2);   /* -o without value */
  cr_assert_eq(cli("velopix", "/tmp", "-o", "x.mdf", "-n", "0", NULL, NULL), 2); /* N >= 1 */
  cr_assert_eq(cli("velopix", "/tmp", "-o", "x.mdf", "-n", "ten", NULL, NULL), 2);
  cr_assert_eq(cli("velopix", "/tmp", "-o", "x.mdf", "--bogus", NULL, NULL, NULL), 2);
  cr_assert_eq(cli("velopix", "/tmp", "/usr", "-o", "x.mdf", NULL, NULL, NULL), 2);
  cr_assert_eq(cli("velopix", "/nonexistent/kst", "-o", "x.mdf", NULL, NULL, NULL, NULL), 2);
  cr_assert_eq(cli("velopix", "/tmp", "-o", "x.mdf", "--geometry", "/nonexistent/geo.bin", NULL, NULL), 1);

  /* a real run on a one-event synthetic folder with a JSON geometry */
  kst_geometry_ideal(&g_ideal);
  char dir[64], geo[64], out[64];
  snprintf(dir, sizeof dir, "/tmp/kst_convert_cli_XXXXXX");
  cr_assert_not_null(mkdtemp(dir));
  const int s1[1] = {17};
  const float x1[1] = {7.f}, y1[1] = {7.f};
  write_json(dir, 3, &g_ideal, 1, s1, x1, y1, "[[5, 13, 9000, 900, 4, 0, 1, 0, 1, 0, 0, 0, 0, 0, -1, [0]]]");
  temp_path(geo, sizeof geo, "geo");
  cr_assert_eq(kst_geometry_save_json(&g_ideal, geo).code, KST_OK);
  temp_path(out, sizeof out, "cli");
  cr_assert_eq(cli("velopix", dir, "-o", out, "-g", geo, "-n", "5"), 0);
  uint32_t n_events;
  cr_assert_eq(kst_mdf_count(out, &n_events).code, KST_OK);
  cr_assert_eq(n_events, 1);
  char p[128];
  snprintf(p, sizeof p, "%s/velo_event_3.json", dir);
  unlink(p);
  rmdir(dir);
  unlink(geo);
  unlink(out);
}

/* ---------- the real velopix events ---------- */

Test(convert, first_20_real_events_decode_like_real_data) {
  need_shared();
  const kst_velo_geometry *g = &g_real;
  char out[64];
  temp_path(out, sizeof out, "real20");
  kst_convert_stats st;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  kst_status s = kst_velopix_convert(VELOPIX_DIR, out, g, 20, &st);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  cr_assert_eq(st.events, 20);
  cr_assert_eq(st.hits_without_sensor, 0);

  kst_mdf_file f;
  memset(&f, 0, sizeof f);
  s = kst_mdf_open(&f, out);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  double max_err = 0.0, sum_err = 0.0;
  uint64_t n_hits = 0, n_mc_ids = 0, n_clusters = 0;
  for (uint32_t e = 0; e < 20; e++) {
    kst_mdf_event ev;
    int done = 0;
    s = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(s.code, KST_OK, "%s", s.msg);
    cr_assert_not(done);
    cr_assert(ev.run == 1 && ev.orbit == e && ev.bunch == e);
    char path[128];
    snprintf(path, sizeof path, VELOPIX_DIR "/velo_event_%u.json", e);
    kst_velopix_event vp;
    s = kst_velopix_read(&vp, path);
    cr_assert_eq(s.code, KST_OK, "%s", s.msg);

    uint32_t n;
    decoded *d = event_clusters(g, &ev, &n);
    cr_assert_eq(n, vp.n_hits, "event %u: %u clusters for %u JSON hits", e, n, vp.n_hits);
    uint32_t *match = malloc(vp.n_hits * sizeof *match);
    cr_assert_not_null(match);
    match_hits(&vp, d, n, match);
    for (uint32_t h = 0; h < vp.n_hits; h++) {
      cr_assert_neq(match[h], UINT32_MAX, "event %u hit %u: no cluster within 0.1 mm", e, h);
      const float p[3] = {vp.x[h], vp.y[h], vp.z[h]};
      double err = dist(p, d[match[h]].p);
      cr_assert_leq(err, 0.020, "event %u hit %u: decoded %.1f um away", e, h, 1e3 * err);
      max_err = fmax(max_err, err);
      sum_err += err;
    }

    kst_mc_event mc = {0};
    event_mc(&ev, &mc);
    cr_assert_eq(mc.n_particles, vp.mc.n_particles);
    uint8_t *in_particle = calloc(vp.n_hits ? vp.n_hits : 1, 1);
    uint32_t *mc_ids = malloc((mc.n_ids ? mc.n_ids : 1) * sizeof *mc_ids), n_mc = 0;
    cr_assert(in_particle && mc_ids);
    for (uint32_t i = 0; i < mc.n_particles; i++) {
      const kst_mc_particle *a = &mc.particles[i], *b = &vp.mc.particles[i];
      cr_assert(a->key == b->key && a->pid == b->pid && a->p == b->p && a->pt == b->pt && a->eta == b->eta &&
                a->phi == b->phi && a->charge == b->charge);
      cr_assert(a->is_long == b->is_long && a->has_velo == b->has_velo && a->from_s == b->from_s &&
                a->from_b == b->from_b && a->has_scifi == b->has_scifi);
      cr_assert(a->mother_key == -1 && a->n_rec_pvs == 0 && a->n_ut == 0 && a->n_scifi == 0);
      cr_assert_eq(a->n_velo, b->n_velo, "event %u particle %u: VELO hits lost", e, i);
      for (uint32_t j = 0; j < a->n_velo; j++) {
        uint32_t h = vp.mc.ids[b->velo_first + j], id = mc.ids[a->velo_first + j];
        /* the particle's j-th id is the id of the cluster decoded where its j-th JSON hit is */
        cr_assert_eq(id, d[match[h]].id, "event %u particle %u hit %u: id 0x%08x, cluster 0x%08x", e, i, h, id,
                     d[match[h]].id);
        in_particle[h] = 1;
        mc_ids[n_mc++] = id;
      }
    }
    /* sets: MC VELO ids == decoded ids of the clusters of particle hits; and every MC id decodes */
    uint32_t *dec_ids = malloc((n ? n : 1) * sizeof *dec_ids), n_dec = 0, n_all = 0;
    uint32_t *all_ids = malloc((n ? n : 1) * sizeof *all_ids);
    cr_assert(dec_ids && all_ids);
    for (uint32_t h = 0; h < vp.n_hits; h++)
      if (in_particle[h]) dec_ids[n_dec++] = d[match[h]].id;
    for (uint32_t c = 0; c < n; c++) all_ids[n_all++] = d[c].id;
    n_mc = sort_unique(mc_ids, n_mc);
    n_dec = sort_unique(dec_ids, n_dec);
    n_all = sort_unique(all_ids, n_all);
    cr_assert_eq(n_mc, n_dec, "event %u: %u distinct MC ids, %u decoded particle-hit ids", e, n_mc, n_dec);
    for (uint32_t k = 0; k < n_mc; k++) {
      cr_assert_eq(mc_ids[k], dec_ids[k], "event %u: id sets differ", e);
      cr_assert(bsearch(&mc_ids[k], all_ids, n_all, sizeof *all_ids, cmp_u32), "event %u: MC id not decoded", e);
    }
    n_hits += vp.n_hits;
    n_clusters += n;
    n_mc_ids += n_mc;
    free(in_particle);
    free(mc_ids);
    free(dec_ids);
    free(all_ids);
    free(match);
    free(d);
    kst_mc_event_free(&mc);
    kst_velopix_free(&vp);
  }
  kst_mdf_event ev;
  int done = 0;
  cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
  cr_assert(done, "exactly 20 events");
  kst_mdf_close(&f);
  unlink(out);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  cr_log_info("20 events: %llu hits, %llu clusters, %llu distinct MC VELO ids (all decoded), decoded vs JSON "
              "max %.2f um mean %.2f um; converter: max %.2f um mean %.2f um, %llu duplicate words, %llu "
              "duplicate LHCbIDs, %.3f s",
              (unsigned long long)n_hits, (unsigned long long)n_clusters, (unsigned long long)n_mc_ids,
              1e3 * max_err, 1e3 * sum_err / (double)n_hits, 1e3 * st.max_error_mm, 1e3 * st.mean_error_mm,
              (unsigned long long)st.duplicate_words, (unsigned long long)st.duplicate_lhcbids, secs);
  cr_assert_eq(n_clusters, n_hits);
  cr_assert(fabs(max_err - st.max_error_mm) < 1e-5, "the converter's own max error agrees with the decoder");
}

Test(convert, all_200_real_events) {
  need_shared();
  char out[64];
  temp_path(out, sizeof out, "real200");
  kst_convert_stats st;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  kst_status s = kst_velopix_convert(VELOPIX_DIR, out, &g_real, 0, &st);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  cr_log_info("200 events: %llu hits, %llu without sensor, %llu duplicate words, %llu duplicate LHCbIDs, "
              "%llu particles, error max %.2f um (event %u hit %u) mean %.2f um, %.2f s",
              (unsigned long long)st.hits, (unsigned long long)st.hits_without_sensor,
              (unsigned long long)st.duplicate_words, (unsigned long long)st.duplicate_lhcbids,
              (unsigned long long)st.particles, 1e3 * st.max_error_mm, st.max_error_event, st.max_error_hit,
              1e3 * st.mean_error_mm, secs);
  cr_assert_eq(st.events, 200);
  cr_assert_eq(st.hits_without_sensor, 0);
  cr_assert_eq(st.clusters, st.hits);
  cr_assert_lt(st.max_error_mm, 0.020);
  uint32_t n_events;
  cr_assert_eq(kst_mdf_count(out, &n_events).code, KST_OK);
  cr_assert_eq(n_events, 200);
  unlink(out);
}
