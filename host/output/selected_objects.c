/* Reading the selected-objects bank: every count and index checked before it is used. */
#include "host/output/selected_objects.h"

#include <stdlib.h>
#include <string.h>

#include "device/event_model/selections.h"

static float as_float(uint32_t w) {
  float f;
  memcpy(&f, &w, sizeof f);
  return f;
}

void kst_selected_objects_free(kst_selected_objects *so) {
  free(so->tracks);
  free(so->vertices);
  free(so->lines);
  memset(so, 0, sizeof *so);
}

kst_status kst_selected_objects_parse(const uint32_t *w, size_t n, kst_selected_objects *so) {
  memset(so, 0, sizeof *so);
  if (n < 3) return kst_error(KST_ERR_FORMAT, "selected objects: %zu words, fewer than the 3 of the header", n);
  const uint32_t nt = w[0], nv = w[1], nl = w[2];
  /* every object takes at least one word: counts past the bank's length are corrupt, not big */
  if (nt > n || nv > n || nl > n)
    return kst_error(KST_ERR_FORMAT, "selected objects: header counts %u tracks, %u vertices, %u lines in %zu words", nt,
                     nv, nl, n);
  so->tracks = calloc(nt + 1, sizeof *so->tracks);
  so->vertices = calloc(nv + 1, sizeof *so->vertices);
  so->lines = calloc(nl + 1, sizeof *so->lines);
  if (!so->tracks || !so->vertices || !so->lines) {
    kst_selected_objects_free(so);
    return kst_error(KST_ERR_NOMEM, "selected objects: out of memory");
  }
  size_t at = 3;
  kst_status s = kst_ok();
  for (uint32_t t = 0; t < nt && !s.code; ++t) {
    kst_so_track *k = &so->tracks[t];
    if (at + KST_SO_TRACK_WORDS > n) {
      s = kst_error(KST_ERR_FORMAT, "selected objects: track %u at word %zu runs past the %zu words", t, at, n);
      break;
    }
    k->flags = w[at] & 0xFFu, k->n_velo = (w[at] >> 8) & 0xFFu, k->n_scifi = (w[at] >> 16) & 0xFFu;
    for (int i = 0; i < 6; ++i) k->state[i] = as_float(w[at + 1 + i]), k->cov[i] = as_float(w[at + 7 + i]);
    k->chi2 = as_float(w[at + 13]), k->ndof = w[at + 14];
    at += KST_SO_TRACK_WORDS;
    if (at + k->n_velo + k->n_scifi > n)
      s = kst_error(KST_ERR_FORMAT, "selected objects: track %u's %u ids run past the %zu words", t, k->n_velo + k->n_scifi, n);
    k->ids = &w[at];
    at += k->n_velo + k->n_scifi;
  }
  for (uint32_t v = 0; v < nv && !s.code; ++v) {
    if (at + KST_SO_VERTEX_WORDS > n) {
      s = kst_error(KST_ERR_FORMAT, "selected objects: vertex %u at word %zu runs past the %zu words", v, at, n);
      break;
    }
    kst_so_vertex *x = &so->vertices[v];
    float f[15];
    for (int i = 0; i < 15; ++i) f[i] = as_float(w[at + i]);
    x->x = f[0], x->y = f[1], x->z = f[2];
    memcpy(x->cov, &f[3], sizeof x->cov);
    x->chi2 = f[9], x->mass = f[10], x->pt = f[11], x->fd_chi2 = f[12], x->dira = f[13], x->mcor = f[14];
    x->a = w[at + 15], x->b = w[at + 16];
    if (x->a >= nt || x->b >= nt)
      s = kst_error(KST_ERR_FORMAT, "selected objects: vertex %u names tracks %u and %u of %u", v, x->a, x->b, nt);
    at += KST_SO_VERTEX_WORDS;
  }
  for (uint32_t l = 0; l < nl && !s.code; ++l) {
    if (at >= n) {
      s = kst_error(KST_ERR_FORMAT, "selected objects: line %u at word %zu runs past the %zu words", l, at, n);
      break;
    }
    kst_so_line *x = &so->lines[l];
    x->id = w[at] & 0xFFFFu, x->shape = (w[at] >> 16) & 0xFFu, x->n = w[at] >> 24;
    x->objects = &w[++at];
    const uint32_t limit = x->shape == KST_LINE_SHAPE_TWO_TRACK ? nv : x->shape == KST_LINE_SHAPE_EVENT ? 0u : nt;
    if (x->shape == KST_LINE_SHAPE_NONE || x->shape > KST_LINE_SHAPE_TWO_TRACK) {
      s = kst_error(KST_ERR_FORMAT, "selected objects: line %u (id %u) has shape %u, not 1-4", l, x->id, x->shape);
      break;
    }
    if (at + x->n > n) {
      s = kst_error(KST_ERR_FORMAT, "selected objects: line %u (id %u): its %u objects at word %zu run past the %zu words",
                    l, x->id, x->n, at, n);
      break;
    }
    for (uint32_t j = 0; j < x->n && !s.code; ++j)
      if (x->objects[j] >= limit)
        s = kst_error(KST_ERR_FORMAT, "selected objects: line %u (id %u) names object %u of %u", l, x->id, x->objects[j], limit);
    at += x->n;
  }
  if (!s.code && at != n) s = kst_error(KST_ERR_FORMAT, "selected objects: %zu words, of which %zu are read", n, at);
  so->n_tracks = nt, so->n_vertices = nv, so->n_lines = nl;
  if (s.code) kst_selected_objects_free(so);
  return s;
}
