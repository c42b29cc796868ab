/* The names of the long-track features. */
#include "device/fit/track_features.h"

#define KST__TRF_NAME(code, name, value) name,
static const char *const names[] = {KST_TRACK_FEATURES(KST__TRF_NAME)};

const char *kst_track_feature_name(uint32_t code) { return code < KST_TRF_COUNT ? names[code] : NULL; }
