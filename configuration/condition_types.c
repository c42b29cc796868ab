/* The list of condition types; each type is defined beside its loader. */
#include "configuration/condition_types.h"

#include <string.h>

/* One line per condition type; kst_condition_<name> is defined in its loader's file. */
#define KST_CONDITION_LIST(X) \
  X(velo_geometry) X(ut_boards) X(ut_geometry) X(scifi_geometry) X(magnet_polarity) X(two_track_network) \
  X(ghost_network) X(anomaly_network)

#define KST__DECLARE(name) extern const kst_condition_type kst_condition_##name;
KST_CONDITION_LIST(KST__DECLARE)
#define KST__ENTRY(name) &kst_condition_##name,
const kst_condition_type *const kst_condition_types[] = {KST_CONDITION_LIST(KST__ENTRY) NULL};

const kst_condition_type *kst_condition_type_find(const char *name) {
  for (const kst_condition_type *const *t = kst_condition_types; *t; ++t)
    if (strcmp((*t)->name, name) == 0) return *t;
  return NULL;
}

