/* Conditions: detector data loaded once per run (the VELO geometry), with one device copy shared by all workers. */
#ifndef KST_CONDITIONS_H
#define KST_CONDITIONS_H

#include "configuration/geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kst_conditions {
  char geometry_path[256];
  kst_velo_geometry geometry;            /* host copy, for host algorithms and checkers */
  const kst_velo_geometry *dev_geometry; /* device copy, read-only for kernels */
};
typedef struct kst_conditions kst_conditions;

/* Loads the geometry (path NULL or "": the shipped ideal geometry) and uploads it to the device. */
kst_status kst_conditions_load(kst_conditions *c, const char *geometry_path);
/* Frees the device copies. */
void kst_conditions_free(kst_conditions *c);

#ifdef __cplusplus
}
#endif
#endif
