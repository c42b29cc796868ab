/* Simulated events as MDF records: ODIN, 208 retina banks, UT and SciFi banks, MC particle and MC vertex banks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/mdf.h"
#include "input/simulation/internal.h"
#include "input/velo_banks.h"
#include "input/velopix_convert.h"

#define BUNCHES_PER_ORBIT 3564u
#define ODIN_BXTYPE_BEAMBEAM (3u << 22)       /* word 8 bits 22-23 in ODIN v6 */

/* The banks of one event and the buffers they point into. */
typedef struct event_banks {
  uint32_t odin[KST_SIM_ODIN_WORDS];
  uint8_t *retina, *mc, *vx, *ut, *ft;
  kst_mdf_bank_out *banks;
  uint32_t n_banks;
} event_banks;

static void banks_free(event_banks *b) {
  free(b->retina);
  free(b->mc);
  free(b->vx);
  free(b->ut);
  free(b->ft);
  free(b->banks);
  memset(b, 0, sizeof *b);
}

static void put_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Where a simulated crossing sits in LHC time: consecutive bunches of consecutive orbits. */
static void crossing_of(uint64_t number, uint32_t *orbit, uint32_t *bunch) {
  *orbit = (uint32_t)(number / BUNCHES_PER_ORBIT);
  *bunch = (uint32_t)(number % BUNCHES_PER_ORBIT);
}

static void put_le16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }

/* UT version-3 banks, one per present board in board order: a header with the hit count (and 0x0080 in the high
 * half, as in the sample), the sorted hit words, then the ADC section (a neighbour-sum byte and one byte per strip,
 * the last with bit 7 set), each part padded to 32 bits. */
static kst_status ut_banks(const kst_sim *s, const kst_sim_event *ev, event_banks *b) {
  const kst_ut_readout *r = &s->ds->files.ut_readout;
  size_t bytes = 0;
  for (uint32_t k = 0; k < ev->n_ut_words; k++) bytes += 2u + 1u + ev->ut_words[k].size;
  b->ut = malloc(bytes + 12u * KST_UT_BOARDS);
  if (!b->ut) return kst_error(KST_ERR_NOMEM, "out of memory for UT banks");
  uint8_t *at = b->ut;
  uint32_t k = 0;
  for (uint32_t board = 0; board < KST_UT_BOARDS; board++) {
    const uint32_t first = k;
    while (k < ev->n_ut_words && ev->ut_words[k].source == board) k++;
    if (!r->strips_per_hybrid[board]) continue; /* an absent board sends no bank (the simulator puts no hit on it) */
    uint8_t *p = at;
    put_le32(p, (k - first) | 0x0080u << 16);
    p += 4;
    for (uint32_t j = first; j < k; j++, p += 2) put_le16(p, ev->ut_words[j].word);
    while ((p - at) & 3) *p++ = 0;
    for (uint32_t j = first; j < k; j++) {
      *p++ = (uint8_t)(12u + 3u * ev->ut_words[j].size); /* neighbour sum */
      for (uint32_t a = 0; a < ev->ut_words[j].size; a++) *p++ = (uint8_t)(a + 1 == ev->ut_words[j].size ? 0x80u | 20u : 20u);
    }
    while ((p - at) & 3) *p++ = 0;
    b->banks[b->n_banks++] = (kst_mdf_bank_out){KST_SIM_UT_BANK, KST_SIM_UT_VERSION, (uint16_t)board, at, (uint32_t)(p - at)};
    at = p;
  }
  return kst_ok();
}

/* SciFi version-5 banks, all 240 in source order: a zero header, the sorted cluster words, a zero word when odd. */
static kst_status ft_banks(const kst_sim_event *ev, event_banks *b) {
  b->ft = malloc(2u * ev->n_ft_words + 6u * KST_SCIFI_BANKS);
  if (!b->ft) return kst_error(KST_ERR_NOMEM, "out of memory for SciFi banks");
  uint8_t *at = b->ft;
  uint32_t k = 0;
  for (uint32_t bank = 0; bank < KST_SCIFI_BANKS; bank++) {
    uint8_t *p = at;
    put_le32(p, 0);
    p += 4;
    for (; k < ev->n_ft_words && ev->ft_words[k].source == bank; k++, p += 2) put_le16(p, ev->ft_words[k].word);
    if ((p - at) & 3) put_le16(p, 0), p += 2;
    b->banks[b->n_banks++] = (kst_mdf_bank_out){KST_SIM_SCIFI_BANK, KST_SIM_SCIFI_VERSION, (uint16_t)bank, at, (uint32_t)(p - at)};
    at = p;
  }
  return kst_ok();
}

static kst_status build_banks(const kst_sim *s, const kst_sim_event *ev, event_banks *b) {
  memset(b, 0, sizeof *b);
  uint32_t orbit, bunch;
  crossing_of(ev->number, &orbit, &bunch);
  /* ODIN v6 word positions: run, event type, orbit, event number hi/lo, GPS hi/lo, status, bunch word, TCK;
   * stored little-endian like every other payload word */
  const uint32_t w[KST_SIM_ODIN_WORDS] = {s->o.run, 0, orbit, (uint32_t)(ev->number >> 32), (uint32_t)ev->number,
                                          0, 0, 0, bunch | ODIN_BXTYPE_BEAMBEAM, 0};
  for (int k = 0; k < KST_SIM_ODIN_WORDS; k++) put_le32((uint8_t *)&b->odin[k], w[k]);
  size_t mc_size = 0, vx_size = 0;
  KST_TRY(kst_mc_encode_particles(&ev->mc, KST_SIM_MC_VERSION, &b->mc, &mc_size));
  KST_TRY(kst_mc_encode_vertices(&ev->mc, &b->vx, &vx_size));
  size_t n_mc = kst_mc_particle_bank_count(mc_size);
  if (n_mc > 0x10000u) return kst_error(KST_ERR_CAPACITY, "MC particles need %zu banks, more than the source ids", n_mc);
  b->banks = malloc((1 + KST_VELO_SENSORS + KST_UT_BOARDS + KST_SCIFI_BANKS + n_mc + 1) * sizeof *b->banks);
  b->retina = malloc(4 * ((size_t)KST_VELO_SENSORS + ev->n_clusters));
  uint64_t *keys = malloc(((size_t)ev->n_clusters + 1) * sizeof *keys);
  if (!b->banks || !b->retina || !keys) return free(keys), kst_error(KST_ERR_NOMEM, "out of memory for banks");
  b->banks[b->n_banks++] = (kst_mdf_bank_out){KST_SIM_ODIN_BANK, KST_SIM_ODIN_VERSION, 0, b->odin, sizeof b->odin};
  /* Clusters are already in (sensor, word) order. */
  for (uint32_t k = 0; k < ev->n_clusters; k++) keys[k] = (uint64_t)ev->clusters[k].sensor << 32 | ev->clusters[k].word;
  kst_status st = kst_retina_banks(keys, ev->n_clusters, b->retina, b->banks + b->n_banks);
  free(keys);
  KST_TRY(st);
  b->n_banks += KST_VELO_SENSORS;
  if (s->ds) {
    KST_TRY(ut_banks(s, ev, b));
    KST_TRY(ft_banks(ev, b));
  }
  b->n_banks += kst_mc_particle_banks(b->mc, mc_size, KST_SIM_MC_VERSION, b->banks + b->n_banks);
  b->banks[b->n_banks++] = (kst_mdf_bank_out){KST_MC_VERTEX_BANK, KST_MC_VERTEX_BANK_VERSION, 0, b->vx, (uint32_t)vx_size};
  return kst_ok();
}

kst_status kst_sim_encode_event(const kst_sim *s, const kst_sim_event *ev, uint8_t **out, size_t *size) {
  if (!s || !ev || !out || !size) return kst_error(KST_ERR_INVALID, "kst_sim_encode_event: NULL argument");
  event_banks b;
  kst_status st = build_banks(s, ev, &b);
  uint32_t orbit, bunch;
  crossing_of(ev->number, &orbit, &bunch);
  if (!st.code) st = kst_mdf_encode_event(out, size, s->o.run, orbit, bunch, b.banks, b.n_banks);
  banks_free(&b);
  return st;
}

kst_status kst_sim_generate_file(const kst_sim_options *o, const kst_velo_geometry *g, uint64_t n_events,
                                 const char *path, kst_sim_stats *stats) {
  if (!o || !g || !path) return kst_error(KST_ERR_INVALID, "kst_sim_generate_file: NULL argument");
  kst_sim_stats local;
  kst_sim_stats *st = stats ? stats : &local;
  memset(st, 0, sizeof *st);
  if (n_events == 0) return kst_error(KST_ERR_INVALID, "simulation: the number of events must be at least 1");
  kst_sim *s = NULL;
  KST_TRY(kst_sim_create(&s, o, g));
  kst_mdf_writer *w = NULL;
  kst_status r = kst_mdf_writer_open(&w, path);
  kst_sim_event ev;
  memset(&ev, 0, sizeof ev);
  for (uint64_t i = 0; !r.code && i < n_events; i++) {
    r = kst_sim_generate_event(s, i, &ev);
    event_banks b;
    memset(&b, 0, sizeof b);
    if (!r.code) r = build_banks(s, &ev, &b);
    if (!r.code) {
      uint32_t orbit, bunch;
      crossing_of(ev.number, &orbit, &bunch);
      r = kst_mdf_write_event(w, o->run, orbit, bunch, b.banks, b.n_banks);
      for (uint32_t k = 0; k < b.n_banks; k++) st->bytes += KST_MDF_BANK_HEADER + ((b.banks[k].size + 3u) & ~3u);
      st->bytes += KST_MDF_HEADER_SIZE;
    }
    banks_free(&b);
    if (r.code) break;
    st->events++;
    st->interactions += ev.n_interactions;
    st->particles += ev.mc.n_particles;
    for (uint32_t k = 0; k < ev.mc.n_vertices; k++) st->pvs_visible += ev.mc.vertices[k].n_tracks > 0;
    for (uint32_t k = 0; k < ev.mc.n_particles; k++) st->has_velo += ev.mc.particles[k].has_velo;
    for (uint32_t k = 0; k < ev.mc.n_particles; k++) st->is_long += ev.mc.particles[k].is_long;
    st->ut_hits += ev.n_ut_words;
    st->ft_clusters += ev.n_ft_clusters;
    st->clusters += ev.n_clusters;
    st->noise += ev.n_noise;
  }
  kst_sim_event_free(&ev);
  kst_sim_destroy(s);
  /* A partial file would look like a short, valid one: on failure the writer leaves the target as it was. */
  if (r.code) kst_mdf_writer_abort(w);
  else r = kst_mdf_writer_close(w);
  return kst_error_wrap(r, "generating %s", path);
}
