/* The quantities of a whole event an event-level network can name (docs/networks.md): multiplicities and the hardest
   candidates' quantities, one catalog for the device and the host's training files. */
#ifndef KST_EVENT_FEATURES_H
#define KST_EVENT_FEATURES_H

#include "device/common/kst_math.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_tracks.h"
#include "kst_dialect.h"

#include <math.h>

/* What one event's features are computed from (its slices of the batch's buffers). */
typedef struct kst_event_inputs {
  const kst_long_track *tracks;     /* the event's VELO track slots */
  const kst_velo_state *states;     /* their fitted states */
  const kst_track_pv *track_pv;     /* their IPs to their best PVs */
  uint32_t n_velo, n_pvs, n_svs;
  const kst_sv *svs;                /* the event's vertices */
} kst_event_inputs;

/* X(code, name): the catalog; kst_event_features computes them all at once. */
#define KST_EVENT_FEATURES(X)                                  \
  X(KST_EVF_N_VELO, "n_velo")                                  \
  X(KST_EVF_N_LONG, "n_long")                                  \
  X(KST_EVF_N_PVS, "n_pvs")                                    \
  X(KST_EVF_N_SVS, "n_svs")                                    \
  X(KST_EVF_N_DISPLACED, "n_displaced")                        \
  X(KST_EVF_LOG_SUM_PT, "log_sum_pt")                          \
  X(KST_EVF_LOG_MAX_PT, "log_max_pt")                          \
  X(KST_EVF_LOG_MAX_IP_CHI2, "log_max_ip_chi2")                \
  X(KST_EVF_LOG_MAX_FD_CHI2, "log_max_fd_chi2")                \
  X(KST_EVF_LOG_MAX_MCOR, "log_max_mcor")

#define KST__EVF_CODE(code, name) code,
typedef enum kst_event_feature_id { KST_EVENT_FEATURES(KST__EVF_CODE) KST_EVF_COUNT } kst_event_feature_id;

/* Every feature of one event into f[KST_EVF_COUNT], in one pass in slot order (the same sums on every backend).
   Displaced: long tracks with an IP chi2 above 16 to their best PV. */
KST_HOST_DEVICE void kst_event_features(const kst_event_inputs *in, float *f) {
  uint32_t n_long = 0, displaced = 0;
  float sum_pt = 0.0f, max_pt = 0.0f, max_ipc = 0.0f, max_fd = 0.0f, max_mcor = 0.0f;
  for (uint32_t t = 0; t < in->n_velo; ++t) {
    if (!in->tracks[t].n_hits) continue;
    const kst_velo_state *s = &in->states[t];
    const float t2 = s->tx * s->tx + s->ty * s->ty;
    const float pt = sqrtf(t2 / (1.0f + t2)) / fmaxf(fabsf(in->tracks[t].qop), 1e-12f);
    const float ipc = in->track_pv[t].pv == KST_NO_PV ? 0.0f : in->track_pv[t].ip_chi2;
    ++n_long;
    displaced += ipc > 16.0f;
    sum_pt += pt;
    max_pt = fmaxf(max_pt, pt);
    max_ipc = fmaxf(max_ipc, ipc);
  }
  for (uint32_t v = 0; v < in->n_svs; ++v) max_fd = fmaxf(max_fd, in->svs[v].fd_chi2), max_mcor = fmaxf(max_mcor, in->svs[v].mcor);
  f[KST_EVF_N_VELO] = (float)in->n_velo;
  f[KST_EVF_N_LONG] = (float)n_long;
  f[KST_EVF_N_PVS] = (float)in->n_pvs;
  f[KST_EVF_N_SVS] = (float)in->n_svs;
  f[KST_EVF_N_DISPLACED] = (float)displaced;
  f[KST_EVF_LOG_SUM_PT] = kst_logf(1.0f + sum_pt);
  f[KST_EVF_LOG_MAX_PT] = kst_logf(1.0f + max_pt);
  f[KST_EVF_LOG_MAX_IP_CHI2] = kst_logf(1.0f + max_ipc);
  f[KST_EVF_LOG_MAX_FD_CHI2] = kst_logf(1.0f + max_fd);
  f[KST_EVF_LOG_MAX_MCOR] = kst_logf(1.0f + max_mcor);
}

#ifdef __cplusplus
extern "C" {
#endif
/* The name of feature code (NULL past the catalog). */
const char *kst_event_feature_name(uint32_t code);
#ifdef __cplusplus
}
#endif
#endif
