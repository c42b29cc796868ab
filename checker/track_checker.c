/* VELO track checker: matching, accumulation, merging, LHCb's table and the JSON report. */
#include "checker/json_file.h"
#include "checker/track_checker.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Means of fractions are kept as integer sums of fractions rounded to 2^-30: integer addition is
 * associative, so merged checkers agree bit for bit whatever the split (2^34 terms of headroom). */
#define FIX_ONE (UINT64_C(1) << 30)
#define KST_PI 3.14159265358979323846
#define MAX_BINS 40
#define NO_MATCH UINT32_MAX

/* A fixed binning over [lo, hi). */
typedef struct axis {
  const char *key, *label, *unit;
  double lo, hi;
  int n;
} axis;

/* Numerator and denominator per bin, with what fell outside kept apart. */
typedef struct hist {
  uint64_t num[MAX_BINS], den[MAX_BINS];
  uint64_t under_num, under_den, over_num, over_den;
} hist;

enum { VAR_P, VAR_PT, VAR_ETA, VAR_PHI, VAR_NHITS, VAR_COUNT };
enum { GVAR_ETA, GVAR_NTRACKS, GVAR_COUNT };
enum { HCAT_COUNT = 2 };

static const axis eff_axes[VAR_COUNT] = {
    {"p", "p", "MeV", 0.0, 50000.0, 25},
    {"pt", "pT", "MeV", 0.0, 2000.0, 20},
    {"eta", "eta", "", 2.0, 5.0, 15},
    {"phi", "phi", "rad", -KST_PI, KST_PI, 20},
    {"n_velo_hits", "MC VELO hits", "", 0.0, 40.0, 40},
};
static const axis ghost_axes[GVAR_COUNT] = {
    {"eta", "track eta", "", 0.0, 7.0, 28},
    {"tracks_per_event", "tracks per event", "", 0.0, 500.0, 25},
};
/* Only these categories get plot histograms. */
static const int hist_cats[HCAT_COUNT] = {KST_CAT_VELO, KST_CAT_LONG};

static const char *const cat_names[KST_CAT_COUNT] = {
    "01_velo", "02_long", "03_long_P>5GeV", "04_long_strange", "05_long_strange_P>5GeV",
    "06_long_fromB", "07_long_fromB_P>5GeV", "08_long_electrons", "09_long_fromB_electrons",
    "10_long_fromB_electrons_P>5GeV"};

/* One category's sums; every field merges by addition. */
typedef struct cat_acc {
  uint64_t total, found, clones;
  uint64_t purity_fix, hit_eff_fix; /* over matched tracks */
  uint64_t event_eff_fix, events;   /* over events with >= 1 particle in the category */
} cat_acc;

struct kst_track_checker {
  uint64_t events, tracks, ghosts;
  cat_acc cat[KST_CAT_COUNT];
  hist eff[HCAT_COUNT][VAR_COUNT];
  hist ghost[GVAR_COUNT];
};

/* An MC hit: which particle owns which id. */
typedef struct id_owner {
  uint32_t id, particle;
} id_owner;

/* Per-event scratch, allocated up front so that accumulation cannot fail half way. */
typedef struct scratch {
  id_owner *owners;
  uint32_t n_owners;
  uint32_t *shared, *touched, *n_matched, *match, *match_shared;
} scratch;

const char *kst_track_category_name(int cat) {
  return cat >= 0 && cat < KST_CAT_COUNT ? cat_names[cat] : NULL;
}

kst_track_checker *kst_track_checker_new(void) { return calloc(1, sizeof(kst_track_checker)); }

void kst_track_checker_free(kst_track_checker *c) { free(c); }

/* round(a / b * FIX_ONE) in integers, so that it never depends on floating-point evaluation. */
static uint64_t fix_ratio(uint64_t a, uint64_t b) { return (a * FIX_ONE + b / 2) / b; }

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

static double fix_mean(uint64_t sum, uint64_t n) {
  return n ? (double)sum / (double)FIX_ONE / (double)n : 0.0;
}

/* Bit mask of the categories particle p belongs to. */
static uint32_t category_mask(const kst_mc_particle *p) {
  if (!(p->eta > 2.f && p->eta < 5.f)) return 0;
  const int electron = p->pid == 11 || p->pid == -11, over5 = p->p > 5000.f;
  uint32_t m = 0;
  if (p->has_velo && !electron) m |= 1u << KST_CAT_VELO;
  if (!p->is_long) return m;
  if (electron) {
    m |= 1u << KST_CAT_LONG_ELECTRONS;
    if (p->from_b) m |= 1u << KST_CAT_LONG_FROMB_ELECTRONS;
    if (p->from_b && over5) m |= 1u << KST_CAT_LONG_FROMB_ELECTRONS_P5;
    return m;
  }
  m |= 1u << KST_CAT_LONG;
  if (over5) m |= 1u << KST_CAT_LONG_P5;
  if (p->from_s) m |= 1u << KST_CAT_LONG_STRANGE;
  if (p->from_s && over5) m |= 1u << KST_CAT_LONG_STRANGE_P5;
  if (p->from_b) m |= 1u << KST_CAT_LONG_FROMB;
  if (p->from_b && over5) m |= 1u << KST_CAT_LONG_FROMB_P5;
  return m;
}

/* Counts one entry; NaN lands in the overflow so that no entry is lost silently. */
static void hist_fill(hist *h, const axis *a, double x, uint64_t den, uint64_t num) {
  if (x < a->lo) {
    h->under_den += den, h->under_num += num;
  } else if (!(x < a->hi)) {
    h->over_den += den, h->over_num += num;
  } else {
    int b = (int)((x - a->lo) / (a->hi - a->lo) * a->n);
    if (b >= a->n) b = a->n - 1; /* rounding just below hi */
    h->den[b] += den, h->num[b] += num;
  }
}

static void hist_add(hist *into, const hist *from) {
  for (int b = 0; b < MAX_BINS; b++) into->num[b] += from->num[b], into->den[b] += from->den[b];
  into->under_num += from->under_num, into->under_den += from->under_den;
  into->over_num += from->over_num, into->over_den += from->over_den;
}

static int cmp_owner(const void *a, const void *b) {
  const id_owner *x = a, *y = b;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return x->particle < y->particle ? -1 : x->particle > y->particle;
}

static void scratch_free(scratch *s) {
  free(s->owners), free(s->shared), free(s->touched), free(s->n_matched);
  free(s->match), free(s->match_shared);
}

/* Checks the arguments and the particles' id ranges before anything is counted. */
static kst_status validate(const kst_track_checker *c, const kst_mc_event *mc,
                           const kst_track_view *tracks, uint32_t n_tracks, uint64_t *n_owners) {
  if (!c || !mc) return kst_error(KST_ERR_INVALID, "track checker: NULL checker or MC event");
  if (n_tracks && !tracks) return kst_error(KST_ERR_INVALID, "track checker: %u tracks but NULL array", n_tracks);
  if (mc->n_particles && !mc->particles)
    return kst_error(KST_ERR_INVALID, "track checker: %u MC particles but NULL array", mc->n_particles);
  for (uint32_t t = 0; t < n_tracks; t++)
    if (tracks[t].n && !tracks[t].ids)
      return kst_error(KST_ERR_INVALID, "track checker: track %u has %u hits but NULL ids", t, tracks[t].n);
  *n_owners = 0;
  for (uint32_t i = 0; i < mc->n_particles; i++) {
    const kst_mc_particle *p = &mc->particles[i];
    if ((uint64_t)p->velo_first + p->n_velo > mc->n_ids || (p->n_velo && !mc->ids))
      return kst_error(KST_ERR_FORMAT, "track checker: MC particle %u VELO ids [%u, +%u) outside the %u ids",
                       i, p->velo_first, p->n_velo, mc->n_ids);
    *n_owners += p->n_velo;
  }
  if (*n_owners > UINT32_MAX) return kst_error(KST_ERR_CAPACITY, "track checker: over 2^32 MC VELO ids");
  return kst_ok();
}

/* Allocates the scratch and builds the sorted id -> particle table (one entry per pair). */
static kst_status scratch_init(scratch *s, const kst_mc_event *mc, uint32_t n_tracks, uint64_t n_owners) {
  memset(s, 0, sizeof *s);
  const size_t np = mc->n_particles ? mc->n_particles : 1, nt = n_tracks ? n_tracks : 1;
  s->owners = malloc((n_owners ? n_owners : 1) * sizeof *s->owners);
  s->shared = calloc(np, sizeof *s->shared);
  s->touched = malloc(np * sizeof *s->touched);
  s->n_matched = calloc(np, sizeof *s->n_matched);
  s->match = malloc(nt * sizeof *s->match);
  s->match_shared = malloc(nt * sizeof *s->match_shared);
  if (!s->owners || !s->shared || !s->touched || !s->n_matched || !s->match || !s->match_shared) {
    scratch_free(s);
    return kst_error(KST_ERR_NOMEM, "track checker: no memory for an event of %u particles, %u tracks",
                     mc->n_particles, n_tracks);
  }
  uint32_t n = 0;
  for (uint32_t i = 0; i < mc->n_particles; i++)
    for (uint32_t k = 0; k < mc->particles[i].n_velo; k++)
      s->owners[n++] = (id_owner){mc->ids[mc->particles[i].velo_first + k], i};
  qsort(s->owners, n, sizeof *s->owners, cmp_owner);
  /* A particle listing an id twice must not count a track hit twice. */
  uint32_t u = 0;
  for (uint32_t k = 0; k < n; k++)
    if (u == 0 || s->owners[k].id != s->owners[u - 1].id || s->owners[k].particle != s->owners[u - 1].particle)
      s->owners[u++] = s->owners[k];
  s->n_owners = u;
  return kst_ok();
}

/* Index of the first owner entry with id >= key. */
static uint32_t lower_bound(const scratch *s, uint32_t key) {
  uint32_t lo = 0, hi = s->n_owners;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->owners[mid].id < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Matches one track: the particle owning >= 70% of its hits, most shared first, then lowest index. */
static void match_track(scratch *s, const kst_track_view *tr, uint32_t t) {
  uint32_t n_touched = 0;
  for (uint32_t h = 0; h < tr->n; h++)
    for (uint32_t k = lower_bound(s, tr->ids[h]); k < s->n_owners && s->owners[k].id == tr->ids[h]; k++) {
      uint32_t p = s->owners[k].particle;
      if (s->shared[p]++ == 0) s->touched[n_touched++] = p;
    }
  uint32_t best = NO_MATCH, best_shared = 0;
  for (uint32_t k = 0; k < n_touched; k++) {
    uint32_t p = s->touched[k], sh = s->shared[p];
    s->shared[p] = 0;
    /* Integers, so that exactly 70% qualifies without floating-point doubt. */
    if ((uint64_t)sh * 10 < (uint64_t)tr->n * 7) continue;
    if (sh > best_shared || (sh == best_shared && p < best)) best = p, best_shared = sh;
  }
  s->match[t] = best, s->match_shared[t] = best_shared;
}

kst_status kst_track_checker_add_event(kst_track_checker *c, const kst_mc_event *mc,
                                       const kst_track_view *tracks, uint32_t n_tracks,
                                       const float *track_eta) {
  uint64_t n_owners = 0;
  KST_TRY(validate(c, mc, tracks, n_tracks, &n_owners));
  scratch s;
  KST_TRY(scratch_init(&s, mc, n_tracks, n_owners));

  uint64_t ghosts = 0;
  for (uint32_t t = 0; t < n_tracks; t++) {
    match_track(&s, &tracks[t], t);
    const int ghost = s.match[t] == NO_MATCH;
    ghosts += ghost;
    if (track_eta) hist_fill(&c->ghost[GVAR_ETA], &ghost_axes[GVAR_ETA], track_eta[t], 1, ghost);
  }
  hist_fill(&c->ghost[GVAR_NTRACKS], &ghost_axes[GVAR_NTRACKS], n_tracks, n_tracks, ghosts);
  c->events++, c->tracks += n_tracks, c->ghosts += ghosts;

  /* Tracks in index order, so that the first track on a particle is "found" and later ones clones. */
  for (uint32_t t = 0; t < n_tracks; t++) {
    if (s.match[t] == NO_MATCH) continue;
    const kst_mc_particle *p = &mc->particles[s.match[t]];
    const int clone = s.n_matched[s.match[t]]++ > 0;
    const uint32_t mask = category_mask(p);
    for (int k = 0; k < KST_CAT_COUNT; k++) {
      if (!(mask >> k & 1u)) continue;
      cat_acc *a = &c->cat[k];
      if (clone) a->clones++;
      else a->found++;
      a->purity_fix += fix_ratio(s.match_shared[t], tracks[t].n);
      a->hit_eff_fix += fix_ratio(s.match_shared[t], p->n_velo);
    }
  }

  uint64_t accepted[KST_CAT_COUNT] = {0}, found[KST_CAT_COUNT] = {0};
  for (uint32_t i = 0; i < mc->n_particles; i++) {
    const kst_mc_particle *p = &mc->particles[i];
    const uint32_t mask = category_mask(p);
    const int reco = s.n_matched[i] > 0;
    for (int k = 0; k < KST_CAT_COUNT; k++)
      if (mask >> k & 1u) accepted[k]++, found[k] += reco;
    const double x[VAR_COUNT] = {p->p, p->pt, p->eta, p->phi, p->n_velo};
    for (int h = 0; h < HCAT_COUNT; h++)
      if (mask >> hist_cats[h] & 1u)
        for (int v = 0; v < VAR_COUNT; v++) hist_fill(&c->eff[h][v], &eff_axes[v], x[v], 1, reco);
  }
  for (int k = 0; k < KST_CAT_COUNT; k++) {
    c->cat[k].total += accepted[k];
    if (accepted[k]) c->cat[k].event_eff_fix += fix_ratio(found[k], accepted[k]), c->cat[k].events++;
  }
  scratch_free(&s);
  return kst_ok();
}

kst_status kst_track_checker_merge(kst_track_checker *into, const kst_track_checker *from) {
  if (!into || !from) return kst_error(KST_ERR_INVALID, "track checker merge: NULL checker");
  into->events += from->events, into->tracks += from->tracks, into->ghosts += from->ghosts;
  for (int k = 0; k < KST_CAT_COUNT; k++) {
    cat_acc *a = &into->cat[k];
    const cat_acc *b = &from->cat[k];
    a->total += b->total, a->found += b->found, a->clones += b->clones;
    a->purity_fix += b->purity_fix, a->hit_eff_fix += b->hit_eff_fix;
    a->event_eff_fix += b->event_eff_fix, a->events += b->events;
  }
  for (int h = 0; h < HCAT_COUNT; h++)
    for (int v = 0; v < VAR_COUNT; v++) hist_add(&into->eff[h][v], &from->eff[h][v]);
  for (int g = 0; g < GVAR_COUNT; g++) hist_add(&into->ghost[g], &from->ghost[g]);
  return kst_ok();
}

kst_status kst_track_checker_category(const kst_track_checker *c, int cat, kst_track_category_stats *out) {
  if (!c || !out || cat < 0 || cat >= KST_CAT_COUNT)
    return kst_error(KST_ERR_INVALID, "track checker: no category %d", cat);
  const cat_acc *a = &c->cat[cat];
  const uint64_t matched = a->found + a->clones;
  out->name = cat_names[cat];
  out->found = a->found, out->total = a->total, out->clones = a->clones;
  out->events_with_particles = a->events;
  out->efficiency = ratio(a->found, a->total);
  out->per_event_efficiency = fix_mean(a->event_eff_fix, a->events);
  out->clone_rate = ratio(a->clones, matched);
  out->purity = fix_mean(a->purity_fix, matched);
  out->hit_efficiency = fix_mean(a->hit_eff_fix, matched);
  return kst_ok();
}

void kst_track_checker_ghosts(const kst_track_checker *c, kst_track_ghost_stats *out) {
  out->events = c->events, out->tracks = c->tracks, out->ghosts = c->ghosts;
  out->ghost_rate = ratio(c->ghosts, c->tracks);
}

void kst_track_checker_print(const kst_track_checker *c, FILE *out) {
  kst_track_ghost_stats g;
  kst_track_checker_ghosts(c, &g);
  fprintf(out, "%-*s: %9" PRIu64 "/%9" PRIu64 " %6.2f%% ghosts\n", KST_TRACK_CHECKER_NAME_WIDTH,
          "TrackChecker output", g.ghosts, g.tracks, 100.0 * g.ghost_rate);
  for (int k = 0; k < KST_CAT_COUNT; k++) {
    kst_track_category_stats s;
    kst_track_checker_category(c, k, &s);
    if (!s.total) continue; /* as LHCb: a category without particles says nothing */
    fprintf(out,
            "%-*s: %9" PRIu64 "/%9" PRIu64 " %6.2f%% (%6.2f%%), %9" PRIu64
            " (%6.2f%%) clones, pur %6.2f%%, hit eff %6.2f%%\n",
            KST_TRACK_CHECKER_NAME_WIDTH, s.name, s.found, s.total, 100.0 * s.efficiency,
            100.0 * s.per_event_efficiency, s.clones, 100.0 * s.clone_rate, 100.0 * s.purity,
            100.0 * s.hit_efficiency);
  }
}

/* A JSON array of n counts; NULL when out of memory. */
static cJSON *counts_json(const uint64_t *v, int n) {
  cJSON *a = cJSON_CreateArray();
  for (int i = 0; a && i < n; i++) {
    cJSON *x = cJSON_CreateNumber((double)v[i]);
    if (!x) return cJSON_Delete(a), NULL;
    cJSON_AddItemToArray(a, x);
  }
  return a;
}

/* One histogram with its binning; NULL when out of memory. */
static cJSON *hist_json(const hist *h, const axis *ax) {
  cJSON *o = cJSON_CreateObject();
  if (!o) return NULL;
  const uint64_t under[2] = {h->under_num, h->under_den}, over[2] = {h->over_num, h->over_den};
  int ok = cJSON_AddStringToObject(o, "label", ax->label) && cJSON_AddStringToObject(o, "unit", ax->unit) &&
           cJSON_AddNumberToObject(o, "low", ax->lo) && cJSON_AddNumberToObject(o, "high", ax->hi) &&
           cJSON_AddNumberToObject(o, "bins", ax->n);
  const char *keys[4] = {"numerator", "denominator", "underflow", "overflow"};
  const uint64_t *vals[4] = {h->num, h->den, under, over};
  const int lens[4] = {ax->n, ax->n, 2, 2};
  for (int i = 0; ok && i < 4; i++) {
    cJSON *a = counts_json(vals[i], lens[i]);
    ok = a != NULL;
    if (ok) cJSON_AddItemToObject(o, keys[i], a);
  }
  return ok ? o : (cJSON_Delete(o), NULL);
}

/* The category table as a JSON array; NULL when out of memory. */
static cJSON *categories_json(const kst_track_checker *c) {
  cJSON *arr = cJSON_CreateArray();
  for (int k = 0; arr && k < KST_CAT_COUNT; k++) {
    kst_track_category_stats s;
    kst_track_checker_category(c, k, &s);
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "name", s.name) &&
             cJSON_AddNumberToObject(o, "found", (double)s.found) &&
             cJSON_AddNumberToObject(o, "total", (double)s.total) &&
             cJSON_AddNumberToObject(o, "efficiency", s.efficiency) &&
             cJSON_AddNumberToObject(o, "per_event_efficiency", s.per_event_efficiency) &&
             cJSON_AddNumberToObject(o, "events_with_particles", (double)s.events_with_particles) &&
             cJSON_AddNumberToObject(o, "clones", (double)s.clones) &&
             cJSON_AddNumberToObject(o, "clone_rate", s.clone_rate) &&
             cJSON_AddNumberToObject(o, "purity", s.purity) &&
             cJSON_AddNumberToObject(o, "hit_efficiency", s.hit_efficiency);
    if (!ok) return cJSON_Delete(o), cJSON_Delete(arr), NULL;
    cJSON_AddItemToArray(arr, o);
  }
  return arr;
}

/* Efficiency histograms per plotted category, then ghost histograms; 0 when out of memory. */
static int add_histograms(cJSON *root, const kst_track_checker *c) {
  cJSON *eff = cJSON_AddObjectToObject(root, "efficiency_histograms");
  cJSON *gh = cJSON_AddObjectToObject(root, "ghost_histograms");
  if (!eff || !gh) return 0;
  for (int h = 0; h < HCAT_COUNT; h++) {
    cJSON *cat = cJSON_AddObjectToObject(eff, cat_names[hist_cats[h]]);
    if (!cat) return 0;
    for (int v = 0; v < VAR_COUNT; v++) {
      cJSON *x = hist_json(&c->eff[h][v], &eff_axes[v]);
      if (!x) return 0;
      cJSON_AddItemToObject(cat, eff_axes[v].key, x);
    }
  }
  for (int g = 0; g < GVAR_COUNT; g++) {
    cJSON *x = hist_json(&c->ghost[g], &ghost_axes[g]);
    if (!x) return 0;
    cJSON_AddItemToObject(gh, ghost_axes[g].key, x);
  }
  return 1;
}

/* The whole report as one JSON tree; NULL when out of memory. */
static cJSON *report_json(const kst_track_checker *c) {
  kst_track_ghost_stats g;
  kst_track_checker_ghosts(c, &g);
  cJSON *root = cJSON_CreateObject();
  int ok = root && cJSON_AddStringToObject(root, "checker", "velo") &&
           cJSON_AddStringToObject(root, "rates", "fractions in [0, 1]") &&
           cJSON_AddNumberToObject(root, "events", (double)g.events) &&
           cJSON_AddNumberToObject(root, "tracks", (double)g.tracks) &&
           cJSON_AddNumberToObject(root, "ghosts", (double)g.ghosts) &&
           cJSON_AddNumberToObject(root, "ghost_rate", g.ghost_rate);
  cJSON *cats = ok ? categories_json(c) : NULL;
  if (cats) cJSON_AddItemToObject(root, "categories", cats);
  if (!cats || !add_histograms(root, c)) return cJSON_Delete(root), NULL;
  return root;
}

kst_status kst_track_checker_write_json(const kst_track_checker *c, const char *path, const kst_report_files *files) {
  if (!c || !path) return kst_error(KST_ERR_INVALID, "track checker JSON: NULL checker or path");
  return kst_json_write_file(report_json(c), path, "track checker JSON", files);
}
