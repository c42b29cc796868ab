/* The vertex checker: IP residuals of prompt particles' long tracks in bins of 1/pT, and the vertices of signal
   decays' daughter pairs: found or not, residuals and pulls against the MC decay vertex. */
#include "checker/vertex_checker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PROMPT_DISTANCE 0.001 /* mm: a particle whose origin is this close to an MC primary vertex comes from it */
#define HIST_BINS 40
#define HIST_RANGE 200.0      /* um: the residual histograms of the report span +- this */

/* A growable list of floats. */
typedef struct samples {
  float *v;
  uint64_t n, cap;
} samples;

static kst_status push(samples *s, float x) {
  if (s->n == s->cap) {
    const uint64_t cap = s->cap ? 2 * s->cap : 256;
    float *v = realloc(s->v, cap * sizeof *v);
    if (!v) return kst_error(KST_ERR_NOMEM, "vertex checker: out of memory");
    s->v = v, s->cap = cap;
  }
  s->v[s->n++] = x;
  return kst_ok();
}

static kst_status append(samples *into, const samples *from) {
  for (uint64_t i = 0; i < from->n; ++i) KST_TRY(push(into, from->v[i]));
  return kst_ok();
}

/* IP residuals (um) per 1/pT bin: fitted x, y, then VELO-only x, y. */
enum { IP_FX, IP_FY, IP_VX, IP_VY, IP_KINDS };

struct kst_vertex_checker {
  samples ip[KST_IP_BINS][IP_KINDS];
  samples ip_pull[2];           /* fitted x and y IP over their errors, every 1/pT */
  uint64_t pairs, both_found, vertex_found;
  samples residual[3], pull[3]; /* x, y, z */
};

kst_vertex_checker *kst_vertex_checker_new(void) { return calloc(1, sizeof(kst_vertex_checker)); }

void kst_vertex_checker_free(kst_vertex_checker *c) {
  if (!c) return;
  for (int b = 0; b < KST_IP_BINS; ++b)
    for (int k = 0; k < IP_KINDS; ++k) free(c->ip[b][k].v);
  for (int k = 0; k < 3; ++k) free(c->residual[k].v), free(c->pull[k].v);
  free(c->ip_pull[0].v), free(c->ip_pull[1].v);
  free(c);
}

/* Whether particle q comes out of an MC primary vertex. */
static int prompt(const kst_mc_event *mc, const kst_mc_particle *q) {
  for (uint32_t v = 0; v < mc->n_vertices; ++v) {
    const kst_mc_vertex *pv = &mc->vertices[v];
    if (fabs(pv->x - q->ovx) < PROMPT_DISTANCE && fabs(pv->y - q->ovy) < PROMPT_DISTANCE &&
        fabs(pv->z - q->ovz) < PROMPT_DISTANCE)
      return 1;
  }
  return 0;
}

static int ip_bin(float pt) {
  const double inv = 1000.0 / pt;
  const int b = (int)(inv * 4.0);
  return b < KST_IP_BINS - 1 ? b : KST_IP_BINS - 1;
}

/* The decay's daughters that count: charged long particles in 2 < eta < 5 whose mother is a fromSignal particle. */
static int signal_daughter(const kst_mc_event *mc, const kst_mc_particle *q) {
  if (q->mother_key < 0 || !q->from_signal || q->charge == 0.0f || !q->is_long || !(q->eta > 2.0f && q->eta < 5.0f))
    return 0;
  for (uint32_t p = 0; p < mc->n_particles; ++p)
    if ((int32_t)mc->particles[p].key == q->mother_key) return mc->particles[p].from_signal;
  return 0;
}

kst_status kst_vertex_checker_add_event(kst_vertex_checker *c, const kst_mc_event *mc, const kst_checked_track *tracks,
                                        uint32_t n_tracks, const kst_checked_sv *svs, uint32_t n_svs) {
  int32_t *track_of = malloc((mc->n_particles + 1) * sizeof *track_of);
  if (!track_of) return kst_error(KST_ERR_NOMEM, "vertex checker: out of memory");
  for (uint32_t p = 0; p < mc->n_particles; ++p) track_of[p] = -1;
  kst_status st = kst_ok();
  for (uint32_t t = 0; t < n_tracks && !st.code; ++t) {
    const kst_checked_track *k = &tracks[t];
    if (k->particle < 0 || (uint32_t)k->particle >= mc->n_particles) continue;
    const kst_mc_particle *q = &mc->particles[k->particle];
    if (track_of[k->particle] < 0) track_of[k->particle] = (int32_t)t; /* the first track of a particle (clones aside) */
    if (!prompt(mc, q) || !(k->pt > 0.0f)) continue;
    const int b = ip_bin(k->pt);
    const kst_vertex_state *s[2] = {&k->fitted, &k->velo};
    for (int i = 0; i < 2 && !st.code; ++i) {
      const float dz = q->ovz - s[i]->z;
      st = push(&c->ip[b][2 * i], 1000.0f * (s[i]->x + s[i]->tx * dz - q->ovx));
      if (!st.code) st = push(&c->ip[b][2 * i + 1], 1000.0f * (s[i]->y + s[i]->ty * dz - q->ovy));
    }
    /* the state sits at the track's closest approach to the beam line, next to its vertex: its errors hold there */
    const float dz = q->ovz - k->fitted.z;
    if (!st.code && k->fitted.var_x > 0.0f && k->fitted.var_y > 0.0f) {
      st = push(&c->ip_pull[0], (k->fitted.x + k->fitted.tx * dz - q->ovx) / sqrtf(k->fitted.var_x));
      if (!st.code) st = push(&c->ip_pull[1], (k->fitted.y + k->fitted.ty * dz - q->ovy) / sqrtf(k->fitted.var_y));
    }
  }
  /* pairs of signal daughters of one mother, in particle order */
  for (uint32_t i = 0; i < mc->n_particles && !st.code; ++i) {
    const kst_mc_particle *qi = &mc->particles[i];
    if (!signal_daughter(mc, qi)) continue;
    for (uint32_t j = i + 1; j < mc->n_particles && !st.code; ++j) {
      const kst_mc_particle *qj = &mc->particles[j];
      if (qj->mother_key != qi->mother_key || !signal_daughter(mc, qj)) continue;
      c->pairs++;
      if (track_of[i] < 0 || track_of[j] < 0) continue;
      c->both_found++;
      const uint32_t a = (uint32_t)track_of[i], b = (uint32_t)track_of[j];
      for (uint32_t v = 0; v < n_svs; ++v) {
        const kst_checked_sv *sv = &svs[v];
        if (!((sv->a == a && sv->b == b) || (sv->a == b && sv->b == a))) continue;
        c->vertex_found++;
        /* the daughters' common origin is the decay vertex */
        const double r[3] = {sv->x - qi->ovx, sv->y - qi->ovy, sv->z - qi->ovz};
        const double var[3] = {sv->cov[0], sv->cov[2], sv->cov[5]};
        for (int k = 0; k < 3 && !st.code; ++k) {
          st = push(&c->residual[k], (float)(1000.0 * r[k]));
          if (!st.code && var[k] > 0.0) st = push(&c->pull[k], (float)(r[k] / sqrt(var[k])));
        }
        break;
      }
    }
  }
  free(track_of);
  return st;
}

kst_status kst_vertex_checker_merge(kst_vertex_checker *into, const kst_vertex_checker *from) {
  for (int b = 0; b < KST_IP_BINS; ++b)
    for (int k = 0; k < IP_KINDS; ++k) KST_TRY(append(&into->ip[b][k], &from->ip[b][k]));
  for (int k = 0; k < 2; ++k) KST_TRY(append(&into->ip_pull[k], &from->ip_pull[k]));
  for (int k = 0; k < 3; ++k) {
    KST_TRY(append(&into->residual[k], &from->residual[k]));
    KST_TRY(append(&into->pull[k], &from->pull[k]));
  }
  into->pairs += from->pairs, into->both_found += from->both_found, into->vertex_found += from->vertex_found;
  return kst_ok();
}

static int by_value(const void *x, const void *y) {
  const float a = *(const float *)x, b = *(const float *)y;
  return (a > b) - (a < b);
}

/* The median and the 68% half-width of s (0 for an empty one), from a sorted copy. */
static void spread(const samples *s, double *median, double *half_width) {
  *median = *half_width = 0.0;
  if (!s->n) return;
  float *v = malloc(s->n * sizeof *v);
  if (!v) return;
  memcpy(v, s->v, s->n * sizeof *v);
  qsort(v, s->n, sizeof *v, by_value);
  const uint64_t n = s->n;
#define Q(q) ((double)v[(uint64_t)((q) * (double)(n - 1) + 0.5)])
  *median = Q(0.5);
  *half_width = 0.5 * (Q(0.84) - Q(0.16));
#undef Q
  free(v);
}

kst_status kst_vertex_checker_ip_bin(const kst_vertex_checker *c, int k, kst_ip_bin *out) {
  if (k < 0 || k >= KST_IP_BINS) return kst_error(KST_ERR_INVALID, "no IP bin %d", k);
  memset(out, 0, sizeof *out);
  out->inv_pt_low = 0.25 * k, out->inv_pt_high = k == KST_IP_BINS - 1 ? -1.0 : 0.25 * (k + 1);
  out->tracks = c->ip[k][IP_FX].n;
  double m;
  spread(&c->ip[k][IP_FX], &m, &out->fitted_x);
  spread(&c->ip[k][IP_FY], &m, &out->fitted_y);
  spread(&c->ip[k][IP_VX], &m, &out->velo_x);
  spread(&c->ip[k][IP_VY], &m, &out->velo_y);
  return kst_ok();
}

void kst_vertex_checker_ip_fit(const kst_vertex_checker *c, int fitted, int axis, double *a, double *b) {
  /* least squares of sigma against the bin's mean 1/pT, each bin weighted by its tracks; the open last bin is left
     out (its 1/pT has no centre) */
  double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int k = 0; k < KST_IP_BINS - 1; ++k) {
    kst_ip_bin bin;
    kst_vertex_checker_ip_bin(c, k, &bin);
    if (bin.tracks < 10) continue;
    const double x = 0.125 + 0.25 * k, y = fitted ? (axis ? bin.fitted_y : bin.fitted_x) : (axis ? bin.velo_y : bin.velo_x);
    const double w = (double)bin.tracks;
    sw += w, sx += w * x, sy += w * y, sxx += w * x * x, sxy += w * x * y;
  }
  const double den = sw * sxx - sx * sx;
  *b = den > 0 ? (sw * sxy - sx * sy) / den : 0.0;
  *a = sw > 0 ? (sy - *b * sx) / sw : 0.0;
}

void kst_vertex_checker_ip_pulls(const kst_vertex_checker *c, double *width_x, double *width_y) {
  double m;
  spread(&c->ip_pull[0], &m, width_x);
  spread(&c->ip_pull[1], &m, width_y);
}

void kst_vertex_checker_sv(const kst_vertex_checker *c, kst_sv_stats *out) {
  memset(out, 0, sizeof *out);
  out->pairs = c->pairs, out->both_found = c->both_found, out->vertex_found = c->vertex_found;
  for (int k = 0; k < 3; ++k) {
    double m;
    spread(&c->residual[k], &out->mean[k], &out->resolution[k]);
    spread(&c->pull[k], &m, &out->pull_width[k]);
  }
}

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

void kst_vertex_checker_print(const kst_vertex_checker *c, FILE *out) {
  fprintf(out, "IP resolution of long tracks from a primary vertex (68%% half-width, um; fitted: the long-track fit, "
               "VELO: the VELO fit):\n");
  fprintf(out, "  %-12s %8s %9s %9s %9s %9s\n", "1/pT (1/GeV)", "tracks", "fitted x", "fitted y", "VELO x", "VELO y");
  for (int k = 0; k < KST_IP_BINS; ++k) {
    kst_ip_bin b;
    kst_vertex_checker_ip_bin(c, k, &b);
    if (!b.tracks) continue;
    char range[32];
    if (b.inv_pt_high < 0) snprintf(range, sizeof range, "> %.2f", b.inv_pt_low);
    else snprintf(range, sizeof range, "%.2f-%.2f", b.inv_pt_low, b.inv_pt_high);
    fprintf(out, "  %-12s %8llu %9.1f %9.1f %9.1f %9.1f\n", range, (unsigned long long)b.tracks, b.fitted_x,
            b.fitted_y, b.velo_x, b.velo_y);
  }
  double a[4], s[4];
  for (int k = 0; k < 4; ++k) kst_vertex_checker_ip_fit(c, k < 2, k & 1, &a[k], &s[k]);
  fprintf(out, "  sigma = a + b/pT (um, um GeV): fitted x %.1f + %.1f/pT, y %.1f + %.1f/pT; VELO x %.1f + %.1f/pT, "
               "y %.1f + %.1f/pT\n", a[0], s[0], a[1], s[1], a[2], s[2], a[3], s[3]);
  double px, py;
  kst_vertex_checker_ip_pulls(c, &px, &py);
  fprintf(out, "  IP pulls of the fitted states (68%% half-width): x %.2f  y %.2f\n", px, py);
  kst_sv_stats v;
  kst_vertex_checker_sv(c, &v);
  if (!v.pairs) return;
  fprintf(out, "signal two-track vertices (pairs of long charged daughters, 2 < eta < 5, of one fromSignal particle):\n");
  fprintf(out, "  pairs %llu, both daughters found as long tracks %llu (%.2f%%), vertex found %llu (%.2f%% of those, "
               "%.2f%% of all)\n", (unsigned long long)v.pairs, (unsigned long long)v.both_found,
          100.0 * ratio(v.both_found, v.pairs), (unsigned long long)v.vertex_found,
          100.0 * ratio(v.vertex_found, v.both_found), 100.0 * ratio(v.vertex_found, v.pairs));
  fprintf(out, "  resolution (68%% half-width, um): x %.1f  y %.1f  z %.1f; median x %.1f  y %.1f  z %.1f\n",
          v.resolution[0], v.resolution[1], v.resolution[2], v.mean[0], v.mean[1], v.mean[2]);
  fprintf(out, "  pulls (68%% half-width): x %.2f  y %.2f  z %.2f\n", v.pull_width[0], v.pull_width[1], v.pull_width[2]);
}

/* A histogram of s over [-range, range) into o.name. */
static void add_hist(cJSON *o, const char *name, const samples *s, double range) {
  cJSON *h = cJSON_AddObjectToObject(o, name), *counts = h ? cJSON_AddArrayToObject(h, "counts") : NULL;
  if (!counts) return;
  cJSON_AddNumberToObject(h, "low", -range);
  cJSON_AddNumberToObject(h, "high", range);
  uint64_t bins[HIST_BINS] = {0};
  for (uint64_t i = 0; i < s->n; ++i) {
    const double x = (s->v[i] + range) / (2 * range) * HIST_BINS;
    if (x >= 0 && x < HIST_BINS) bins[(int)x]++;
  }
  for (int b = 0; b < HIST_BINS; ++b) cJSON_AddItemToArray(counts, cJSON_CreateNumber((double)bins[b]));
}

kst_status kst_vertex_checker_write_json(const kst_vertex_checker *c, const char *path, const kst_report_files *files) {
  cJSON *root = cJSON_CreateObject(), *ip = root ? cJSON_AddArrayToObject(root, "ip_resolution") : NULL;
  if (!root || !ip) {
    cJSON_Delete(root);
    return kst_error(KST_ERR_NOMEM, "vertex checker JSON: out of memory");
  }
  cJSON_AddStringToObject(root, "checker", "vertices");
  for (int k = 0; k < KST_IP_BINS; ++k) {
    kst_ip_bin b;
    kst_vertex_checker_ip_bin(c, k, &b);
    cJSON *o = cJSON_CreateObject();
    if (!o) break;
    cJSON_AddNumberToObject(o, "inv_pt_low", b.inv_pt_low);
    cJSON_AddNumberToObject(o, "inv_pt_high", b.inv_pt_high);
    cJSON_AddNumberToObject(o, "tracks", (double)b.tracks);
    cJSON_AddNumberToObject(o, "fitted_x_um", b.fitted_x);
    cJSON_AddNumberToObject(o, "fitted_y_um", b.fitted_y);
    cJSON_AddNumberToObject(o, "velo_x_um", b.velo_x);
    cJSON_AddNumberToObject(o, "velo_y_um", b.velo_y);
    cJSON_AddItemToArray(ip, o);
  }
  cJSON *fit = cJSON_AddObjectToObject(root, "ip_fit");
  const char *names[4] = {"fitted_x", "fitted_y", "velo_x", "velo_y"};
  for (int k = 0; fit && k < 4; ++k) {
    double a, b;
    kst_vertex_checker_ip_fit(c, k < 2, k & 1, &a, &b);
    cJSON *o = cJSON_AddObjectToObject(fit, names[k]);
    if (o) cJSON_AddNumberToObject(o, "a_um", a), cJSON_AddNumberToObject(o, "b_um_gev", b);
  }
  double px, py;
  kst_vertex_checker_ip_pulls(c, &px, &py);
  cJSON_AddNumberToObject(root, "ip_pull_width_x", px);
  cJSON_AddNumberToObject(root, "ip_pull_width_y", py);
  kst_sv_stats v;
  kst_vertex_checker_sv(c, &v);
  cJSON *sv = cJSON_AddObjectToObject(root, "signal_vertices");
  if (sv) {
    cJSON_AddNumberToObject(sv, "pairs", (double)v.pairs);
    cJSON_AddNumberToObject(sv, "both_found", (double)v.both_found);
    cJSON_AddNumberToObject(sv, "vertex_found", (double)v.vertex_found);
    cJSON_AddNumberToObject(sv, "efficiency_given_tracks", ratio(v.vertex_found, v.both_found));
    cJSON_AddNumberToObject(sv, "efficiency", ratio(v.vertex_found, v.pairs));
    const char *axis[3] = {"x", "y", "z"};
    char key[32];
    for (int k = 0; k < 3; ++k) {
      snprintf(key, sizeof key, "resolution_%s_um", axis[k]);
      cJSON_AddNumberToObject(sv, key, v.resolution[k]);
      snprintf(key, sizeof key, "median_%s_um", axis[k]);
      cJSON_AddNumberToObject(sv, key, v.mean[k]);
      snprintf(key, sizeof key, "pull_width_%s", axis[k]);
      cJSON_AddNumberToObject(sv, key, v.pull_width[k]);
      snprintf(key, sizeof key, "residual_%s", axis[k]);
      add_hist(sv, key, &c->residual[k], k == 2 ? 5 * HIST_RANGE : HIST_RANGE);
      snprintf(key, sizeof key, "pull_%s", axis[k]);
      add_hist(sv, key, &c->pull[k], 5.0);
    }
  }
  return kst_json_write_file(root, path, "vertex checker JSON", files);
}
