/* The quantities of a long track a network or a training file can name (docs/networks.md): one catalog for the
   device's ghost network and the host's training files. */
#ifndef KST_TRACK_FEATURES_H
#define KST_TRACK_FEATURES_H

#include "device/common/kst_math.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/velo_tracks.h"
#include "kst_dialect.h"

#include <math.h>

/* X(code, name, value from long track l, its fitted state s and its VELO hit count nv) */
#define KST_TRACK_FEATURES(X)                                                                               \
  X(KST_TRF_CHI2NDOF, "chi2ndof", s->ndof ? s->chi2 / (float)s->ndof : 0.0f)                                 \
  X(KST_TRF_VELO_HITS, "velo_hits", (float)nv)                                                              \
  X(KST_TRF_SCIFI_HITS, "scifi_hits", (float)l->n_hits)                                                     \
  X(KST_TRF_X_LAYERS, "x_layers", (float)l->n_x_layers)                                                      \
  X(KST_TRF_QUALITY, "quality", l->quality)                                                                 \
  X(KST_TRF_LOG_RMS, "log_rms", kst_logf(fmaxf(l->rms, 1e-6f)))                                              \
  X(KST_TRF_LOG_P, "log_p", kst_logf(1.0f / fmaxf(fabsf(l->qop), 1e-12f)))                                  \
  X(KST_TRF_LOG_PT, "log_pt",                                                                                \
    kst_logf(sqrtf((s->tx * s->tx + s->ty * s->ty) / (1.0f + s->tx * s->tx + s->ty * s->ty)) /             \
             fmaxf(fabsf(l->qop), 1e-12f) + 1e-6f))                                                         \
  X(KST_TRF_ETA, "eta", kst_track_eta(s->tx, s->ty))

/* Pseudorapidity of a direction (tx, ty): -log tan(theta / 2) = asinh(1 / tan theta), written with kst_logf. */
KST_HOST_DEVICE float kst_track_eta(float tx, float ty) {
  const float t = sqrtf(tx * tx + ty * ty) + 1e-9f, c = 1.0f / t;
  return kst_logf(c + sqrtf(c * c + 1.0f));
}

#define KST__TRF_CODE(code, name, value) code,
typedef enum kst_track_feature_id { KST_TRACK_FEATURES(KST__TRF_CODE) KST_TRF_COUNT } kst_track_feature_id;

/* Feature `code` of long track l with fitted state s and nv VELO hits (0 for an unknown code). */
KST_HOST_DEVICE float kst_track_feature(const kst_long_track *l, const kst_velo_state *s, uint32_t nv, uint32_t code) {
#define KST__TRF_CASE(c, name, value) \
  case c: return value;
  switch (code) { KST_TRACK_FEATURES(KST__TRF_CASE) default: return 0.0f; }
#undef KST__TRF_CASE
}

#ifdef __cplusplus
extern "C" {
#endif
/* The name of feature code (NULL past the catalog). */
const char *kst_track_feature_name(uint32_t code);
#ifdef __cplusplus
}
#endif
#endif
