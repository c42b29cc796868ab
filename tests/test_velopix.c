/* Tests for the velopix JSON event reader: a hand-written event, malformed ones and real events. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "input/velopix.h"

#define REAL_GEO "../shared/data/lhcb/velo_geometry.bin"
#define VELOPIX_DIR "../shared/data/velopix/minbias/"

/* 53 prefix sums: hits 0,1 in module 0, hit 2 in module 1, unless overridden. */
static void prefix_json(char *buf, size_t n, uint32_t last, int bump_at) {
  size_t o = (size_t)snprintf(buf, n, "[0, 2");
  for (int m = 2; m <= KST_VELO_MODULES; m++)
    o += (size_t)snprintf(buf + o, n - o, ", %u", m == bump_at ? 9 : (m == KST_VELO_MODULES ? last : 3));
  snprintf(buf + o, n - o, "]");
}

/* Writes an event into a temp file; NULL parts fall back to a valid default, "" omits the key. */
static void write_event(char *path, size_t path_n, const char *prefix, const char *z, const char *particles) {
  char def_prefix[512];
  prefix_json(def_prefix, sizeof def_prefix, 3, -1);
  if (!prefix) prefix = def_prefix;
  if (!z) z = "[-287.5, -275.25, -274.42]";
  if (!particles)
    particles = "[[7, 211, 1500.5, 300.25, 3.5, -1.25, 1, 0, 1, 1, 1, 0, 1, 0, 1.0, [0, 2]],"
                " [9, -11, 800, 50, 2.1, 0.5, 0, 0, 1, 0, 0, 1, 0, 0, -1.0, [1]]]";
  static char text[4096];
  size_t o = (size_t)snprintf(text, sizeof text, "{\"description\": \"tiny\",\n");
  if (*prefix) o += (size_t)snprintf(text + o, sizeof text - o, "\"module_prefix_sum\": %s,\n", prefix);
  o += (size_t)snprintf(text + o, sizeof text - o, "\"x\": [1.5, -2.25, 3.0], \"y\": [0.5, 0.75, -6.0],\n");
  if (*z) o += (size_t)snprintf(text + o, sizeof text - o, "\"z\": %s,\n", z);
  if (*particles)
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "\"montecarlo\": {\"description\": [], \"particles\": %s},\n", particles);
  snprintf(text + o, sizeof text - o, "\"end\": 0}\n");
  snprintf(path, path_n, "/tmp/kst_velopix_XXXXXX");
  int fd = mkstemp(path);
  cr_assert(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
}

Test(velopix, tiny_event) {
  char path[64];
  write_event(path, sizeof path, NULL, NULL, NULL);
  kst_velopix_event ev;
  kst_status st = kst_velopix_read(&ev, path);
  unlink(path);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(ev.n_hits, 3);
  cr_assert(ev.module_prefix[0] == 0 && ev.module_prefix[1] == 2 && ev.module_prefix[2] == 3 &&
            ev.module_prefix[KST_VELO_MODULES] == 3);
  cr_assert(ev.x[1] == -2.25f && ev.y[2] == -6.0f && ev.z[0] == -287.5f);
  cr_assert_eq(ev.mc.n_particles, 2);
  cr_assert_eq(ev.mc.n_ids, 3);
  const kst_mc_particle *p = &ev.mc.particles[0], *q = &ev.mc.particles[1];
  cr_assert(p->key == 7 && p->pid == 211 && p->p == 1500.5f && p->pt == 300.25f && p->eta == 3.5f &&
            p->phi == -1.25f && p->charge == 1.f);
  cr_assert(p->is_long == 1 && p->is_down == 0 && p->has_velo == 1 && p->has_ut == 1 &&
            p->has_scifi == 1 && p->from_b == 0 && p->from_c == 1 && p->from_s == 0);
  cr_assert(q->pid == -11 && q->from_b == 1 && q->charge == -1.f);
  cr_assert(p->velo_first == 0 && p->n_velo == 2 && q->velo_first == 2 && q->n_velo == 1);
  cr_assert(ev.mc.ids[0] == 0 && ev.mc.ids[1] == 2 && ev.mc.ids[2] == 1);
  cr_assert(p->n_ut == 0 && p->n_scifi == 0 && ev.mc.n_vertices == 0);
  kst_velopix_free(&ev);
  cr_assert_null(ev.x);
}

Test(velopix, malformed_events) {
  char bad_last[512], bad_mono[512], path[64];
  prefix_json(bad_last, sizeof bad_last, 4, -1);  /* says 4 hits, arrays hold 3 */
  prefix_json(bad_mono, sizeof bad_mono, 3, 10);  /* 9 then back to 3 */
  static const struct { int which; const char *want; } cases[] = {
      {0, "module_prefix_sum"}, {1, "\"z\""}, {2, "montecarlo.particles"}, {3, "\"x\" has 3"},
      {4, "decreases at 11"},   {5, "hit 1"}, {6, "particle 0 must be"}, {7, "53 integers"},
      {8, "not valid JSON"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    switch (cases[k].which) {
      case 0: write_event(path, sizeof path, "", NULL, NULL); break;
      case 1: write_event(path, sizeof path, NULL, "", NULL); break;
      case 2: write_event(path, sizeof path, NULL, NULL, ""); break;
      case 3: write_event(path, sizeof path, bad_last, NULL, NULL); break;
      case 4: write_event(path, sizeof path, bad_mono, NULL, NULL); break;
      case 5:
        write_event(path, sizeof path, NULL, NULL,
                    "[[7, 211, 1, 1, 3, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1.0, [0, 3]]]");
        break;
      case 6: write_event(path, sizeof path, NULL, NULL, "[[7, 211, 1]]"); break;
      case 7: write_event(path, sizeof path, "[0, 1, 2]", NULL, NULL); break;
      default: write_event(path, sizeof path, "[0,", NULL, NULL); break;
    }
    kst_velopix_event ev;
    kst_status st = kst_velopix_read(&ev, path);
    unlink(path);
    cr_assert_eq(st.code, KST_ERR_FORMAT, "case %zu: %s", k, st.msg);
    cr_assert(strstr(st.msg, cases[k].want) && strstr(st.msg, path), "case %zu: %s", k, st.msg);
    cr_assert(ev.x == NULL && ev.mc.particles == NULL && ev.n_hits == 0);
  }
  kst_velopix_event ev;
  cr_assert_eq(kst_velopix_read(&ev, "/nonexistent/velo_event.json").code, KST_ERR_IO);
}

Test(velopix, real_events) {
  kst_velo_geometry g;
  if (access(REAL_GEO, R_OK) != 0) cr_skip_test("shared data %s is absent", REAL_GEO);
  if (access(VELOPIX_DIR "velo_event_0.json", R_OK) != 0)
    cr_skip_test("shared data %svelo_event_0.json is absent", VELOPIX_DIR);
  kst_status st = kst_geometry_load_lhcb(&g, REAL_GEO);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  for (int e = 0; e < 3; e++) {
    char path[128];
    snprintf(path, sizeof path, VELOPIX_DIR "velo_event_%d.json", e);
    kst_velopix_event ev;
    st = kst_velopix_read(&ev, path);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    cr_assert_eq(ev.n_hits, ev.module_prefix[KST_VELO_MODULES]);
    float worst = 0.f;
    for (int m = 0; m < KST_VELO_MODULES; m++)
      for (uint32_t h = ev.module_prefix[m]; h < ev.module_prefix[m + 1]; h++) {
        cr_assert(ev.z[h] > g.module_z[0] - 50.f && ev.z[h] < g.module_z[KST_VELO_MODULES - 1] + 50.f);
        /* module numbering is the geometry's: each hit sits on its module's sensor planes */
        worst = fmaxf(worst, fabsf(ev.z[h] - g.module_z[m]));
        cr_assert_lt(fabsf(ev.z[h] - g.module_z[m]), 2.f, "hit %u module %d z %g", h, m, ev.z[h]);
      }
    uint32_t with_hits = 0;
    for (uint32_t i = 0; i < ev.mc.n_particles; i++) with_hits += ev.mc.particles[i].n_velo > 0;
    cr_log_info("%s: %u hits, %u particles (%u with hits, %u hit refs), max |z - module z| %.3f mm", path,
                ev.n_hits, ev.mc.n_particles, with_hits, ev.mc.n_ids, worst);
    if (e == 0) cr_assert(ev.n_hits == 996 && ev.mc.n_particles == 153);
    kst_velopix_free(&ev);
  }
}
