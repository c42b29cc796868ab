/* The quantities of a two-track vertex a network or a training file can name (docs/networks.md): one catalog for the
   device's networks and the host's training files, so a network sees what it was trained on. */
#ifndef KST_SV_FEATURES_H
#define KST_SV_FEATURES_H

#include "device/common/kst_math.h"
#include "device/event_model/secondary_vertices.h"
#include "kst_dialect.h"

#include <math.h>

/* X(code, name, value of kst_sv v) */
#define KST_SV_FEATURES(X)                                                              \
  X(KST_SVF_LOG_FD_CHI2, "log_fd_chi2", kst_logf(fmaxf(v->fd_chi2, 1e-6f)))            \
  X(KST_SVF_SUM_PT, "sum_pt", v->sum_pt)                                              \
  X(KST_SVF_CHI2, "chi2", v->chi2)                                                    \
  X(KST_SVF_LOG_MIN_IP_CHI2, "log_min_ip_chi2", kst_logf(fmaxf(v->min_ip_chi2, 1e-6f))) \
  X(KST_SVF_PT, "pt", v->pt)                                                          \
  X(KST_SVF_MCOR, "mcor", v->mcor)                                                    \
  X(KST_SVF_ETA, "eta", v->eta)                                                       \
  X(KST_SVF_DOCA, "doca", v->doca)                                                    \
  X(KST_SVF_DIRA, "dira", v->dira)                                                    \
  X(KST_SVF_LOG_FD, "log_fd", kst_logf(fmaxf(v->fd, 1e-6f)))                         \
  X(KST_SVF_MIN_TRACK_PT, "min_track_pt", fminf(sqrtf(v->pa[0] * v->pa[0] + v->pa[1] * v->pa[1]),  \
                                                sqrtf(v->pb[0] * v->pb[0] + v->pb[1] * v->pb[1])))   \
  X(KST_SVF_MASS, "mass", v->mass)                                                    \
  X(KST_SVF_LOG_SUM_PT, "log_sum_pt", kst_logf(fmaxf(v->sum_pt, 1e-6f)))             \
  X(KST_SVF_LOG_MCOR, "log_mcor", kst_logf(fmaxf(v->mcor, 1e-6f)))                   \
  X(KST_SVF_LOG_MIN_TRACK_PT, "log_min_track_pt",                                   \
    kst_logf(fmaxf(fminf(sqrtf(v->pa[0] * v->pa[0] + v->pa[1] * v->pa[1]),           \
                         sqrtf(v->pb[0] * v->pb[0] + v->pb[1] * v->pb[1])), 1e-6f)))

#define KST__SVF_CODE(code, name, value) code,
typedef enum kst_sv_feature_id { KST_SV_FEATURES(KST__SVF_CODE) KST_SVF_COUNT } kst_sv_feature_id;

/* Feature `code` of vertex v (0 for an unknown code). */
KST_HOST_DEVICE float kst_sv_feature(const kst_sv *v, uint32_t code) {
#define KST__SVF_CASE(c, name, value) \
  case c: return value;
  switch (code) { KST_SV_FEATURES(KST__SVF_CASE) default: return 0.0f; }
#undef KST__SVF_CASE
}

#ifdef __cplusplus
extern "C" {
#endif
/* The name of feature code (NULL past the catalog). */
const char *kst_sv_feature_name(uint32_t code);
#ifdef __cplusplus
}
#endif
#endif
