/* The long-track checker: LHCb's matching (70% of the VELO hits and 70% of the SciFi hits from one particle) and
   categories, and dp/p in bins of momentum. */
#include "checker/long_track_checker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[KST_LONG_CAT_COUNT] = {"long", "long_P>5GeV", "long_P>5GeV_AND_Pt>1GeV", "long_fromB",
                                                      "long_strange", "long_electrons"};
/* GeV; the last bin is open. */
static const double p_edges[KST_LONG_P_BINS + 1] = {0.0, 5.0, 10.0, 20.0, 50.0, 1e9};

typedef struct counts {
  uint64_t found, total, clones, hits_from, hits_on, scifi_matched, scifi_total;
} counts;

/* A growable list of dp/p values and their charge agreement. */
typedef struct samples {
  float *dpp;
  uint8_t *wrong;
  uint64_t n, cap;
} samples;

/* Efficiency histograms of the long (non-electron) particles: reconstructible and found per bin of p, pT, eta. */
#define HIST_BINS 20
typedef struct histogram {
  const char *name, *label, *unit;
  double low, high;
  uint64_t total[HIST_BINS], found[HIST_BINS];
} histogram;
enum { H_P, H_PT, H_ETA, N_HIST };

struct kst_long_track_checker {
  counts cat[KST_LONG_CAT_COUNT];
  uint64_t tracks, ghosts;
  samples p_bins[KST_LONG_P_BINS];
  histogram hist[N_HIST];
};

/* The bin of v in h, or -1 outside. */
static int hist_bin(const histogram *h, double v) {
  if (!(v >= h->low && v < h->high)) return -1;
  return (int)((v - h->low) / (h->high - h->low) * HIST_BINS);
}

kst_long_track_checker *kst_long_track_checker_new(void) {
  kst_long_track_checker *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  const histogram shapes[N_HIST] = {{"efficiency_vs_p", "p", "GeV", 0.0, 100.0, {0}, {0}},
                                    {"efficiency_vs_pt", "pT", "GeV", 0.0, 5.0, {0}, {0}},
                                    {"efficiency_vs_eta", "eta", "", 2.0, 5.0, {0}, {0}}};
  memcpy(c->hist, shapes, sizeof shapes);
  return c;
}

void kst_long_track_checker_free(kst_long_track_checker *c) {
  if (!c) return;
  for (int k = 0; k < KST_LONG_P_BINS; ++k) free(c->p_bins[k].dpp), free(c->p_bins[k].wrong);
  free(c);
}

static kst_status push(samples *s, float dpp, int wrong) {
  if (s->n == s->cap) {
    const uint64_t cap = s->cap ? 2 * s->cap : 256;
    float *d = realloc(s->dpp, cap * sizeof *d);
    if (d) s->dpp = d;
    uint8_t *w = realloc(s->wrong, cap * sizeof *w);
    if (w) s->wrong = w;
    if (!d || !w) return kst_error(KST_ERR_NOMEM, "long-track checker: out of memory");
    s->cap = cap;
  }
  s->dpp[s->n] = dpp, s->wrong[s->n++] = (uint8_t)wrong;
  return kst_ok();
}

/* The categories particle q belongs to, as bits. */
static uint32_t categories(const kst_mc_particle *q) {
  if (!q->is_long || !(q->eta > 2.0f && q->eta < 5.0f)) return 0;
  if (q->pid == 11 || q->pid == -11) return 1u << KST_LONG_CAT_ELECTRONS;
  uint32_t bits = 1u << KST_LONG_CAT_LONG;
  if (q->p > 5000.0f) bits |= 1u << KST_LONG_CAT_P5;
  if (q->p > 5000.0f && q->pt > 1000.0f) bits |= 1u << KST_LONG_CAT_P5_PT1;
  if (q->from_b) bits |= 1u << KST_LONG_CAT_FROMB;
  if (q->from_s) bits |= 1u << KST_LONG_CAT_STRANGE;
  return bits;
}

/* How many of ids[0..n) the particle's id range [first, first + count) of mc holds. */
static uint32_t shared_ids(const kst_mc_event *mc, uint32_t first, uint32_t count, const uint32_t *ids, uint32_t n) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; ++i)
    for (uint32_t j = 0; j < count && first + j < mc->n_ids; ++j)
      if (mc->ids[first + j] == ids[i]) {
        ++k;
        break;
      }
  return k;
}

/* Whether track v matches particle q under LHCb's rules; *sv and *ss get the shared VELO and SciFi ids. */
static int track_matches(const kst_mc_event *mc, const kst_mc_particle *q, const kst_long_track_view *v, uint32_t *sv,
                   uint32_t *ss) {
  *sv = shared_ids(mc, q->velo_first, q->n_velo, v->velo, v->n_velo);
  if (v->n_velo > 2 && 10u * *sv < 7u * v->n_velo) return 0;
  *ss = shared_ids(mc, q->scifi_first, q->n_scifi, v->scifi, v->n_scifi);
  if (v->n_scifi > 2 && 10u * *ss < 7u * v->n_scifi) return 0;
  return *sv + *ss > 0;
}

int32_t kst_long_track_match(const kst_mc_event *mc, const kst_long_track_view *v) {
  int32_t best = -1;
  uint32_t most = 0;
  for (uint32_t p = 0; p < mc->n_particles; ++p) {
    uint32_t sv, ss;
    if (track_matches(mc, &mc->particles[p], v, &sv, &ss) && sv + ss > most) best = (int32_t)p, most = sv + ss;
  }
  return best;
}

kst_status kst_long_track_checker_add_event(kst_long_track_checker *c, const kst_mc_event *mc,
                                            const kst_long_track_view *tracks, uint32_t n_tracks) {
  uint32_t *matches = calloc(mc->n_particles + 1, sizeof *matches);
  if (!matches) return kst_error(KST_ERR_NOMEM, "long-track checker: out of memory");
  kst_status st = kst_ok();
  for (uint32_t t = 0; t < n_tracks && !st.code; ++t) {
    const kst_long_track_view *v = &tracks[t];
    c->tracks++;
    int matched = 0;
    for (uint32_t p = 0; p < mc->n_particles; ++p) {
      const kst_mc_particle *q = &mc->particles[p];
      uint32_t sv, ss;
      if (!track_matches(mc, q, v, &sv, &ss)) continue;
      matched = 1;
      /* A particle found twice counts once; the second is a clone. */
      const uint32_t cats = categories(q);
      for (int k = 0; k < KST_LONG_CAT_COUNT; ++k) {
        if (!(cats & (1u << k))) continue;
        counts *n = &c->cat[k];
        if (matches[p]) n->clones++;
        else {
          n->hits_from += sv + ss, n->hits_on += v->n_velo + v->n_scifi;
          n->scifi_matched += ss, n->scifi_total += q->n_scifi;
        }
      }
      if (!matches[p] && (cats & (1u << KST_LONG_CAT_LONG)) && v->qop != 0.0f) {
        const double p_rec = 1.0 / fabs((double)v->qop), dpp = (p_rec - q->p) / q->p;
        int bin = 0;
        while (bin + 1 < KST_LONG_P_BINS && q->p / 1000.0 >= p_edges[bin + 1]) ++bin;
        st = push(&c->p_bins[bin], (float)dpp, (v->qop > 0.0f) != (q->charge > 0.0f));
      }
      matches[p]++;
    }
    if (!matched) c->ghosts++;
  }
  for (uint32_t p = 0; p < mc->n_particles; ++p) {
    const kst_mc_particle *q = &mc->particles[p];
    const uint32_t cats = categories(q);
    for (int k = 0; k < KST_LONG_CAT_COUNT; ++k)
      if (cats & (1u << k)) c->cat[k].total++, c->cat[k].found += matches[p] > 0;
    if (!(cats & (1u << KST_LONG_CAT_LONG))) continue;
    const double v[N_HIST] = {q->p / 1000.0, q->pt / 1000.0, q->eta};
    for (int h = 0; h < N_HIST; ++h) {
      const int b = hist_bin(&c->hist[h], v[h]);
      if (b >= 0) c->hist[h].total[b]++, c->hist[h].found[b] += matches[p] > 0;
    }
  }
  free(matches);
  return st;
}

kst_status kst_long_track_checker_merge(kst_long_track_checker *into, const kst_long_track_checker *from) {
  for (int k = 0; k < KST_LONG_CAT_COUNT; ++k) {
    counts *a = &into->cat[k];
    const counts *b = &from->cat[k];
    a->found += b->found, a->total += b->total, a->clones += b->clones, a->hits_from += b->hits_from;
    a->hits_on += b->hits_on, a->scifi_matched += b->scifi_matched, a->scifi_total += b->scifi_total;
  }
  into->tracks += from->tracks, into->ghosts += from->ghosts;
  for (int h = 0; h < N_HIST; ++h)
    for (int b = 0; b < HIST_BINS; ++b)
      into->hist[h].total[b] += from->hist[h].total[b], into->hist[h].found[b] += from->hist[h].found[b];
  for (int k = 0; k < KST_LONG_P_BINS; ++k)
    for (uint64_t i = 0; i < from->p_bins[k].n; ++i) KST_TRY(push(&into->p_bins[k], from->p_bins[k].dpp[i], from->p_bins[k].wrong[i]));
  return kst_ok();
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

kst_status kst_long_track_checker_category(const kst_long_track_checker *c, int cat, kst_long_category_stats *out) {
  if (cat < 0 || cat >= KST_LONG_CAT_COUNT) return kst_error(KST_ERR_INVALID, "no long-track category %d", cat);
  const counts *n = &c->cat[cat];
  out->name = names[cat];
  out->found = n->found, out->total = n->total, out->clones = n->clones;
  out->efficiency = ratio(n->found, n->total);
  out->clone_rate = ratio(n->clones, n->found + n->clones);
  out->purity = ratio(n->hits_from, n->hits_on);
  out->hit_efficiency = ratio(n->scifi_matched, n->scifi_total);
  return kst_ok();
}

void kst_long_track_checker_ghosts(const kst_long_track_checker *c, uint64_t *tracks, uint64_t *ghosts) {
  *tracks = c->tracks, *ghosts = c->ghosts;
}

static int by_value(const void *x, const void *y) {
  const float a = *(const float *)x, b = *(const float *)y;
  return (a > b) - (a < b);
}

/* The q-quantile of sorted v[0..n) (nearest rank). */
static double quantile(const float *v, uint64_t n, double q) {
  uint64_t i = (uint64_t)(q * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

kst_status kst_long_track_checker_momentum(const kst_long_track_checker *c, int k, kst_long_momentum_stats *out) {
  if (k < 0 || k > KST_LONG_P_BINS) return kst_error(KST_ERR_INVALID, "no momentum bin %d", k);
  const int lo = k == KST_LONG_P_BINS ? 1 : k, hi = k == KST_LONG_P_BINS ? KST_LONG_P_BINS : k + 1;
  memset(out, 0, sizeof *out);
  out->p_low = p_edges[lo], out->p_high = p_edges[hi];
  uint64_t n = 0;
  for (int b = lo; b < hi; ++b) n += c->p_bins[b].n;
  if (!n) return kst_ok();
  float *v = malloc(n * sizeof *v);
  if (!v) return kst_error(KST_ERR_NOMEM, "long-track checker: out of memory");
  uint64_t at = 0;
  for (int b = lo; b < hi; ++b)
    for (uint64_t i = 0; i < c->p_bins[b].n; ++i) {
      v[at++] = c->p_bins[b].dpp[i];
      out->wrong_charge += c->p_bins[b].wrong[i];
      out->tails += fabsf(c->p_bins[b].dpp[i]) > 0.05f;
    }
  qsort(v, n, sizeof *v, by_value);
  out->tracks = n;
  out->median = quantile(v, n, 0.5);
  out->half_width_68 = 0.5 * (quantile(v, n, 0.84) - quantile(v, n, 0.16));
  free(v);
  return kst_ok();
}

void kst_long_track_checker_print(const kst_long_track_checker *c, FILE *out) {
  fprintf(out, "%-50s: %8llu/%8llu %6.2f%% ghosts\n", "TrackChecker output", (unsigned long long)c->ghosts,
          (unsigned long long)c->tracks, 100.0 * ratio(c->ghosts, c->tracks));
  for (int k = 0; k < KST_LONG_CAT_COUNT; ++k) {
    kst_long_category_stats s;
    kst_long_track_checker_category(c, k, &s);
    if (!s.total) continue;
    fprintf(out, "%-50s: %8llu/%8llu %6.2f%%, %6.2f%% clones, hit purity %6.2f%%, SciFi hit efficiency %6.2f%%\n",
            s.name, (unsigned long long)s.found, (unsigned long long)s.total, 100.0 * s.efficiency, 100.0 * s.clone_rate,
            100.0 * s.purity, 100.0 * s.hit_efficiency);
  }
  fprintf(out, "momentum resolution (matched long tracks, not electrons):\n");
  fprintf(out, "  %-14s %7s %9s %13s %11s %13s\n", "p (GeV)", "tracks", "dp/p med", "68% half-width", "|dp/p|>5%", "wrong charge");
  for (int k = 0; k <= KST_LONG_P_BINS; ++k) {
    kst_long_momentum_stats m;
    kst_long_track_checker_momentum(c, k, &m);
    if (!m.tracks) continue;
    char range[32];
    if (m.p_high > 1e6) snprintf(range, sizeof range, "> %.0f", m.p_low);
    else snprintf(range, sizeof range, "%.0f-%.0f", m.p_low, m.p_high);
    if (k == KST_LONG_P_BINS) snprintf(range, sizeof range, "> 5 (all)");
    fprintf(out, "  %-14s %7llu %8.2f%% %12.2f%% %10.2f%% %12.2f%%\n", range, (unsigned long long)m.tracks, 100.0 * m.median,
            100.0 * m.half_width_68, 100.0 * ratio(m.tails, m.tracks), 100.0 * ratio(m.wrong_charge, m.tracks));
  }
}

kst_status kst_long_track_checker_write_json(const kst_long_track_checker *c, const char *path,
                                             const kst_report_files *files) {
  cJSON *root = cJSON_CreateObject(), *cats = root ? cJSON_AddArrayToObject(root, "categories") : NULL;
  cJSON *mom = root ? cJSON_AddArrayToObject(root, "momentum") : NULL;
  if (!root || !cats || !mom) {
    cJSON_Delete(root);
    return kst_error(KST_ERR_NOMEM, "long-track checker JSON: out of memory");
  }
  cJSON_AddStringToObject(root, "checker", "long_tracks");
  cJSON_AddNumberToObject(root, "tracks", (double)c->tracks);
  cJSON_AddNumberToObject(root, "ghosts", (double)c->ghosts);
  cJSON_AddNumberToObject(root, "ghost_rate", ratio(c->ghosts, c->tracks));
  for (int k = 0; k < KST_LONG_CAT_COUNT; ++k) {
    kst_long_category_stats s;
    kst_long_track_checker_category(c, k, &s);
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    cJSON_AddStringToObject(o, "name", s.name);
    cJSON_AddNumberToObject(o, "found", (double)s.found);
    cJSON_AddNumberToObject(o, "total", (double)s.total);
    cJSON_AddNumberToObject(o, "clones", (double)s.clones);
    cJSON_AddNumberToObject(o, "efficiency", s.efficiency);
    cJSON_AddNumberToObject(o, "clone_rate", s.clone_rate);
    cJSON_AddNumberToObject(o, "hit_purity", s.purity);
    cJSON_AddNumberToObject(o, "scifi_hit_efficiency", s.hit_efficiency);
    cJSON_AddItemToArray(cats, o);
  }
  for (int k = 0; k <= KST_LONG_P_BINS; ++k) {
    kst_long_momentum_stats m;
    kst_long_track_checker_momentum(c, k, &m);
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    cJSON_AddNumberToObject(o, "p_low_gev", m.p_low);
    cJSON_AddNumberToObject(o, "p_high_gev", m.p_high > 1e6 ? -1 : m.p_high);
    cJSON_AddNumberToObject(o, "tracks", (double)m.tracks);
    cJSON_AddNumberToObject(o, "dpp_median", m.median);
    cJSON_AddNumberToObject(o, "dpp_half_width_68", m.half_width_68);
    cJSON_AddNumberToObject(o, "tails_beyond_5_percent", ratio(m.tails, m.tracks));
    cJSON_AddNumberToObject(o, "wrong_charge", ratio(m.wrong_charge, m.tracks));
    cJSON_AddItemToArray(mom, o);
  }
  cJSON *hists = cJSON_AddObjectToObject(root, "histograms");
  for (int h = 0; hists && h < N_HIST; ++h) {
    const histogram *g = &c->hist[h];
    cJSON *o = cJSON_AddObjectToObject(hists, g->name);
    if (!o) break;
    cJSON_AddStringToObject(o, "label", g->label);
    cJSON_AddStringToObject(o, "unit", g->unit);
    cJSON_AddNumberToObject(o, "low", g->low);
    cJSON_AddNumberToObject(o, "high", g->high);
    cJSON_AddNumberToObject(o, "bins", HIST_BINS);
    cJSON *t = cJSON_AddArrayToObject(o, "total"), *f = cJSON_AddArrayToObject(o, "found");
    for (int b = 0; t && f && b < HIST_BINS; ++b) {
      cJSON_AddItemToArray(t, cJSON_CreateNumber((double)g->total[b]));
      cJSON_AddItemToArray(f, cJSON_CreateNumber((double)g->found[b]));
    }
  }
  return kst_json_write_file(root, path, "long-track checker JSON", files);
}
