/* The names of the event features. */
#include "device/event/event_features.h"

#define KST__EVF_NAME(code, name) name,
static const char *const names[] = {KST_EVENT_FEATURES(KST__EVF_NAME)};

const char *kst_event_feature_name(uint32_t code) { return code < KST_EVF_COUNT ? names[code] : NULL; }
