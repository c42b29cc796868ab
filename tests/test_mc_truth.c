/* Tests for the MC truth bank readers: hand-made blobs, malformed data and the shared MDF sample. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker/mc_truth.h"
#include "input/mdf.h"

#define REAL_MDF "../shared/data/lhcb/MiniBrunel_2018_MinBias_FTv4_DIGI_retinacluster_v1.mdf"

/* A growable little-endian byte blob. */
typedef struct blob {
  uint8_t d[4096];
  size_t n;
} blob;

static void put(blob *b, const void *p, size_t n) {
  cr_assert_leq(b->n + n, sizeof b->d);
  memcpy(b->d + b->n, p, n); /* test hosts are little-endian, like the banks */
  b->n += n;
}
static void u32(blob *b, uint32_t v) { put(b, &v, 4); }
static void i32(blob *b, int32_t v) { put(b, &v, 4); }
static void f32(blob *b, float v) { put(b, &v, 4); }
static void f64(blob *b, double v) { put(b, &v, 8); }
static void u8(blob *b, uint8_t v) { put(b, &v, 1); }

/* Appends one particle whose values derive from seed, with n_velo/n_ut/n_scifi ids. */
static void add_particle(blob *b, int version, uint32_t seed, uint32_t nv, uint32_t nu, uint32_t ns) {
  u32(b, 100 + seed);                       /* key */
  i32(b, seed % 2 ? -211 : 321);            /* pid */
  f32(b, 5000.f + seed), f32(b, 700.f + seed), f32(b, 3.25f), f32(b, -1.5f);
  f32(b, 0.125f * seed), f32(b, -0.25f), f32(b, 12.5f + seed);
  for (int k = 0; k < 8; k++) u8(b, (uint8_t)((seed + k) % 2));
  if (version >= 2) u8(b, 1);               /* fromSignal */
  i32(b, 7), i32(b, 511), i32(b, -1), i32(b, 0);
  f32(b, 1234.5f), f32(b, 0.0015f), f32(b, seed % 2 ? -1.f : 1.f);
  u32(b, 6);                                /* reconstructible PVs */
  const uint32_t counts[3] = {nv, nu, ns}, det[3] = {2, 11, 12};
  for (int l = 0; l < 3; l++) {
    u32(b, counts[l]);
    for (uint32_t j = 0; j < counts[l]; j++) u32(b, det[l] << 28 | (seed << 8) | j);
  }
}

/* Two particles: the first with 3/1/2 ids, the second with 0/0/4. */
static void two_particles(blob *b, int version) {
  b->n = 0;
  u32(b, 2);
  add_particle(b, version, 1, 3, 1, 2);
  add_particle(b, version, 2, 0, 0, 4);
}

static void check_two(const kst_mc_event *ev, int version) {
  cr_assert_eq(ev->n_particles, 2);
  cr_assert_eq(ev->n_ids, 10);
  const kst_mc_particle *p = &ev->particles[0], *q = &ev->particles[1];
  cr_assert_eq(p->key, 101);
  cr_assert_eq(p->pid, -211);
  cr_assert_eq(q->pid, 321);
  cr_assert_eq(p->p, 5001.f);
  cr_assert_eq(p->pt, 701.f);
  cr_assert_eq(p->eta, 3.25f);
  cr_assert_eq(p->phi, -1.5f);
  cr_assert_eq(p->ovx, 0.125f);
  cr_assert_eq(p->ovy, -0.25f);
  cr_assert_eq(p->ovz, 13.5f);
  cr_assert(p->is_long == 1 && p->is_down == 0 && p->has_velo == 1 && p->has_ut == 0);
  cr_assert(p->has_scifi == 1 && p->from_b == 0 && p->from_c == 1 && p->from_s == 0);
  cr_assert(q->is_long == 0 && q->is_down == 1 && q->from_s == 1);
  cr_assert_eq(p->from_signal, version >= 2 ? 1 : 0);
  cr_assert(p->mother_key == 7 && p->mother_pid == 511 && p->decay_mother_key == -1 &&
            p->decay_mother_pid == 0);
  cr_assert_eq(p->decay_mother_pt, 1234.5f);
  cr_assert_eq(p->decay_mother_tau, 0.0015f);
  cr_assert_eq(p->charge, -1.f);
  cr_assert_eq(q->charge, 1.f);
  cr_assert_eq(p->n_rec_pvs, 6);
  cr_assert(p->velo_first == 0 && p->n_velo == 3 && p->ut_first == 3 && p->n_ut == 1 &&
            p->scifi_first == 4 && p->n_scifi == 2);
  cr_assert(q->velo_first == 6 && q->n_velo == 0 && q->n_ut == 0 && q->scifi_first == 6 && q->n_scifi == 4);
  cr_assert_eq(ev->ids[0], 2u << 28 | 1u << 8 | 0);
  cr_assert_eq(ev->ids[2], 2u << 28 | 1u << 8 | 2);
  cr_assert_eq(ev->ids[3], 11u << 28 | 1u << 8);
  cr_assert_eq(ev->ids[9], 12u << 28 | 2u << 8 | 3);
}

Test(mc_truth, particles_v1_and_v2) {
  blob b;
  for (int version = 1; version <= 2; version++) {
    two_particles(&b, version);
    cr_assert_eq(b.n, 4 + 2 * (88 + (version >= 2)) + 4 * 10);
    kst_mc_event ev = {0};
    kst_status st = kst_mc_parse_particles(&ev, b.d, b.n, version);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    check_two(&ev, version);
    kst_mc_event_free(&ev);
    cr_assert_null(ev.particles);
  }
  /* a v2 blob read as v1 misaligns and must not pass */
  two_particles(&b, 2);
  kst_mc_event ev = {0};
  cr_assert_eq(kst_mc_parse_particles(&ev, b.d, b.n, 1).code, KST_ERR_FORMAT);
  cr_assert_eq(kst_mc_parse_particles(&ev, b.d, b.n, 3).code, KST_ERR_UNSUPPORTED);
  u32(&b, 0);
  cr_assert_eq(kst_mc_parse_particles(&ev, b.d, 4, 2).code, KST_ERR_FORMAT); /* 2 particles, no bytes */
}

Test(mc_truth, every_truncation_fails_cleanly) {
  blob b;
  for (int version = 1; version <= 2; version++) {
    two_particles(&b, version);
    for (size_t cut = 0; cut < b.n; cut++) {
      kst_mc_event ev = {0};
      kst_status st = kst_mc_parse_particles(&ev, b.d, cut, version);
      cr_assert_eq(st.code, KST_ERR_FORMAT, "v%d cut %zu parsed", version, cut);
      cr_assert_null(ev.particles);
    }
  }
}

Test(mc_truth, bad_counts_and_trailing_bytes) {
  blob b;
  two_particles(&b, 2);
  /* particle 1's VELO count sits right after its fixed part */
  size_t velo_count_at = 4 + (89 + 4 * 6) + 77;
  uint32_t huge = 1000;
  memcpy(b.d + velo_count_at, &huge, 4);
  kst_mc_event ev = {0};
  kst_status st = kst_mc_parse_particles(&ev, b.d, b.n, 2);
  cr_assert_eq(st.code, KST_ERR_FORMAT);
  char want[64];
  snprintf(want, sizeof want, "byte offset %zu", velo_count_at);
  cr_assert(strstr(st.msg, "particle 1") && strstr(st.msg, "VELO") && strstr(st.msg, want), "%s", st.msg);

  two_particles(&b, 2);
  b.d[0] = 3; /* claims a third particle */
  st = kst_mc_parse_particles(&ev, b.d, b.n, 2);
  cr_assert_eq(st.code, KST_ERR_FORMAT);
  b.d[0] = 0xFF, b.d[3] = 0x7F; /* absurd count: rejected before allocating */
  st = kst_mc_parse_particles(&ev, b.d, b.n, 2);
  cr_assert_eq(st.code, KST_ERR_FORMAT);

  two_particles(&b, 2);
  u8(&b, 0);
  st = kst_mc_parse_particles(&ev, b.d, b.n, 2);
  cr_assert_eq(st.code, KST_ERR_FORMAT);
  cr_assert(strstr(st.msg, "trailing"), "%s", st.msg);
  cr_assert_null(ev.particles);
}

Test(mc_truth, vertices) {
  blob b = {.n = 0};
  i32(&b, 2);
  i32(&b, 17), f64(&b, 0.5), f64(&b, -0.25), f64(&b, 33.125);
  i32(&b, 4), f64(&b, 1e-3), f64(&b, 2e-3), f64(&b, -120.0);
  kst_mc_event ev = {0};
  kst_status st = kst_mc_parse_vertices(&ev, b.d, b.n);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  cr_assert_eq(ev.n_vertices, 2);
  cr_assert(ev.vertices[0].n_tracks == 17 && ev.vertices[0].x == 0.5 && ev.vertices[0].y == -0.25 &&
            ev.vertices[0].z == 33.125);
  cr_assert(ev.vertices[1].n_tracks == 4 && ev.vertices[1].x == 1e-3 && ev.vertices[1].z == -120.0);
  for (size_t cut = 0; cut < b.n; cut++)
    cr_assert_eq(kst_mc_parse_vertices(&ev, b.d, cut).code, KST_ERR_FORMAT, "cut %zu", cut);
  u8(&b, 9);
  st = kst_mc_parse_vertices(&ev, b.d, b.n);
  cr_assert(st.code == KST_ERR_FORMAT && strstr(st.msg, "trailing"), "%s", st.msg);
  int32_t neg = -1;
  memcpy(b.d, &neg, 4);
  cr_assert_eq(kst_mc_parse_vertices(&ev, b.d, b.n).code, KST_ERR_FORMAT);
  cr_assert_eq(ev.n_vertices, 2); /* failures leave the event alone */
  kst_mc_event_free(&ev);
}

Test(mc_truth, concat_orders_by_source_id) {
  const uint8_t a[] = {1, 2}, b[] = {3}, c[] = {4, 5, 6};
  kst_mc_bank_ref refs[] = {{2, c, 3}, {0, a, 2}, {1, b, 1}};
  uint8_t *out;
  size_t n;
  cr_assert_eq(kst_mc_concat_banks(refs, 3, &out, &n).code, KST_OK);
  cr_assert_eq(n, 6);
  for (int k = 0; k < 6; k++) cr_assert_eq(out[k], k + 1);
  free(out);
  refs[2].source_id = 2;
  cr_assert_eq(kst_mc_concat_banks(refs, 3, &out, &n).code, KST_ERR_FORMAT);
  cr_assert_eq(kst_mc_concat_banks(refs, 0, &out, &n).code, KST_OK);
  cr_assert(out == NULL && n == 0);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Sorts and removes duplicates in place; returns the new length. */
static uint32_t unique(uint32_t *v, uint32_t n) {
  qsort(v, n, sizeof *v, cmp_u32);
  uint32_t m = 0;
  for (uint32_t k = 0; k < n; k++)
    if (m == 0 || v[m - 1] != v[k]) v[m++] = v[k];
  return m;
}

/* Retina cluster LHCbIDs of one event (formats doc section 2); returns the count. */
static uint32_t retina_ids(const kst_mdf_event *ev, uint32_t *ids, uint32_t cap) {
  kst_mdf_bank b;
  uint32_t pos = 0, n = 0;
  while (kst_mdf_bank_next(ev, &pos, &b)) {
    if (b.type != 73) continue;
    uint32_t count;
    memcpy(&count, b.payload, 4);
    cr_assert_eq(b.payload_size, 4 + 4 * count);
    for (uint32_t k = 0; k < count; k++) {
      uint32_t w;
      memcpy(&w, b.payload + 4 + 4 * k, 4);
      uint32_t cx = (w >> 12) & 0x3FF, xf = (w >> 10) & 3, cy = (w >> 2) & 0xFF, yf = w & 3;
      uint32_t ch = (uint32_t)(xf != 0) << 27 | (uint32_t)(yf != 0) << 26 | (uint32_t)b.source_id << 18 |
                    (cx >> 8) << 16 | (cx & 0xFF) << 8 | cy;
      cr_assert_lt(n, cap);
      ids[n++] = 2u << 28 | (ch & 0x0FFFFFFF);
    }
  }
  return n;
}

Test(mc_truth, shared_mdf_sample) {
  if (access(REAL_MDF, R_OK) != 0) cr_skip_test("shared data %s is absent", REAL_MDF);
  kst_mdf_file f;
  memset(&f, 0, sizeof f);
  kst_status st = kst_mdf_open(&f, REAL_MDF);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  static uint32_t velo[200000], retina[20000];
  uint32_t n_events = 0, total_mc = 0, total_retina = 0;
  for (;;) {
    kst_mdf_event ev;
    int done = 0;
    st = kst_mdf_next(&f, &ev, &done);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    if (done) break;
    kst_mc_bank_ref parts[64], verts[64];
    size_t np = 0, nv = 0;
    int version = -1;
    kst_mdf_bank b;
    uint32_t pos = 0;
    while (kst_mdf_bank_next(&ev, &pos, &b)) {
      kst_mc_bank_ref r = {b.source_id, b.payload, b.payload_size};
      if (b.type == KST_MC_PARTICLE_BANK) {
        cr_assert(version < 0 || version == b.version);
        version = b.version;
        cr_assert_lt(np, 64);
        parts[np++] = r;
      } else if (b.type == KST_MC_VERTEX_BANK) {
        cr_assert_lt(nv, 64);
        verts[nv++] = r;
      }
    }
    uint8_t *pdata, *vdata;
    size_t psize, vsize;
    cr_assert_eq(kst_mc_concat_banks(parts, np, &pdata, &psize).code, KST_OK);
    cr_assert_eq(kst_mc_concat_banks(verts, nv, &vdata, &vsize).code, KST_OK);
    kst_mc_event mc = {0};
    st = kst_mc_parse_particles(&mc, pdata, psize, version);
    cr_assert_eq(st.code, KST_OK, "event %u: %s", n_events, st.msg);
    st = kst_mc_parse_vertices(&mc, vdata, vsize);
    cr_assert_eq(st.code, KST_OK, "event %u: %s", n_events, st.msg);
    free(pdata);
    free(vdata);
    cr_assert(mc.n_vertices >= 4 && mc.n_vertices <= 10, "event %u: %u vertices", n_events, mc.n_vertices);

    uint32_t nvelo = 0;
    for (uint32_t i = 0; i < mc.n_particles; i++)
      for (uint32_t j = 0; j < mc.particles[i].n_velo; j++) {
        uint32_t id = mc.ids[mc.particles[i].velo_first + j];
        cr_assert_eq(id >> 28, 2u, "VELO id 0x%08x is not a VP LHCbID", id);
        cr_assert_lt(nvelo, 200000);
        velo[nvelo++] = id;
      }
    uint32_t distinct = unique(velo, nvelo);
    uint32_t nr = retina_ids(&ev, retina, 20000);
    uint32_t nr_distinct = unique(retina, nr);
    cr_assert_eq(nr_distinct, nr, "event %u: repeated retina ids", n_events);
    /* every cluster is some particle's hit, and every MC VELO id is a cluster */
    for (uint32_t k = 0; k < nr; k++)
      cr_assert(bsearch(&retina[k], velo, distinct, sizeof *velo, cmp_u32), "event %u: cluster 0x%08x has no MC",
                n_events, retina[k]);
    cr_log_info("event %u: %u particles, %u vertices, %u MC VELO ids (%u distinct), %u retina clusters",
                n_events, mc.n_particles, mc.n_vertices, nvelo, distinct, nr);
    cr_assert_eq(distinct, nr);
    total_mc += distinct;
    total_retina += nr;
    kst_mc_event_free(&mc);
    n_events++;
  }
  kst_mdf_close(&f);
  cr_log_info("%u events: %u distinct MC VELO ids, %u retina clusters", n_events, total_mc, total_retina);
  cr_assert_eq(n_events, 10);
  cr_assert_eq(total_retina, 20652);
  cr_assert_eq(total_mc, 20652);
}

/* ---------- encoders ---------- */

Test(mc_truth, encode_particles_is_the_inverse_of_parse) {
  blob b;
  for (int version = 1; version <= 2; version++) {
    two_particles(&b, version);
    kst_mc_event ev = {0};
    cr_assert_eq(kst_mc_parse_particles(&ev, b.d, b.n, version).code, KST_OK);
    uint8_t *out;
    size_t size;
    kst_status st = kst_mc_encode_particles(&ev, version, &out, &size);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    cr_assert_eq(size, b.n);
    cr_assert_eq(memcmp(out, b.d, size), 0, "v%d: re-encoded bytes differ", version);
    kst_mc_event back = {0};
    cr_assert_eq(kst_mc_parse_particles(&back, out, size, version).code, KST_OK);
    check_two(&back, version);
    free(out);
    kst_mc_event_free(&back);
    kst_mc_event_free(&ev);
  }
}

Test(mc_truth, encode_particles_hand_made_event) {
  /* ranges in any order and shared ids: the encoder follows the ranges, not the array layout */
  uint32_t ids[6] = {0x20000001, 0x20000002, 0xB0000003, 0xC0000004, 0xC0000005, 0x20000006};
  kst_mc_particle parts[3];
  memset(parts, 0, sizeof parts);
  parts[0] = (kst_mc_particle){.key = 4, .pid = -13, .p = 2.5e4f, .pt = 1.5e3f, .eta = 2.75f, .phi = 0.5f,
                               .ovx = 0.01f, .ovy = -0.02f, .ovz = 1.5f, .is_long = 1, .has_velo = 1,
                               .from_b = 1, .from_signal = 1, .mother_key = 2, .mother_pid = 443,
                               .decay_mother_key = 1, .decay_mother_pid = 511, .decay_mother_pt = 3e3f,
                               .decay_mother_tau = 1.5e-3f, .charge = 1.f, .n_rec_pvs = 5,
                               .velo_first = 5, .n_velo = 1, .ut_first = 2, .n_ut = 1, .scifi_first = 3, .n_scifi = 2};
  parts[1] = (kst_mc_particle){.key = 9, .pid = 22, .mother_key = -1, .decay_mother_key = -1,
                               .velo_first = 0, .n_velo = 2, .ut_first = 6, .n_ut = 0, .scifi_first = 6};
  parts[2] = (kst_mc_particle){.key = 10, .pid = 211, .charge = -1.f, .velo_first = 0, .n_velo = 6};
  kst_mc_event ev = {.particles = parts, .n_particles = 3, .ids = ids, .n_ids = 6};
  for (int version = 1; version <= 2; version++) {
    uint8_t *out;
    size_t size;
    kst_status st = kst_mc_encode_particles(&ev, version, &out, &size);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    cr_assert_eq(size, 4 + 3 * (88 + (version >= 2)) + 4 * (4 + 2 + 6)); /* 88: fixed part + 3 counts */
    kst_mc_event back = {0};
    st = kst_mc_parse_particles(&back, out, size, version);
    cr_assert_eq(st.code, KST_OK, "%s", st.msg);
    free(out);
    cr_assert_eq(back.n_particles, 3);
    cr_assert_eq(back.n_ids, 12);
    for (uint32_t i = 0; i < 3; i++) {
      kst_mc_particle a = back.particles[i], e = parts[i];
      if (version < 2) e.from_signal = 0; /* v1 has no fromSignal byte */
      const uint32_t ef[3] = {e.velo_first, e.ut_first, e.scifi_first}, en[3] = {e.n_velo, e.n_ut, e.n_scifi};
      const uint32_t af[3] = {a.velo_first, a.ut_first, a.scifi_first}, an[3] = {a.n_velo, a.n_ut, a.n_scifi};
      for (int l = 0; l < 3; l++) {
        cr_assert_eq(an[l], en[l]);
        for (uint32_t j = 0; j < en[l]; j++) cr_assert_eq(back.ids[af[l] + j], ids[ef[l] + j]);
      }
      /* every non-range field must survive exactly */
      a.velo_first = e.velo_first, a.ut_first = e.ut_first, a.scifi_first = e.scifi_first;
      cr_assert_eq(memcmp(&a, &e, sizeof a), 0, "v%d particle %u differs after the round trip", version, i);
    }
    kst_mc_event_free(&back);
  }

  uint8_t *out = NULL;
  size_t size = 0;
  cr_assert_eq(kst_mc_encode_particles(&ev, 3, &out, &size).code, KST_ERR_UNSUPPORTED);
  cr_assert_eq(kst_mc_encode_particles(NULL, 2, &out, &size).code, KST_ERR_INVALID);
  parts[1].scifi_first = 7; /* past the 6 ids, even with no ids in it */
  cr_assert_eq(kst_mc_encode_particles(&ev, 2, &out, &size).code, KST_ERR_INVALID);
  parts[1].scifi_first = 6;
  parts[2].n_velo = 7;
  kst_status st = kst_mc_encode_particles(&ev, 2, &out, &size);
  cr_assert(st.code == KST_ERR_INVALID && strstr(st.msg, "particle 2"), "%s", st.msg);
  cr_assert_null(out);

  kst_mc_event empty = {0};
  cr_assert_eq(kst_mc_encode_particles(&empty, 2, &out, &size).code, KST_OK);
  cr_assert(size == 4 && out[0] == 0 && out[1] == 0 && out[2] == 0 && out[3] == 0);
  kst_mc_event back = {0};
  cr_assert_eq(kst_mc_parse_particles(&back, out, size, 2).code, KST_OK);
  cr_assert_eq(back.n_particles, 0);
  free(out);
  kst_mc_event_free(&back);
}

Test(mc_truth, encode_vertices_round_trip) {
  blob b = {.n = 0};
  i32(&b, 2);
  i32(&b, 17), f64(&b, 0.5), f64(&b, -0.25), f64(&b, 33.125);
  i32(&b, 4), f64(&b, 1e-3), f64(&b, 2e-3), f64(&b, -120.0);
  kst_mc_event ev = {0};
  cr_assert_eq(kst_mc_parse_vertices(&ev, b.d, b.n).code, KST_OK);
  uint8_t *out;
  size_t size;
  cr_assert_eq(kst_mc_encode_vertices(&ev, &out, &size).code, KST_OK);
  cr_assert_eq(size, b.n);
  cr_assert_eq(memcmp(out, b.d, size), 0);
  free(out);
  kst_mc_event_free(&ev);
  cr_assert_eq(kst_mc_encode_vertices(&ev, &out, &size).code, KST_OK); /* none: a count of 0 */
  cr_assert(size == 4 && out[0] == 0 && out[3] == 0);
  cr_assert_eq(kst_mc_parse_vertices(&ev, out, size).code, KST_OK);
  cr_assert_eq(ev.n_vertices, 0);
  free(out);
  kst_mc_event_free(&ev);
  cr_assert_eq(kst_mc_encode_vertices(NULL, &out, &size).code, KST_ERR_INVALID);
}

/* LHCb's own MC banks, parsed and re-encoded, must come back byte for byte. */
Test(mc_truth, encode_reproduces_the_shared_sample) {
  if (access(REAL_MDF, R_OK) != 0) cr_skip_test("shared data %s is absent", REAL_MDF);
  kst_mdf_file f;
  memset(&f, 0, sizeof f);
  cr_assert_eq(kst_mdf_open(&f, REAL_MDF).code, KST_OK);
  uint32_t n_events = 0;
  for (;;) {
    kst_mdf_event ev;
    int done = 0;
    cr_assert_eq(kst_mdf_next(&f, &ev, &done).code, KST_OK);
    if (done) break;
    kst_mc_bank_ref parts[64], verts[64];
    size_t np = 0, nv = 0;
    int version = 2;
    kst_mdf_bank b;
    uint32_t pos = 0;
    while (kst_mdf_bank_next(&ev, &pos, &b)) {
      kst_mc_bank_ref r = {b.source_id, b.payload, b.payload_size};
      if (b.type == KST_MC_PARTICLE_BANK && np < 64) parts[np++] = r, version = b.version;
      else if (b.type == KST_MC_VERTEX_BANK && nv < 64) verts[nv++] = r;
    }
    uint8_t *pdata, *vdata, *pout, *vout;
    size_t psize, vsize, pn, vn;
    cr_assert_eq(kst_mc_concat_banks(parts, np, &pdata, &psize).code, KST_OK);
    cr_assert_eq(kst_mc_concat_banks(verts, nv, &vdata, &vsize).code, KST_OK);
    kst_mc_event mc = {0};
    cr_assert_eq(kst_mc_parse_particles(&mc, pdata, psize, version).code, KST_OK);
    cr_assert_eq(kst_mc_parse_vertices(&mc, vdata, vsize).code, KST_OK);
    cr_assert_eq(kst_mc_encode_particles(&mc, version, &pout, &pn).code, KST_OK);
    cr_assert_eq(kst_mc_encode_vertices(&mc, &vout, &vn).code, KST_OK);
    cr_assert(pn == psize && memcmp(pout, pdata, pn) == 0, "event %u: particles differ", n_events);
    cr_assert(vn == vsize && memcmp(vout, vdata, vn) == 0, "event %u: vertices differ", n_events);
    free(pdata), free(vdata), free(pout), free(vout);
    kst_mc_event_free(&mc);
    n_events++;
  }
  kst_mdf_close(&f);
  cr_assert_eq(n_events, 10);
}
