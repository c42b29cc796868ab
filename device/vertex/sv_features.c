/* The names of the two-track vertex features. */
#include "device/vertex/sv_features.h"

#define KST__SVF_NAME(code, name, value) name,
static const char *const names[] = {KST_SV_FEATURES(KST__SVF_NAME)};

const char *kst_sv_feature_name(uint32_t code) { return code < KST_SVF_COUNT ? names[code] : NULL; }
