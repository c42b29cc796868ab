/* Primary-vertex checker: LHCb's z matching, exact accumulation, merging, the summary and the JSON report. */
#include "checker/json_file.h"
#include "checker/pv_checker.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "checker/track_checker.h" /* kst_checker_plot_script */

/* Sums are integers so that addition is associative and merged checkers agree bit for bit whatever
 * the split. A residual (reco - MC, in double from the float position and the double MC position) is
 * rounded to the nearest nanometre, a pull (residual / sqrt(cov), in double) to the nearest 2^-20;
 * llround rounds halves away from zero. Both saturate at +-2^40 units (1.1 km; 10^6 sigma) so that a
 * square fits in 2^80 and a signed 128-bit sum of squares has room for 2^47 entries. Means and widths
 * come from the exact sums, in long double, only when reported. */
#define NM_PER_MM 1e6
#define PULL_ONE 1048576.0        /* 2^20 */
#define FIX_LIMIT 1099511627776.0 /* 2^40 */
#define NONE UINT32_MAX
#define MAX_BINS 40
#define VISIBLE_TRACKS 2 /* fewer MC tracks than this cannot make a vertex a reconstructor could see */
#define RES_NT_WIDTH 5u  /* resolution-vs-tracks bins: [0, 5), [5, 10), ... then one overflow */
#define RES_NT_BINS 20u

__extension__ typedef __int128 wide;

/* Count, sum and sum of squares of integer values; merges by addition. */
typedef struct moments {
  uint64_t n;
  wide sum, sum2;
} moments;

/* A fixed binning over [lo, hi). */
typedef struct axis {
  const char *label, *unit;
  double lo, hi;
  int n;
} axis;

/* Numerator and denominator per bin, with what fell outside kept apart. */
typedef struct hist {
  uint64_t num[MAX_BINS], den[MAX_BINS];
  uint64_t under_num, under_den, over_num, over_den;
} hist;

static const axis eff_z_axis = {"MC PV z", "mm", -200.0, 200.0, 40};
static const axis eff_nt_axis = {"MC PV reconstructible tracks", "", 0.0, 100.0, 25};
static const char *const axis_names[KST_PV_AXES] = {"x", "y", "z"};

/* Residual histograms for the core resolution: 1 micron bins over +-CORE_HALF microns; beyond counts as tails. */
#define CORE_HALF 3000
#define CORE_BINS (2 * CORE_HALF + 1)

struct kst_pv_checker {
  uint32_t min_tracks;
  uint32_t core[2][KST_PV_AXES][CORE_BINS]; /* all matched PVs, and those with many tracks */
  uint64_t events, mc_vertices, reco_vertices, reconstructible, found;
  uint64_t isolated, found_isolated, close, found_close, false_pvs, false_real, clones, unusable;
  moments res[KST_PV_AXES], res_many[KST_PV_AXES], pulls[KST_PV_AXES];
  moments res_nt[RES_NT_BINS + 1][KST_PV_AXES]; /* by reconstructed tracks; the last is the overflow */
  hist eff_z, eff_nt;
};

/* Per-event scratch, allocated up front so that accumulation cannot fail half way. */
typedef struct scratch {
  uint32_t *rble;      /* indices of the reconstructible MC PVs */
  uint32_t n_rble;
  uint32_t *n_matched; /* per MC PV: reconstructed PVs matched to it */
  uint32_t *first;     /* per MC PV: the lowest-index reconstructed PV matched to it */
  uint32_t *claimed;   /* per MC PV: a visible, unreconstructible PV already explains a false PV */
  uint32_t *match;     /* per reconstructed PV: its MC PV or NONE */
} scratch;

kst_pv_checker *kst_pv_checker_new(void) {
  kst_pv_checker *c = calloc(1, sizeof *c);
  if (c) c->min_tracks = KST_PV_MIN_TRACKS_DEFAULT;
  return c;
}

void kst_pv_checker_free(kst_pv_checker *c) { free(c); }

kst_status kst_pv_checker_set_min_tracks(kst_pv_checker *c, uint32_t min_tracks) {
  if (!c) return kst_error(KST_ERR_INVALID, "PV checker: NULL checker");
  /* Sums taken under another threshold would be mixed into the new one without a trace. */
  if (c->events) return kst_error(KST_ERR_INVALID, "PV checker: min_tracks set after %" PRIu64 " events", c->events);
  c->min_tracks = min_tracks;
  return kst_ok();
}

uint32_t kst_pv_checker_min_tracks(const kst_pv_checker *c) { return c->min_tracks; }

static void moments_add(moments *m, int64_t v) { m->n++, m->sum += v, m->sum2 += (wide)v * v; }

static void moments_merge(moments *into, const moments *from) {
  into->n += from->n, into->sum += from->sum, into->sum2 += from->sum2;
}

/* Mean and population standard deviation, divided by unit; 0 and 0 when empty. */
static void moments_get(const moments *m, double unit, double *mean, double *sigma) {
  if (!m->n) {
    *mean = *sigma = 0.0;
    return;
  }
  const long double n = (long double)m->n, mu = (long double)m->sum / n;
  const long double var = (long double)m->sum2 / n - mu * mu;
  *mean = (double)(mu / unit);
  *sigma = (double)(sqrtl(var > 0 ? var : 0) / unit);
}

/* round(v), saturating at +-FIX_LIMIT; v is finite. */
static int64_t to_fixed(double v) {
  if (v > FIX_LIMIT) v = FIX_LIMIT;
  if (v < -FIX_LIMIT) v = -FIX_LIMIT;
  return llround(v);
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

/* Counts one entry; NaN lands in the overflow so that no entry is lost silently. */
static void hist_fill(hist *h, const axis *a, double x, uint64_t num) {
  if (x < a->lo) {
    h->under_den++, h->under_num += num;
  } else if (!(x < a->hi)) {
    h->over_den++, h->over_num += num;
  } else {
    int b = (int)((x - a->lo) / (a->hi - a->lo) * a->n);
    if (b >= a->n) b = a->n - 1; /* rounding just below hi */
    h->den[b]++, h->num[b] += num;
  }
}

static void hist_add(hist *into, const hist *from) {
  for (int b = 0; b < MAX_BINS; b++) into->num[b] += from->num[b], into->den[b] += from->den[b];
  into->under_num += from->under_num, into->under_den += from->under_den;
  into->over_num += from->over_num, into->over_den += from->over_den;
}

static kst_status scratch_init(scratch *s, const kst_mc_event *mc, uint32_t n, uint32_t min_tracks) {
  const size_t nm = mc->n_vertices;
  uint32_t *block = calloc(4 * nm + n + 1, sizeof *block);
  if (!block)
    return kst_error(KST_ERR_NOMEM, "PV checker: no memory for an event of %u MC and %u reconstructed PVs",
                     mc->n_vertices, n);
  s->rble = block, s->n_matched = block + nm, s->first = block + 2 * nm, s->claimed = block + 3 * nm;
  s->match = block + 4 * nm;
  s->n_rble = 0;
  for (uint32_t i = 0; i < mc->n_vertices; i++) {
    s->first[i] = NONE;
    if (mc->vertices[i].n_tracks >= 0 && (uint32_t)mc->vertices[i].n_tracks >= min_tracks) s->rble[s->n_rble++] = i;
  }
  return kst_ok();
}

/* The reconstructible MC PV closest in z (lowest index on ties) when |dz| < 5 sigma_z, else NONE. As in
 * LHCb's GPU trigger every MC PV stays a candidate after a match, so a second match makes a clone. */
static uint32_t match_pv(const kst_mc_event *mc, const scratch *s, const kst_pv_view *pv) {
  const double window = KST_PV_MATCH_SIGMAS * sqrt((double)pv->cov_zz); /* NaN if cov_zz < 0: no match */
  uint32_t best = NONE;
  double best_dz = INFINITY;
  for (uint32_t k = 0; k < s->n_rble; k++) {
    const double dz = fabs(mc->vertices[s->rble[k]].z - (double)pv->z);
    if (dz < best_dz) best_dz = dz, best = s->rble[k];
  }
  return best != NONE && best_dz < window ? best : NONE;
}

/* Whether a false PV sits on a visible but unreconstructible MC PV (VISIBLE_TRACKS <= n_tracks <
 * min_tracks) that no earlier false PV claimed; the closest claims it. LHCb's GPU trigger reports such
 * PVs apart ("real false rate" counts the rest): they exist, the efficiency just does not ask for them. */
static int explained_by_visible(const kst_mc_event *mc, scratch *s, const kst_pv_view *pv, uint32_t min_tracks) {
  const double window = KST_PV_MATCH_SIGMAS * sqrt((double)pv->cov_zz);
  uint32_t best = NONE;
  double best_dz = INFINITY;
  for (uint32_t i = 0; i < mc->n_vertices; i++) {
    const int32_t nt = mc->vertices[i].n_tracks;
    if (nt < VISIBLE_TRACKS || (uint32_t)nt >= min_tracks || s->claimed[i]) continue;
    const double dz = fabs(mc->vertices[i].z - (double)pv->z);
    if (dz < best_dz) best_dz = dz, best = i;
  }
  if (best == NONE || !(best_dz < window)) return 0;
  s->claimed[best] = 1;
  return 1;
}

/* Whether no other reconstructible MC PV lies within KST_PV_ISOLATION_MM in z (exactly 10 mm is close). */
static int is_isolated(const kst_mc_event *mc, const scratch *s, uint32_t i) {
  for (uint32_t k = 0; k < s->n_rble; k++) {
    const uint32_t j = s->rble[k];
    if (j != i && fabs(mc->vertices[j].z - mc->vertices[i].z) <= KST_PV_ISOLATION_MM) return 0;
  }
  return 1;
}

/* Adds a matched pair's residuals and pulls; a non-finite residual has no integer to stand for it, so
 * the pair is only counted as unusable. */
static void add_residuals(kst_pv_checker *c, const kst_pv_view *pv, const kst_mc_vertex *mc) {
  const double res[KST_PV_AXES] = {(double)pv->x - mc->x, (double)pv->y - mc->y, (double)pv->z - mc->z};
  const double cov[KST_PV_AXES] = {pv->cov_xx, pv->cov_yy, pv->cov_zz};
  if (!isfinite(res[0]) || !isfinite(res[1]) || !isfinite(res[2])) {
    c->unusable++;
    return;
  }
  const uint32_t slot = pv->n_tracks / RES_NT_WIDTH < RES_NT_BINS ? pv->n_tracks / RES_NT_WIDTH : RES_NT_BINS;
  for (int a = 0; a < KST_PV_AXES; a++) {
    const int64_t nm = to_fixed(res[a] * NM_PER_MM);
    moments_add(&c->res[a], nm);
    moments_add(&c->res_nt[slot][a], nm);
    if (pv->n_tracks >= KST_PV_MANY_TRACKS) moments_add(&c->res_many[a], nm);
    const double um = res[a] * 1000.0;
    if (um > -CORE_HALF - 0.5 && um < CORE_HALF + 0.5) {
      const int bin = (int)lround(um) + CORE_HALF;
      c->core[0][a][bin]++;
      if (pv->n_tracks >= KST_PV_MANY_TRACKS) c->core[1][a][bin]++;
    }
    if (isfinite(cov[a]) && cov[a] > 0) moments_add(&c->pulls[a], to_fixed(res[a] / sqrt(cov[a]) * PULL_ONE));
  }
}

kst_status kst_pv_checker_add_event(kst_pv_checker *c, const kst_mc_event *mc, const kst_pv_view *pvs,
                                    uint32_t n) {
  if (!c || !mc) return kst_error(KST_ERR_INVALID, "PV checker: NULL checker or MC event");
  if (n && !pvs) return kst_error(KST_ERR_INVALID, "PV checker: %u reconstructed PVs but NULL array", n);
  if (mc->n_vertices && !mc->vertices)
    return kst_error(KST_ERR_INVALID, "PV checker: %u MC vertices but NULL array", mc->n_vertices);
  scratch s = {0};
  KST_TRY(scratch_init(&s, mc, n, c->min_tracks));

  /* Reconstructed PVs in index order, so that the first one on an MC PV is "found" and later ones clones. */
  for (uint32_t j = 0; j < n; j++) {
    const uint32_t i = s.match[j] = match_pv(mc, &s, &pvs[j]);
    if (i == NONE) continue;
    if (s.n_matched[i]++ == 0) s.first[i] = j;
  }
  for (uint32_t j = 0; j < n; j++) {
    if (s.match[j] != NONE) continue;
    c->false_pvs++;
    if (!explained_by_visible(mc, &s, &pvs[j], c->min_tracks)) c->false_real++;
  }
  for (uint32_t k = 0; k < s.n_rble; k++) {
    const uint32_t i = s.rble[k];
    const kst_mc_vertex *v = &mc->vertices[i];
    const int found = s.n_matched[i] > 0, isolated = is_isolated(mc, &s, i);
    c->reconstructible++, c->found += found;
    if (isolated) c->isolated++, c->found_isolated += found;
    else c->close++, c->found_close += found;
    if (found) {
      c->clones += s.n_matched[i] - 1;
      add_residuals(c, &pvs[s.first[i]], v);
    }
    hist_fill(&c->eff_z, &eff_z_axis, v->z, found);
    hist_fill(&c->eff_nt, &eff_nt_axis, v->n_tracks, found);
  }
  c->events++, c->mc_vertices += mc->n_vertices, c->reco_vertices += n;
  free(s.rble); /* the start of the one block */
  return kst_ok();
}

kst_status kst_pv_checker_merge(kst_pv_checker *into, const kst_pv_checker *from) {
  if (!into || !from) return kst_error(KST_ERR_INVALID, "PV checker merge: NULL checker");
  if (into->min_tracks != from->min_tracks)
    return kst_error(KST_ERR_INVALID, "PV checker merge: min_tracks %u and %u differ", into->min_tracks,
                     from->min_tracks);
  into->events += from->events, into->mc_vertices += from->mc_vertices;
  into->reco_vertices += from->reco_vertices, into->reconstructible += from->reconstructible;
  into->found += from->found, into->isolated += from->isolated, into->found_isolated += from->found_isolated;
  into->close += from->close, into->found_close += from->found_close, into->false_pvs += from->false_pvs;
  into->false_real += from->false_real, into->clones += from->clones, into->unusable += from->unusable;
  for (int set = 0; set < 2; set++)
    for (int a = 0; a < KST_PV_AXES; a++)
      for (int b = 0; b < CORE_BINS; b++) into->core[set][a][b] += from->core[set][a][b];
  for (int a = 0; a < KST_PV_AXES; a++) {
    moments_merge(&into->res[a], &from->res[a]);
    moments_merge(&into->res_many[a], &from->res_many[a]);
    moments_merge(&into->pulls[a], &from->pulls[a]);
    for (uint32_t b = 0; b <= RES_NT_BINS; b++) moments_merge(&into->res_nt[b][a], &from->res_nt[b][a]);
  }
  hist_add(&into->eff_z, &from->eff_z);
  hist_add(&into->eff_nt, &from->eff_nt);
  return kst_ok();
}

/* Half-width (microns) of the narrowest interval centred on the median bin that holds 68.27% of all n residuals
   (residuals beyond the histogram count against it); 0 when n is 0. */
static double core_width(const uint32_t *h, uint64_t n, double *median) {
  *median = 0.0;
  if (n == 0) return 0.0;
  uint64_t below = 0;
  int med = 0;
  while (med < CORE_BINS && 2 * (below + h[med]) < n) below += h[med++];
  if (med == CORE_BINS) return CORE_HALF;
  *median = med - CORE_HALF;
  const double want = 0.6827 * (double)n;
  uint64_t inside = h[med];
  for (int w = 1; w <= CORE_HALF * 2; w++) {
    if ((double)inside >= want) return w - 0.5;
    if (med - w >= 0) inside += h[med - w];
    if (med + w < CORE_BINS) inside += h[med + w];
  }
  return CORE_HALF;
}

static void resolution_of(const moments m[KST_PV_AXES], const uint32_t core[KST_PV_AXES][CORE_BINS],
                          kst_pv_resolution *r) {
  r->n = m[0].n; /* every axis takes every usable pair */
  for (int a = 0; a < KST_PV_AXES; a++) {
    moments_get(&m[a], 1000.0, &r->mean_um[a], &r->sigma_um[a]);
    r->core_um[a] = core_width(core[a], m[a].n, &r->median_um[a]);
  }
}

void kst_pv_checker_stats(const kst_pv_checker *c, kst_pv_stats *out) {
  memset(out, 0, sizeof *out);
  out->min_tracks = c->min_tracks;
  out->events = c->events, out->mc_vertices = c->mc_vertices, out->reco_vertices = c->reco_vertices;
  out->reconstructible = c->reconstructible, out->found = c->found;
  out->isolated = c->isolated, out->found_isolated = c->found_isolated;
  out->close = c->close, out->found_close = c->found_close;
  out->false_pvs = c->false_pvs, out->false_real = c->false_real, out->clones = c->clones;
  out->unusable = c->unusable;
  out->efficiency = ratio(c->found, c->reconstructible);
  out->efficiency_isolated = ratio(c->found_isolated, c->isolated);
  out->efficiency_close = ratio(c->found_close, c->close);
  out->false_rate = ratio(c->false_pvs, c->reco_vertices);
  out->false_real_rate = ratio(c->false_real, c->reco_vertices);
  out->clone_rate = ratio(c->clones, c->found);
  resolution_of(c->res, (const uint32_t(*)[CORE_BINS])c->core[0], &out->resolution);
  resolution_of(c->res_many, (const uint32_t(*)[CORE_BINS])c->core[1], &out->resolution_many);
  for (int a = 0; a < KST_PV_AXES; a++) {
    out->pulls.n[a] = c->pulls[a].n;
    moments_get(&c->pulls[a], PULL_ONE, &out->pulls.mean[a], &out->pulls.width[a]);
  }
}

/* One "  name :  found/ total  rate%" line; counts padded to w digits so that the lines align. */
static void print_ratio(FILE *out, int w, const char *name, uint64_t a, uint64_t b) {
  fprintf(out, "  %-9s: %*" PRIu64 "/%*" PRIu64 " %6.2f%%", name, w, a, w, b, 100.0 * ratio(a, b));
}

/* Digits of the largest count, at least 4 as in LHCb's short runs. */
static int count_width(uint64_t max) {
  int w = 1;
  for (; max >= 10; max /= 10) w++;
  return w < 4 ? 4 : w;
}

static void print_xyz(FILE *out, const char *fmt, const double v[KST_PV_AXES]) {
  for (int a = 0; a < KST_PV_AXES; a++) fprintf(out, a ? "  %s " : "%s ", axis_names[a]), fprintf(out, fmt, v[a]);
}

void kst_pv_checker_print(const kst_pv_checker *c, FILE *out) {
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  fprintf(out, "PV checker: %" PRIu64 "/%" PRIu64 " reconstructible MC PVs found\n", s.found, s.reconstructible);
  fprintf(out, "  (reconstructible: >= %u MC tracks; match: closest in z within %.0f sigma_z; "
          "isolated: no other within %.0f mm)\n", s.min_tracks, KST_PV_MATCH_SIGMAS, KST_PV_ISOLATION_MM);
  const int w = count_width(s.reconstructible > s.reco_vertices ? s.reconstructible : s.reco_vertices);
  print_ratio(out, w, "all", s.found, s.reconstructible), fputc('\n', out);
  print_ratio(out, w, "isolated", s.found_isolated, s.isolated), fputc('\n', out);
  print_ratio(out, w, "close", s.found_close, s.close), fputc('\n', out);
  print_ratio(out, w, "false", s.false_pvs, s.reco_vertices);
  fprintf(out, "   (real false %" PRIu64 ", %.2f%%)\n", s.false_real, 100.0 * s.false_real_rate);
  fprintf(out, "  %-9s: %*" PRIu64 "   (%.2f%% of found)\n", "clones", w, s.clones, 100.0 * s.clone_rate);
  fputs("  core resolution (um, 68% half-width): ", out), print_xyz(out, "%.1f", s.resolution.core_um);
  fprintf(out, "   (ntracks >= %d: ", KST_PV_MANY_TRACKS), print_xyz(out, "%.1f", s.resolution_many.core_um);
  fputs(")\n  resolution (um, standard deviation): ", out), print_xyz(out, "%.1f", s.resolution.sigma_um);
  fprintf(out, "   (ntracks >= %d: ", KST_PV_MANY_TRACKS), print_xyz(out, "%.1f", s.resolution_many.sigma_um);
  fputs(")\n  median (um): ", out), print_xyz(out, "%.1f", s.resolution.median_um);
  fputs("\n  mean (um): ", out), print_xyz(out, "%.1f", s.resolution.mean_um);
  fprintf(out, "   (ntracks >= %d: ", KST_PV_MANY_TRACKS), print_xyz(out, "%.1f", s.resolution_many.mean_um);
  fputs(")\n  pulls (width): ", out), print_xyz(out, "%.2f", s.pulls.width);
  fputs("\n  pulls (mean): ", out), print_xyz(out, "%.2f", s.pulls.mean);
  fputc('\n', out);
}

/* {"x": v[0], "y": v[1], "z": v[2]} added to o under key; 0 when out of memory. */
static int add_xyz(cJSON *o, const char *key, const double v[KST_PV_AXES]) {
  cJSON *x = cJSON_AddObjectToObject(o, key);
  for (int a = 0; x && a < KST_PV_AXES; a++)
    if (!cJSON_AddNumberToObject(x, axis_names[a], v[a])) return 0;
  return x != NULL;
}

static int add_resolution(cJSON *root, const char *key, const kst_pv_resolution *r) {
  cJSON *o = cJSON_AddObjectToObject(root, key);
  return o && cJSON_AddNumberToObject(o, "n", (double)r->n) && add_xyz(o, "mean_um", r->mean_um) &&
         add_xyz(o, "sigma_um", r->sigma_um) && add_xyz(o, "core_um", r->core_um) && add_xyz(o, "median_um", r->median_um);
}

static int add_pulls(cJSON *root, const kst_pv_pulls *p) {
  cJSON *o = cJSON_AddObjectToObject(root, "pulls");
  const double n[KST_PV_AXES] = {(double)p->n[0], (double)p->n[1], (double)p->n[2]};
  return o && add_xyz(o, "n", n) && add_xyz(o, "mean", p->mean) && add_xyz(o, "width", p->width);
}

/* An array of n numbers added to o under key; 0 when out of memory. */
static int add_array(cJSON *o, const char *key, const double *v, int n) {
  cJSON *a = cJSON_CreateDoubleArray(v, n);
  if (!a) return 0;
  cJSON_AddItemToObject(o, key, a); /* not checked: older cJSON returns void here */
  return 1;
}

static int add_binning(cJSON *o, const axis *ax) {
  return cJSON_AddStringToObject(o, "label", ax->label) && cJSON_AddStringToObject(o, "unit", ax->unit) &&
         cJSON_AddNumberToObject(o, "low", ax->lo) && cJSON_AddNumberToObject(o, "high", ax->hi) &&
         cJSON_AddNumberToObject(o, "bins", ax->n);
}

/* An efficiency histogram in the track checker's layout ([num, den] pairs for under- and overflow). */
static int add_hist(cJSON *root, const char *key, const hist *h, const axis *ax) {
  double num[MAX_BINS], den[MAX_BINS];
  for (int b = 0; b < ax->n; b++) num[b] = (double)h->num[b], den[b] = (double)h->den[b];
  const double under[2] = {(double)h->under_num, (double)h->under_den};
  const double over[2] = {(double)h->over_num, (double)h->over_den};
  cJSON *o = cJSON_AddObjectToObject(root, key);
  return o && add_binning(o, ax) && add_array(o, "numerator", num, ax->n) &&
         add_array(o, "denominator", den, ax->n) && add_array(o, "underflow", under, 2) &&
         add_array(o, "overflow", over, 2);
}

/* Entries, mean and width per reconstructed-track bin and axis; the overflow bin apart. */
static int add_res_hist(cJSON *root, const kst_pv_checker *c) {
  static const axis ax = {"reconstructed PV tracks", "", 0.0, RES_NT_WIDTH * RES_NT_BINS, RES_NT_BINS};
  double n[RES_NT_BINS + 1], mean[KST_PV_AXES][RES_NT_BINS + 1], sigma[KST_PV_AXES][RES_NT_BINS + 1];
  for (uint32_t b = 0; b <= RES_NT_BINS; b++) {
    n[b] = (double)c->res_nt[b][0].n;
    for (int a = 0; a < KST_PV_AXES; a++) moments_get(&c->res_nt[b][a], 1000.0, &mean[a][b], &sigma[a][b]);
  }
  cJSON *o = cJSON_AddObjectToObject(root, "resolution_vs_ntracks");
  cJSON *m = o ? cJSON_AddObjectToObject(o, "mean_um") : NULL, *sg = m ? cJSON_AddObjectToObject(o, "sigma_um") : NULL;
  cJSON *ov = sg ? cJSON_AddObjectToObject(o, "overflow") : NULL;
  int ok = ov && add_binning(o, &ax) && add_array(o, "entries", n, RES_NT_BINS) &&
           cJSON_AddNumberToObject(ov, "entries", n[RES_NT_BINS]);
  double ov_mean[KST_PV_AXES], ov_sigma[KST_PV_AXES];
  for (int a = 0; ok && a < KST_PV_AXES; a++) {
    ok = add_array(m, axis_names[a], mean[a], RES_NT_BINS) && add_array(sg, axis_names[a], sigma[a], RES_NT_BINS);
    ov_mean[a] = mean[a][RES_NT_BINS], ov_sigma[a] = sigma[a][RES_NT_BINS];
  }
  return ok && add_xyz(ov, "mean_um", ov_mean) && add_xyz(ov, "sigma_um", ov_sigma);
}

/* The whole report as one JSON tree; NULL when out of memory. */
static cJSON *report_json(const kst_pv_checker *c) {
  kst_pv_stats s;
  kst_pv_checker_stats(c, &s);
  const char *keys[] = {"events", "mc_vertices", "reco_vertices", "reconstructible", "found", "isolated",
                        "found_isolated", "close", "found_close", "false_pvs", "false_real", "clones", "unusable"};
  const uint64_t counts[] = {s.events, s.mc_vertices, s.reco_vertices, s.reconstructible, s.found,
                             s.isolated, s.found_isolated, s.close, s.found_close, s.false_pvs,
                             s.false_real, s.clones, s.unusable};
  const char *rkeys[] = {"efficiency", "efficiency_isolated", "efficiency_close", "false_rate",
                         "false_real_rate", "clone_rate"};
  const double rates[] = {s.efficiency, s.efficiency_isolated, s.efficiency_close, s.false_rate,
                          s.false_real_rate, s.clone_rate};
  cJSON *root = cJSON_CreateObject();
  cJSON *def = root ? cJSON_AddObjectToObject(root, "definitions") : NULL;
  int ok = def && cJSON_AddStringToObject(root, "checker", "pv") &&
           cJSON_AddStringToObject(root, "rates", "fractions in [0, 1]") &&
           cJSON_AddNumberToObject(def, "min_tracks", s.min_tracks) &&
           cJSON_AddNumberToObject(def, "match_sigmas", KST_PV_MATCH_SIGMAS) &&
           cJSON_AddNumberToObject(def, "isolation_mm", KST_PV_ISOLATION_MM) &&
           cJSON_AddNumberToObject(def, "many_tracks", KST_PV_MANY_TRACKS);
  for (size_t k = 0; ok && k < sizeof counts / sizeof *counts; k++)
    ok = cJSON_AddNumberToObject(root, keys[k], (double)counts[k]) != NULL;
  for (size_t k = 0; ok && k < sizeof rates / sizeof *rates; k++)
    ok = cJSON_AddNumberToObject(root, rkeys[k], rates[k]) != NULL;
  cJSON *h = ok ? cJSON_AddObjectToObject(root, "histograms") : NULL;
  ok = h && add_resolution(root, "resolution", &s.resolution) &&
       add_resolution(root, "resolution_many_tracks", &s.resolution_many) && add_pulls(root, &s.pulls) &&
       add_hist(h, "efficiency_vs_z", &c->eff_z, &eff_z_axis) &&
       add_hist(h, "efficiency_vs_ntracks", &c->eff_nt, &eff_nt_axis) && add_res_hist(h, c);
  return ok ? root : (cJSON_Delete(root), NULL);
}

kst_status kst_pv_checker_write_json(const kst_pv_checker *c, const char *path, const kst_report_files *files) {
  if (!c || !path) return kst_error(KST_ERR_INVALID, "PV checker JSON: NULL checker or path");
  return kst_json_write_file(report_json(c), path, "PV checker JSON", files);
}

kst_status kst_pv_checker_plot(const char *json_path, const char *dir) {
  return kst_checker_plot_script("pv_plots.py", json_path, dir);
}
