/* VELO geometry: LHCb binary and Kestrel JSON readers, JSON writer, ideal detector, transforms. */
#include "configuration/geometry.h"

#include "configuration/condition_types.h"

#include "configuration/file.h"
#include "configuration/json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEO_JSON_FORMAT "kestrel-velo-geometry"
#define GEO_JSON_VERSION 1

/* ---------- shared helpers ---------- */


/* Builds the global->local transform; 0 when the rotation is singular. */
static int invert_transform(const float m[12], float inv[12]) {
  double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], gg = m[6], h = m[7], i = m[8];
  double det = a * (e * i - f * h) - b * (d * i - f * gg) + c * (d * h - e * gg);
  if (!(fabs(det) > 1e-6)) return 0;
  /* General inverse (adjugate / det) rather than a transpose, so slightly non-orthonormal
   * rotations from files still round-trip. */
  double r[9] = {(e * i - f * h) / det,  (c * h - b * i) / det,  (b * f - c * e) / det,
                 (f * gg - d * i) / det, (a * i - c * gg) / det, (c * d - a * f) / det,
                 (d * h - e * gg) / det, (b * gg - a * h) / det, (a * e - b * d) / det};
  for (int k = 0; k < 9; k++) inv[k] = (float)r[k];
  for (int row = 0; row < 3; row++)
    inv[9 + row] = (float)-(r[3 * row] * m[9] + r[3 * row + 1] * m[10] + r[3 * row + 2] * m[11]);
  return 1;
}

/* Farthest coordinate a VELO placement may have, mm. */
#define KST_GEOMETRY_MAX_MM 5000.0

/* Checks what later code relies on (finite numbers, a searchable column table, invertible
 * transforms) and fills the inverses. */
static kst_status finish_geometry(kst_velo_geometry *g, const char *path) {
  for (int m = 0; m < KST_VELO_MODULES; m++)
    if (!isfinite(g->module_z[m]) || fabsf(g->module_z[m]) > KST_GEOMETRY_MAX_MM)
      return kst_error(KST_ERR_FORMAT, "%s: module_z[%d] = %g is not finite or beyond %g mm", path, m,
                       (double)g->module_z[m], KST_GEOMETRY_MAX_MM);
  for (int c = 0; c < KST_VELO_COLUMNS; c++) {
    if (!isfinite(g->local_x[c]) || !(g->x_pitch[c] > 0.f) || !isfinite(g->x_pitch[c]))
      return kst_error(KST_ERR_FORMAT, "%s: column %d has local_x %g, x_pitch %g (need finite, pitch > 0)",
                       path, c, (double)g->local_x[c], (double)g->x_pitch[c]);
    /* column_of binary-searches local_x */
    if (c > 0 && !(g->local_x[c] > g->local_x[c - 1]))
      return kst_error(KST_ERR_FORMAT, "%s: local_x[%d] = %g does not increase", path, c,
                       (double)g->local_x[c]);
  }
  if (!(g->pixel_size > 0.f) || !isfinite(g->pixel_size))
    return kst_error(KST_ERR_FORMAT, "%s: pixel_size %g is not positive", path, (double)g->pixel_size);
  for (int s = 0; s < KST_VELO_SENSORS; s++) {
    for (int k = 0; k < 12; k++)
      if (!isfinite(g->transform[s][k]))
        return kst_error(KST_ERR_FORMAT, "%s: transform[%d][%d] is not finite", path, s, k);
    /* A finite but absurd placement (a translation of 3e38 mm) would put every hit of the sensor out of reach
       without a word; the detector fits in a few metres and its sensors are rotated, not scaled or sheared. */
    for (int k = 9; k < 12; k++)
      if (fabsf(g->transform[s][k]) > KST_GEOMETRY_MAX_MM)
        return kst_error(KST_ERR_FORMAT, "%s: sensor %d translation[%d] = %g mm is beyond %g mm", path, s, k - 9,
                         (double)g->transform[s][k], KST_GEOMETRY_MAX_MM);
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++) {
        const float *r = g->transform[s];
        const double dot = (double)r[3 * i] * r[3 * j] + (double)r[3 * i + 1] * r[3 * j + 1] + (double)r[3 * i + 2] * r[3 * j + 2];
        if (fabs(dot - (i == j)) > 1e-3)
          return kst_error(KST_ERR_FORMAT, "%s: sensor %d rotation is not a rotation (rows %d and %d have product %g)",
                           path, s, i, j, dot);
      }
    if (!invert_transform(g->transform[s], g->inverse[s]))
      return kst_error(KST_ERR_FORMAT, "%s: sensor %d rotation is singular", path, s);
  }
  return kst_ok();
}

/* ---------- LHCb binary ---------- */

static uint64_t le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int k = 7; k >= 0; k--) v = (v << 8) | p[k];
  return v;
}

static float lef32(const uint8_t *p) {
  uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* Reads a u64 count at *off and checks it equals want. */
static kst_status bin_count(const uint8_t *d, size_t size, size_t *off, const char *path,
                            const char *what, uint64_t want) {
  if (size - *off < 8)
    return kst_error(KST_ERR_FORMAT, "%s: truncated at byte offset %zu reading the %s count (file is %zu bytes)",
                     path, *off, what, size);
  uint64_t n = le64(d + *off);
  if (n != want)
    return kst_error(KST_ERR_FORMAT, "%s: %s count is %llu at byte offset %zu, expected %llu", path,
                     what, (unsigned long long)n, *off, (unsigned long long)want);
  *off += 8;
  return kst_ok();
}

/* Reads n f32 at *off into out. */
static kst_status bin_floats(const uint8_t *d, size_t size, size_t *off, const char *path,
                             const char *what, float *out, size_t n) {
  if (size - *off < 4 * n)
    return kst_error(KST_ERR_FORMAT, "%s: %s array truncated at byte offset %zu: needs %zu bytes, %zu left",
                     path, what, *off, 4 * n, size - *off);
  for (size_t k = 0; k < n; k++) out[k] = lef32(d + *off + 4 * k);
  *off += 4 * n;
  return kst_ok();
}

static kst_status parse_lhcb(kst_velo_geometry *out, const uint8_t *d, size_t size, const char *path) {
  kst_velo_geometry g;
  size_t off = 0;
  KST_TRY(bin_count(d, size, &off, path, "module_z", KST_VELO_MODULES));
  KST_TRY(bin_floats(d, size, &off, path, "module_z", g.module_z, KST_VELO_MODULES));
  KST_TRY(bin_count(d, size, &off, path, "local_x", KST_VELO_COLUMNS));
  KST_TRY(bin_floats(d, size, &off, path, "local_x", g.local_x, KST_VELO_COLUMNS));
  KST_TRY(bin_count(d, size, &off, path, "x_pitch", KST_VELO_COLUMNS));
  KST_TRY(bin_floats(d, size, &off, path, "x_pitch", g.x_pitch, KST_VELO_COLUMNS));
  KST_TRY(bin_count(d, size, &off, path, "transform sensor", KST_VELO_SENSORS));
  KST_TRY(bin_count(d, size, &off, path, "transform number", 12));
  KST_TRY(bin_floats(d, size, &off, path, "transform", &g.transform[0][0], KST_VELO_SENSORS * 12));
  if (off != size)
    return kst_error(KST_ERR_FORMAT, "%s: %zu trailing bytes at byte offset %zu (expected file size %zu)",
                     path, size - off, off, off);
  g.pixel_size = KST_VELO_PIXEL_SIZE; /* not in the file: fixed by the VeloPix chip */
  KST_TRY(finish_geometry(&g, path));
  *out = g;
  return kst_ok();
}

kst_status kst_geometry_load_lhcb(kst_velo_geometry *g, const char *path) {
  uint8_t *d = NULL;
  size_t size = 0;
  if (!g || !path) return kst_error(KST_ERR_INVALID, "kst_geometry_load_lhcb: NULL argument");
  KST_TRY(kst_read_file(path, &d, &size));
  kst_status st = parse_lhcb(g, d, size, path);
  free(d);
  return st;
}

/* ---------- Kestrel JSON ---------- */

/* Copies a JSON array of exactly n numbers; name labels it in messages. */
static kst_status json_floats(const cJSON *a, const char *name, float *out, int n, const char *path) {
  if (!cJSON_IsArray(a)) return kst_error(KST_ERR_FORMAT, "%s: \"%s\" is missing or not an array", path, name);
  int len = cJSON_GetArraySize(a);
  if (len != n)
    return kst_error(KST_ERR_FORMAT, "%s: \"%s\" has %d entries, expected %d", path, name, len, n);
  int k = 0;
  const cJSON *v;
  cJSON_ArrayForEach(v, a) {
    if (!cJSON_IsNumber(v))
      return kst_error(KST_ERR_FORMAT, "%s: \"%s\"[%d] is not a number", path, name, k);
    out[k++] = (float)v->valuedouble;
  }
  return kst_ok();
}

/* The member key of root as an array of n numbers. */
static kst_status json_key_floats(const cJSON *root, const char *key, float *out, int n,
                                  const char *path) {
  return json_floats(cJSON_GetObjectItemCaseSensitive(root, key), key, out, n, path);
}

static kst_status parse_json(kst_velo_geometry *out, const char *text, const char *path) {
  char why[160];
  cJSON *root = kst_json_parse(text, why, sizeof why);
  if (!root) return kst_error(KST_ERR_FORMAT, "%s: %s", path, why);
  kst_velo_geometry g;
  kst_status st = kst_ok();
  const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
  const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
  const cJSON *pix = cJSON_GetObjectItemCaseSensitive(root, "pixel_size");
  const cJSON *tr = cJSON_GetObjectItemCaseSensitive(root, "transforms");
  if (!cJSON_IsObject(root)) {
    st = kst_error(KST_ERR_FORMAT, "%s: the top level must be an object with \"format\": \"%s\"", path, GEO_JSON_FORMAT);
  } else if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, GEO_JSON_FORMAT) != 0) {
    st = kst_error(KST_ERR_FORMAT, "%s: \"format\" must be \"%s\"", path, GEO_JSON_FORMAT);
  } else if (!cJSON_IsNumber(ver) || ver->valuedouble != GEO_JSON_VERSION) {
    st = kst_error(KST_ERR_UNSUPPORTED, "%s: unsupported \"version\" (this reader knows %d)", path,
                   GEO_JSON_VERSION);
  } else if (!cJSON_IsNumber(pix)) {
    st = kst_error(KST_ERR_FORMAT, "%s: missing number \"pixel_size\"", path);
  } else if (!cJSON_IsArray(tr) || cJSON_GetArraySize(tr) != KST_VELO_SENSORS) {
    st = kst_error(KST_ERR_FORMAT, "%s: \"transforms\" must be an array of %d arrays", path,
                   KST_VELO_SENSORS);
  }
  if (st.code == KST_OK) {
    g.pixel_size = (float)pix->valuedouble;
    st = json_key_floats(root, "module_z", g.module_z, KST_VELO_MODULES, path);
  }
  if (st.code == KST_OK) st = json_key_floats(root, "local_x", g.local_x, KST_VELO_COLUMNS, path);
  if (st.code == KST_OK) st = json_key_floats(root, "x_pitch", g.x_pitch, KST_VELO_COLUMNS, path);
  int s = 0;
  const cJSON *row;
  cJSON_ArrayForEach(row, tr) {
    if (st.code != KST_OK) break;
    char name[32];
    snprintf(name, sizeof name, "transforms[%d]", s);
    st = json_floats(row, name, g.transform[s++], 12, path);
  }
  cJSON_Delete(root);
  if (st.code == KST_OK) st = finish_geometry(&g, path);
  if (st.code == KST_OK) *out = g;
  return st;
}

kst_status kst_geometry_load_json(kst_velo_geometry *g, const char *path) {
  uint8_t *d = NULL;
  size_t size = 0;
  if (!g || !path) return kst_error(KST_ERR_INVALID, "kst_geometry_load_json: NULL argument");
  KST_TRY(kst_read_file(path, &d, &size));
  kst_status st = parse_json(g, (const char *)d, path);
  free(d);
  return st;
}

kst_status kst_geometry_load(kst_velo_geometry *g, const char *path) {
  uint8_t *d = NULL;
  size_t size = 0;
  if (!g || !path) return kst_error(KST_ERR_INVALID, "kst_geometry_load: NULL argument");
  KST_TRY(kst_read_file(path, &d, &size));
  size_t k = 0;
  while (k < size && (d[k] == ' ' || d[k] == '\t' || d[k] == '\n' || d[k] == '\r')) k++;
  /* The binary starts with the u64 count 52, whose first byte is '4': text opening an object or an array is JSON. */
  kst_status st = (k < size && (d[k] == '{' || d[k] == '[')) ? parse_json(g, (const char *)d, path)
                                             : parse_lhcb(g, d, size, path);
  free(d);
  return st;
}

/* Shortest decimal that reads back as the same float, so saved files are exact and diffable. */
static void format_float(char *buf, size_t n, float v) {
  if (v == 0.f) v = 0.f; /* no "-0" */
  for (int prec = 6; prec <= 9; prec++) {
    snprintf(buf, n, "%.*g", prec, (double)v);
    if (strtof(buf, NULL) == v) return;
  }
}

static void write_row(FILE *f, const float *v, int n, int per_line, const char *indent) {
  char num[32];
  for (int k = 0; k < n; k++) {
    format_float(num, sizeof num, v[k]);
    if (k % per_line == 0) fprintf(f, "\n%s", indent);
    fprintf(f, "%s%s", num, k + 1 < n ? (k % per_line == per_line - 1 ? "," : ", ") : "");
  }
}

kst_status kst_geometry_save_json(const kst_velo_geometry *g, const char *path) {
  if (!g || !path) return kst_error(KST_ERR_INVALID, "kst_geometry_save_json: NULL argument");
  FILE *f = fopen(path, "w");
  if (!f) return kst_error(KST_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
  char num[32];
  format_float(num, sizeof num, g->pixel_size);
  fprintf(f, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"pixel_size\": %s,\n",
          GEO_JSON_FORMAT, GEO_JSON_VERSION, num);
  fprintf(f, "  \"module_z\": [");
  write_row(f, g->module_z, KST_VELO_MODULES, 8, "    ");
  fprintf(f, "\n  ],\n  \"local_x\": [");
  write_row(f, g->local_x, KST_VELO_COLUMNS, 8, "    ");
  fprintf(f, "\n  ],\n  \"x_pitch\": [");
  write_row(f, g->x_pitch, KST_VELO_COLUMNS, 8, "    ");
  fprintf(f, "\n  ],\n  \"transforms\": [");
  for (int s = 0; s < KST_VELO_SENSORS; s++) {
    fprintf(f, "\n    [");
    for (int k = 0; k < 12; k++) {
      format_float(num, sizeof num, g->transform[s][k]);
      fprintf(f, "%s%s", num, k < 11 ? ", " : "");
    }
    fprintf(f, "]%s", s + 1 < KST_VELO_SENSORS ? "," : "");
  }
  fprintf(f, "\n  ]\n}\n");
  int bad = ferror(f);
  if (fclose(f) != 0 || bad) return kst_error(KST_ERR_IO, "%s: write failed", path);
  return kst_ok();
}

/* ---------- ideal detector ---------- */

/* Station layout: runs of (stations, spacing mm) after the first station at -287.5 mm. Each
 * station holds the two detector halves as consecutive modules 12.5 mm apart. The pattern
 * follows the LHCb Upgrade VELO: dense 25 mm stations around the interaction region, sparser
 * ones upstream (backward tracks) and downstream (long lever arm). */
static const struct { int n; double step; } kst_station_runs[] = {
    {3, 25.0}, {2, 75.0}, {13, 25.0}, {1, 50.0}, {1, 75.0}, {2, 100.0}, {3, 50.0}};
#define IDEAL_FIRST_Z -287.5
#define IDEAL_HALF_DZ 12.5        /* z offset of the second half of a station */
#define IDEAL_SENSOR_DZ 0.58      /* sensor plane offset from module z, along the sensor normal */
#define IDEAL_CLEARANCE 5.1       /* inner sensor edge to beam */
#define IDEAL_OVERLAP 0.1         /* inner/outer sensor overlap across the L arms */
#define IDEAL_EDGE_HALVES 4       /* 0.110 mm: the columns either side of a chip boundary */
#define IDEAL_HALF_PIXEL 0.0275

/* Column widths in half-pixel units (27.5 um), so the centres come out as exact multiples:
 * 55 um, doubled next to the chip boundaries to cover the gap between chips. */
static int ideal_column_halves(int c) {
  int in_chip = c % 256;
  int edge = (in_chip == 255 && c != KST_VELO_COLUMNS - 1) || (in_chip == 0 && c != 0);
  return edge ? IDEAL_EDGE_HALVES : 2;
}

/* One sensor of the even-module half in the L frame (p, q), in which both arms are axis-aligned
 * (global xy is this frame turned by +45 degrees): origin of local (0,0) and the frame
 * directions of the local x and y axes. */
typedef struct { double op, oq, xp, xq, yp, yq; } ideal_sensor;

static void ideal_half(ideal_sensor s[4], double w, double h) {
  const double d = IDEAL_CLEARANCE, ov = IDEAL_OVERLAP;
  /* 0: inner arm left of the beam, columns along +q, rows towards the beam (+p) */
  s[0] = (ideal_sensor){-(d + h), d - w, 0, 1, 1, 0};
  /* 1: outer arm behind sensor 0, columns along -q */
  s[1] = (ideal_sensor){-(d + 2 * h - ov), d, 0, -1, 1, 0};
  /* 2: inner arm above the beam, columns along -p, rows towards the beam (-q) */
  s[2] = (ideal_sensor){d, d + h, -1, 0, 0, -1};
  /* 3: outer arm behind sensor 2, columns along +p */
  s[3] = (ideal_sensor){d - w, d + 2 * h - ov, 1, 0, 0, -1};
}

void kst_geometry_ideal(kst_velo_geometry *g) {
  memset(g, 0, sizeof *g);
  g->pixel_size = KST_VELO_PIXEL_SIZE;

  int centre = ideal_column_halves(0) / 2, width = 0;
  for (int c = 0; c < KST_VELO_COLUMNS; c++) {
    int w = ideal_column_halves(c);
    /* pitch = centre-to-centre distance, so decoded positions interpolate between centres */
    int pitch = c + 1 < KST_VELO_COLUMNS ? (w + ideal_column_halves(c + 1)) / 2 : w;
    g->local_x[c] = (float)(centre * IDEAL_HALF_PIXEL);
    g->x_pitch[c] = (float)(pitch * IDEAL_HALF_PIXEL);
    centre += pitch;
    width += w;
  }
  double height = KST_VELO_ROWS * (double)KST_VELO_PIXEL_SIZE;

  double z = IDEAL_FIRST_Z;
  int m = 0;
  g->module_z[m++] = (float)z;
  g->module_z[m++] = (float)(z + IDEAL_HALF_DZ);
  for (size_t r = 0; r < sizeof kst_station_runs / sizeof kst_station_runs[0]; r++)
    for (int k = 0; k < kst_station_runs[r].n && m + 1 < KST_VELO_MODULES; k++) {
      z += kst_station_runs[r].step;
      g->module_z[m++] = (float)z;
      g->module_z[m++] = (float)(z + IDEAL_HALF_DZ);
    }

  ideal_sensor half[4];
  ideal_half(half, width * IDEAL_HALF_PIXEL, height);
  const double c45 = sqrt(0.5); /* (p, q) -> (x, y) is a +45 degree rotation */
  for (int s = 0; s < KST_VELO_SENSORS; s++) {
    const ideal_sensor *h = &half[s % 4];
    /* odd modules are the other half: the same layout turned 180 degrees about the beam */
    double flip = (s / 4) % 2 ? -1.0 : 1.0;
    double r00 = flip * c45 * (h->xp - h->xq), r01 = flip * c45 * (h->yp - h->yq);
    double r10 = flip * c45 * (h->xp + h->xq), r11 = flip * c45 * (h->yp + h->yq);
    double tx = flip * c45 * (h->op - h->oq), ty = flip * c45 * (h->op + h->oq);
    /* the normal makes the rotation proper; mirrored sensors face upstream */
    double normal = r00 * r11 - r01 * r10 > 0 ? 1.0 : -1.0;
    float *t = g->transform[s];
    t[0] = (float)r00, t[1] = (float)r01, t[2] = 0.f;
    t[3] = (float)r10, t[4] = (float)r11, t[5] = 0.f;
    t[6] = 0.f, t[7] = 0.f, t[8] = (float)normal;
    t[9] = (float)tx, t[10] = (float)ty;
    t[11] = (float)(g->module_z[s / 4] + normal * IDEAL_SENSOR_DZ);
    invert_transform(t, g->inverse[s]); /* cannot fail: a proper rotation */
  }
}

/* ---------- transforms ---------- */

void kst_geometry_local_to_global(const kst_velo_geometry *g, int sensor, float lx, float ly,
                                  float out[3]) {
  const float *m = g->transform[sensor];
  out[0] = m[0] * lx + m[1] * ly + m[9];
  out[1] = m[3] * lx + m[4] * ly + m[10];
  out[2] = m[6] * lx + m[7] * ly + m[11];
}

void kst_geometry_global_to_local(const kst_velo_geometry *g, int sensor, const float p[3],
                                  float *lx, float *ly, float *lz) {
  const float *m = g->inverse[sensor];
  float x = m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[9];
  float y = m[3] * p[0] + m[4] * p[1] + m[5] * p[2] + m[10];
  float z = m[6] * p[0] + m[7] * p[1] + m[8] * p[2] + m[11];
  if (lx) *lx = x;
  if (ly) *ly = y;
  if (lz) *lz = z;
}

int kst_geometry_column_of(const kst_velo_geometry *g, float lx, float *frac) {
  const int last = KST_VELO_COLUMNS - 1;
  if (!(lx >= g->local_x[0]) || !(lx < g->local_x[last] + g->x_pitch[last])) return -1;
  int lo = 0, hi = last; /* largest c with local_x[c] <= lx */
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (g->local_x[mid] <= lx) lo = mid;
    else hi = mid - 1;
  }
  if (frac) {
    float f = (lx - g->local_x[lo]) / g->x_pitch[lo];
    /* rounding (or a table whose pitch undershoots the next centre) must not leave [0,1) */
    *frac = f < 1.f ? f : nextafterf(1.f, 0.f);
  }
  return lo;
}

/* The condition loader's signature over kst_geometry_load. */
static kst_status load_condition(void *host, const char *path) { return kst_geometry_load((kst_velo_geometry *)host, path); }

/* The VELO geometry as a condition (see host/runtime/conditions.h). */
const kst_condition_type kst_condition_velo_geometry = {
    .name = "velo_geometry",
    .description = "VELO module z, column table and sensor transforms (LHCb velo_geometry.bin or Kestrel JSON)",
    .default_file = "configuration/velo_ideal_geometry.json",
    .beside_input = "velo_geometry.bin",
    .host_size = sizeof(kst_velo_geometry),
    .load = load_condition,
};
