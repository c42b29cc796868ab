/* The names of the two-track vertex features. */
#include "device/vertex/sv_features.h"

#include <string.h>

#define KST__SVF_NAME(code, name, value) name,
static const char *const names[] = {KST_SV_FEATURES(KST__SVF_NAME)};

const char *kst_sv_feature_name(uint32_t code) { return code < KST_SVF_COUNT ? names[code] : NULL; }

int kst_sv_feature_code(const char *name) {
  for (uint32_t k = 0; k < KST_SVF_COUNT; ++k)
    if (strcmp(names[k], name) == 0) return (int)k;
  return -1;
}
