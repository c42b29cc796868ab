/* Simulator driver: options, the generator object, and one event from physics to stored MC truth. */
#include "input/simulation/generate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "input/simulation/internal.h"
#include "input/simulation/smath.h"

/* Without the downstream detector, its acceptance approximated from origin, eta and p (docs/simulation.md). */
#define UT_MAX_ORIGIN_Z 2200.0
#define UT_ETA_MIN 1.9
#define UT_ETA_MAX 4.9
#define UT_P_MIN 500.0
#define SCIFI_MAX_ORIGIN_Z 7500.0
#define SCIFI_ETA_MIN 2.0
#define SCIFI_ETA_MAX 5.0
#define SCIFI_P_MIN 2000.0
#define NO_DECAY_ORIGIN_PID (-999999) /* what LHCb's files hold when no b/c ancestor exists */

void kst_sim_options_default(kst_sim_options *o) {
  memset(o, 0, sizeof *o);
  o->seed = 1;
  o->run = 1;
  o->first_event = 1;
  o->pileup = 7.6;
  o->sigma_xy = 0.040;
  o->sigma_z = 45.0;
  o->frac_sd = 0.17;
  o->frac_dd = 0.12;
  o->dndeta = 7.5;
  o->nbd_k = 1.6;
  o->eta_edge = 6.0;
  o->eta_width = 1.0;
  o->diff_density = 3.0;
  o->tsallis_n = 6.6;
  o->tsallis_t = 135.0;
  o->frac_pi = 0.80, o->frac_k = 0.12, o->frac_p = 0.06, o->frac_e = 0.01, o->frac_mu = 0.01;
  o->k0s_per_eta = 0.30;
  o->lambda_per_eta = 0.10;
  o->charm_fraction = 0.06;
  o->beauty_fraction = 0.007;
  o->charm_mean_pt = 2000.0;
  o->beauty_mean_pt = 5000.0;
  o->material_x0 = 0.01;
  o->hit_efficiency = 0.99;
  o->hit_resolution = 0.013;
  o->noise_per_event = 5.0;
  o->downstream = NULL;
  o->polarity = -1.0;
  o->upstream_x0 = 0.08;
  o->ut_x0 = 0.01;
  o->scifi_x0 = 0.01;
  o->ut_efficiency = 0.99;
  o->scifi_efficiency = 0.99;
  o->ut_resolution = 0.2;
  o->scifi_resolution = 0.2;
  o->ut_noise_per_event = 65.0;
  o->scifi_noise_per_event = 300.0;
  o->secondaries_per_event = 540.0;
  o->secondary_z_min = 7300.0;
  o->secondary_ut_fraction = 0.32;
  o->secondary_z_max = 9400.0;
  o->secondary_mean_p = 450.0;
  o->secondary_angle = 0.15;
  o->signal = KST_SIM_SIGNAL_NONE;
  o->signal_in_acceptance = 1;
}

/* The option `field` must lie in [lo, hi]; NaN fails too. */
#define CHECK_RANGE(field, lo, hi)                                                                    \
  do {                                                                                               \
    if (!(o->field >= (lo) && o->field <= (hi)))                                                     \
      return kst_error(KST_ERR_INVALID, "simulation option %s = %g is outside [%g, %g]", #field,     \
                       (double)o->field, (double)(lo), (double)(hi));                                \
  } while (0)

kst_status kst_sim_options_check(const kst_sim_options *o) {
  if (!o) return kst_error(KST_ERR_INVALID, "simulation options: NULL");
  CHECK_RANGE(pileup, 0.0, 100.0);
  CHECK_RANGE(beam_x, -10.0, 10.0);
  CHECK_RANGE(beam_y, -10.0, 10.0);
  CHECK_RANGE(beam_z, -500.0, 500.0);
  CHECK_RANGE(sigma_xy, 0.0, 5.0);
  CHECK_RANGE(sigma_z, 0.0, 500.0);
  CHECK_RANGE(frac_sd, 0.0, 1.0);
  CHECK_RANGE(frac_dd, 0.0, 1.0 - o->frac_sd);
  CHECK_RANGE(dndeta, 0.01, 100.0);
  CHECK_RANGE(nbd_k, 0.0, 1000.0);
  CHECK_RANGE(eta_edge, 0.0, 12.0);
  CHECK_RANGE(eta_width, 0.01, 5.0);
  CHECK_RANGE(diff_density, 0.0, 100.0);
  CHECK_RANGE(tsallis_n, 3.5, 1000.0); /* the mean pT is infinite for n <= 3 */
  CHECK_RANGE(tsallis_t, 1.0, 10000.0);
  CHECK_RANGE(frac_pi, 0.0, 1.0);
  CHECK_RANGE(frac_k, 0.0, 1.0);
  CHECK_RANGE(frac_p, 0.0, 1.0);
  CHECK_RANGE(frac_e, 0.0, 1.0);
  CHECK_RANGE(frac_mu, 0.0, 1.0);
  if (!(o->frac_pi + o->frac_k + o->frac_p + o->frac_e + o->frac_mu > 0.0))
    return kst_error(KST_ERR_INVALID, "simulation options: the species fractions add up to 0");
  CHECK_RANGE(k0s_per_eta, 0.0, 10.0);
  CHECK_RANGE(lambda_per_eta, 0.0, 10.0);
  CHECK_RANGE(charm_fraction, 0.0, 1.0);
  CHECK_RANGE(beauty_fraction, 0.0, 1.0);
  CHECK_RANGE(charm_mean_pt, 1.0, 1e6);
  CHECK_RANGE(beauty_mean_pt, 1.0, 1e6);
  CHECK_RANGE(material_x0, 0.0, 1.0);
  CHECK_RANGE(hit_efficiency, 0.0, 1.0);
  CHECK_RANGE(hit_resolution, 0.0, 1.0);
  CHECK_RANGE(noise_per_event, 0.0, 1e5);
  if (o->polarity != 1.0 && o->polarity != -1.0)
    return kst_error(KST_ERR_INVALID, "simulation option polarity = %g: must be -1 (down) or +1 (up)", o->polarity);
  CHECK_RANGE(upstream_x0, 0.0, 1.0);
  CHECK_RANGE(ut_x0, 0.0, 1.0);
  CHECK_RANGE(scifi_x0, 0.0, 1.0);
  CHECK_RANGE(ut_efficiency, 0.0, 1.0);
  CHECK_RANGE(scifi_efficiency, 0.0, 1.0);
  CHECK_RANGE(ut_resolution, 0.0, 10.0);
  CHECK_RANGE(scifi_resolution, 0.0, 10.0);
  CHECK_RANGE(ut_noise_per_event, 0.0, 1e5);
  CHECK_RANGE(scifi_noise_per_event, 0.0, 1e5);
  CHECK_RANGE(secondaries_per_event, 0.0, 1e5);
  CHECK_RANGE(secondary_z_min, 800.0, 9400.0);
  CHECK_RANGE(secondary_z_max, o->secondary_z_min, 9400.0);
  CHECK_RANGE(secondary_ut_fraction, 0.0, 1.0);
  CHECK_RANGE(secondary_mean_p, 0.0, 1e6);
  CHECK_RANGE(secondary_angle, 0.0, 1.0);
  if ((int)o->signal < 0 || o->signal >= KST_SIM_SIGNAL_COUNT)
    return kst_error(KST_ERR_INVALID, "simulation options: unknown signal %d", (int)o->signal);
  return kst_ok();
}

kst_status kst_sim_create(kst_sim **out, const kst_sim_options *o, const kst_velo_geometry *g) {
  if (!out || !g) return kst_error(KST_ERR_INVALID, "kst_sim_create: NULL argument");
  *out = NULL;
  KST_TRY(kst_sim_options_check(o));
  kst_sim *s = calloc(1, sizeof *s);
  if (!s) return kst_error(KST_ERR_NOMEM, "simulation: out of memory");
  s->o = *o;
  s->g = *g;
  double f[5] = {o->frac_pi, o->frac_k, o->frac_p, o->frac_e, o->frac_mu}, total = 0.0, acc = 0.0;
  for (int k = 0; k < 5; k++) total += f[k];
  for (int k = 0; k < 5; k++) s->species_cdf[k] = (acc += f[k]) / total;
  kst_sim_detector_init(s);
  kst_status st = kst_sim_downstream_init(s);
  if (st.code) {
    kst_sim_destroy(s);
    return kst_error_wrap(st, "simulation: the downstream detector");
  }
  *out = s;
  return kst_ok();
}

void kst_sim_destroy(kst_sim *s) {
  if (!s) return;
  kst_sim_downstream_free(s);
  free(s->parts);
  free(s->hits);
  free(s->pvs);
  free(s);
}

int32_t kst_sim_push(kst_sim *s, int32_t pid, const kst_p4 *p4, const double origin[3], int32_t mother, int32_t pv) {
  if (s->n_parts == s->cap_parts) {
    uint32_t cap = s->cap_parts ? 2 * s->cap_parts : 1024;
    sim_particle *p = realloc(s->parts, cap * sizeof *p);
    if (!p) return -1;
    s->parts = p, s->cap_parts = cap;
  }
  sim_particle *p = &s->parts[s->n_parts];
  memset(p, 0, sizeof *p);
  p->pid = pid;
  p->sp = kst_sim_species_of(pid);
  p->charge = kst_sim_charge(pid);
  p->p4 = *p4;
  for (int k = 0; k < 3; k++) p->origin[k] = p->end[k] = origin[k];
  p->mother = mother;
  p->pv = pv;
  p->at_pv = mother < 0;
  p->key = -1;
  return (int32_t)s->n_parts++;
}

int kst_sim_push_hit(kst_sim *s, const sim_hit *h) {
  if (s->n_hits == s->cap_hits) {
    uint32_t cap = s->cap_hits ? 2 * s->cap_hits : 4096;
    sim_hit *n = realloc(s->hits, cap * sizeof *n);
    if (!n) return 0;
    s->hits = n, s->cap_hits = cap;
  }
  s->hits[s->n_hits++] = *h;
  return 1;
}

void kst_sim_event_free(kst_sim_event *ev) {
  if (!ev) return;
  kst_mc_event_free(&ev->mc);
  free(ev->clusters);
  free(ev->ut_words);
  free(ev->ft_words);
  memset(ev, 0, sizeof *ev);
}

/* Charged particles with a VELO, UT or SciFi hit are stored, with every ancestor (so mother keys resolve) and the
 * whole visible signal chain; keys follow list order, which puts mothers first. */
static uint32_t choose_stored(kst_sim *s) {
  for (uint32_t i = 0; i < s->n_parts; i++) {
    sim_particle *p = &s->parts[i];
    int keep = (p->n_hits + p->n_ut + p->n_ft > 0 && p->charge != 0.0) || (p->signal && p->sp->fate != KST_FATE_INVISIBLE);
    for (int32_t j = (int32_t)i; keep && j >= 0 && !s->parts[j].stored; j = s->parts[j].mother)
      s->parts[j].stored = 1;
  }
  uint32_t n = 0;
  for (uint32_t i = 0; i < s->n_parts; i++) s->parts[i].key = s->parts[i].stored ? (int32_t)n++ : -1;
  return n;
}

/* LHCb's rules on the particle's ids: hasUT with clusters in 3 of the 4 UT layers; hasSciFi (hasT) with an x and a
 * stereo cluster in each of the 3 stations (they reproduce the sample's flags, docs/simulation.md). */
static void downstream_flags(const kst_sim *s, const sim_particle *p, kst_mc_particle *m) {
  const sim_pair *pr = s->ds->pairs.a;
  uint32_t layers = 0, stations = 0;
  for (uint32_t k = 0; k < p->n_ut; k++) layers |= 1u << ((pr[p->ut_first + k].id >> 18) & 3u);
  for (uint32_t k = 0; k < p->n_ft; k++) {
    const uint32_t id = pr[p->ft_first + k].id, station = (id >> 18) & 3u, layer = (id >> 16) & 3u;
    if (station >= 1) stations |= 1u << (2 * (station - 1) + (layer == 1 || layer == 2));
  }
  m->has_ut = (layers & 1u) + (layers >> 1 & 1u) + (layers >> 2 & 1u) + (layers >> 3 & 1u) >= 3;
  m->has_scifi = stations == 0x3Fu;
}

/* The MC record of particle i: kinematics at its origin, acceptance flags, ancestry. */
static void fill_particle(const kst_sim *s, const sim_particle *p, kst_mc_particle *m) {
  memset(m, 0, sizeof *m);
  double pt = kst_p4_pt(&p->p4), mom = kst_p4_p(&p->p4);
  double eta = pt > 0.0 ? kst_sm_eta(pt, p->p4.pz) : (p->p4.pz >= 0.0 ? 1e3 : -1e3);
  m->key = (uint32_t)p->key;
  m->pid = p->pid;
  m->p = (float)mom, m->pt = (float)pt, m->eta = (float)eta;
  m->phi = (float)kst_sm_atan2(p->p4.py, p->p4.px);
  m->ovx = (float)p->origin[0], m->ovy = (float)p->origin[1], m->ovz = (float)p->origin[2];
  m->charge = (float)p->charge;
  int tracked = p->sp->fate == KST_FATE_TRACKED && p->charge != 0.0;
  m->has_velo = p->n_hits >= 3;
  m->has_ut = tracked && p->origin[2] < UT_MAX_ORIGIN_Z && eta > UT_ETA_MIN && eta < UT_ETA_MAX && mom > UT_P_MIN;
  m->has_scifi = tracked && p->origin[2] < SCIFI_MAX_ORIGIN_Z && eta > SCIFI_ETA_MIN && eta < SCIFI_ETA_MAX &&
                 mom > SCIFI_P_MIN;
  if (s->ds) downstream_flags(s, p, m);
  m->is_long = m->has_velo && m->has_scifi;
  m->is_down = m->has_ut && m->has_scifi;
  m->from_signal = p->signal;
  m->mother_key = -1;
  m->mother_pid = 0;
  if (p->mother >= 0) {
    m->mother_key = s->parts[p->mother].key;
    m->mother_pid = s->parts[p->mother].pid;
  }
  /* the decay origin is the outermost b or c hadron above the particle, as in LHCb's files */
  int32_t origin = -1;
  for (int32_t j = p->mother; j >= 0; j = s->parts[j].mother) {
    const kst_sim_species *sp = s->parts[j].sp;
    m->from_b |= sp->is_b, m->from_c |= sp->is_c, m->from_s |= sp->is_s;
    if (sp->is_b || sp->is_c) origin = j;
  }
  if (origin >= 0) {
    const sim_particle *o = &s->parts[origin];
    m->decay_mother_key = o->key;
    m->decay_mother_pid = o->pid;
    m->decay_mother_pt = (float)kst_p4_pt(&o->p4);
    m->decay_mother_tau = (float)o->tau_ps;
  } else {
    m->decay_mother_key = p->key;
    m->decay_mother_pid = NO_DECAY_ORIGIN_PID;
    m->decay_mother_pt = -1.0f;
    m->decay_mother_tau = -1.0f;
  }
}

/* (LHCbID, particle, word) order within a sensor, noise (-1) after every particle: merging is then
 * deterministic. */
static int hit_before(const sim_hit *x, const sim_hit *y) {
  if (x->lhcbid != y->lhcbid) return x->lhcbid < y->lhcbid;
  if (x->particle != y->particle) return (uint32_t)x->particle < (uint32_t)y->particle; /* -1 is largest */
  return x->word < y->word;
}

static int cluster_before(const kst_sim_cluster *x, const kst_sim_cluster *y) { return x->word < y->word; }

/* Insertion sort of each sensor's run [start[k], start[k+1]): runs hold a few tens of entries, and
 * this does not depend on the C library's qsort. */
#define SORT_RUNS(type, a, start, before)                                   \
  for (int k_ = 0; k_ < KST_VELO_SENSORS; k_++)                             \
    for (uint32_t i_ = (start)[k_] + 1; i_ < (start)[k_ + 1]; i_++) {       \
      type t_ = (a)[i_];                                                    \
      uint32_t j_ = i_;                                                     \
      for (; j_ > (start)[k_] && before(&t_, &(a)[j_ - 1]); j_--) (a)[j_] = (a)[j_ - 1]; \
      (a)[j_] = t_;                                                         \
    }

/* Groups the hits by sensor (a counting pass) and sorts each sensor's hits; start gets the runs. */
static kst_status sort_hits(kst_sim *s, uint32_t start[KST_VELO_SENSORS + 1]) {
  memset(start, 0, (KST_VELO_SENSORS + 1) * sizeof *start);
  for (uint32_t h = 0; h < s->n_hits; h++) start[s->hits[h].sensor + 1]++;
  for (int k = 0; k < KST_VELO_SENSORS; k++) start[k + 1] += start[k];
  sim_hit *out = malloc((s->n_hits ? s->n_hits : 1) * sizeof *out);
  if (!out) return kst_error(KST_ERR_NOMEM, "simulation: out of memory sorting hits");
  uint32_t fill[KST_VELO_SENSORS];
  memcpy(fill, start, sizeof fill);
  for (uint32_t h = 0; h < s->n_hits; h++) out[fill[s->hits[h].sensor]++] = s->hits[h];
  SORT_RUNS(sim_hit, out, start, hit_before);
  if (s->n_hits) memcpy(s->hits, out, s->n_hits * sizeof *out);
  free(out);
  return kst_ok();
}

/* One cluster per LHCbID: hits of several particles in one pixel make a single cluster, as in the
 * real detector (the id does not carry the fractions, so their words may differ: the first stays).
 * Then each sensor's clusters go in word order, as the banks want. */
static kst_status merge_clusters(kst_sim *s, kst_sim_event *ev) {
  uint32_t start[KST_VELO_SENSORS + 1], cstart[KST_VELO_SENSORS + 1] = {0};
  KST_TRY(sort_hits(s, start));
  uint32_t c = 0;
  for (int k = 0; k < KST_VELO_SENSORS; k++) {
    cstart[k] = c;
    for (uint32_t h = start[k]; h < start[k + 1]; h++) {
      const sim_hit *x = &s->hits[h];
      if (c > cstart[k] && ev->clusters[c - 1].lhcbid == x->lhcbid) continue;
      int32_t key = x->particle >= 0 ? s->parts[x->particle].key : -1;
      ev->clusters[c++] = (kst_sim_cluster){x->sensor, x->word, x->lhcbid, key};
      ev->n_noise += key < 0;
    }
  }
  cstart[KST_VELO_SENSORS] = c;
  SORT_RUNS(kst_sim_cluster, ev->clusters, cstart, cluster_before);
  ev->n_clusters = c;
  return kst_ok();
}

/* Truth and clusters of the current event into ev. */
static kst_status build_event(kst_sim *s, kst_sim_event *ev) {
  KST_TRY(kst_sim_downstream_finish(s, ev));
  uint32_t n = choose_stored(s), n_ids = 0;
  for (uint32_t i = 0; i < s->n_parts; i++)
    if (s->parts[i].stored) n_ids += s->parts[i].n_hits + s->parts[i].n_ut + s->parts[i].n_ft;
  kst_mc_event *mc = &ev->mc;
  mc->particles = malloc((n ? n : 1) * sizeof *mc->particles);
  mc->ids = malloc((n_ids ? n_ids : 1) * sizeof *mc->ids);
  mc->vertices = malloc((s->n_pvs ? s->n_pvs : 1) * sizeof *mc->vertices);
  ev->clusters = malloc((s->n_hits ? s->n_hits : 1) * sizeof *ev->clusters);
  if (!mc->particles || !mc->ids || !mc->vertices || !ev->clusters)
    return kst_error(KST_ERR_NOMEM, "simulation: out of memory for event %llu", (unsigned long long)ev->number);
  for (uint32_t v = 0; v < s->n_pvs; v++) s->pvs[v].n_tracks = 0;
  uint32_t k = 0, id = 0;
  for (uint32_t i = 0; i < s->n_parts; i++) {
    const sim_particle *p = &s->parts[i];
    ev->n_charged += p->charge != 0.0;
    if (!p->stored) continue;
    kst_mc_particle *m = &mc->particles[k++];
    fill_particle(s, p, m);
    m->velo_first = id;
    for (uint32_t h = 0; h < p->n_hits; h++) mc->ids[id++] = s->hits[p->hit_first + h].lhcbid;
    m->n_velo = p->n_hits;
    m->ut_first = id;
    for (uint32_t h = 0; h < p->n_ut; h++) mc->ids[id++] = s->ds->pairs.a[p->ut_first + h].id;
    m->n_ut = p->n_ut;
    m->scifi_first = id;
    for (uint32_t h = 0; h < p->n_ft; h++) mc->ids[id++] = s->ds->pairs.a[p->ft_first + h].id;
    m->n_scifi = p->n_ft;
    /* a PV's track count: hasVelo particles that come out of the vertex itself (LHCb's meaning) */
    if (m->has_velo && p->at_pv) s->pvs[p->pv].n_tracks++;
  }
  uint32_t n_rec = 0;
  for (uint32_t v = 0; v < s->n_pvs; v++) {
    mc->vertices[v] = (kst_mc_vertex){s->pvs[v].n_tracks, s->pvs[v].x, s->pvs[v].y, s->pvs[v].z};
    n_rec += s->pvs[v].n_tracks >= KST_SIM_REC_PV_TRACKS;
  }
  for (uint32_t i = 0; i < n; i++) mc->particles[i].n_rec_pvs = n_rec;
  mc->n_particles = n, mc->n_ids = id, mc->n_vertices = s->n_pvs;
  return merge_clusters(s, ev);
}

kst_status kst_sim_generate_event(kst_sim *s, uint64_t index, kst_sim_event *ev) {
  if (!s || !ev) return kst_error(KST_ERR_INVALID, "kst_sim_generate_event: NULL argument");
  kst_sim_event_free(ev);
  ev->number = s->o.first_event + index;
  kst_rng_seed(&s->rng, s->o.seed, index);
  s->n_parts = s->n_hits = s->n_pvs = 0;
  kst_sim_downstream_begin(s, index);
  kst_status st = kst_sim_make_interactions(s);
  if (!st.code) st = kst_sim_decay_all(s, 0);
  if (!st.code) st = kst_sim_track_all(s);
  if (!st.code) st = build_event(s, ev);
  ev->n_interactions = s->n_pvs;
  if (st.code) kst_sim_event_free(ev);
  return kst_error_wrap(st, "event %llu", (unsigned long long)(s->o.first_event + index));
}
