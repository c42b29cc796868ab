/* Condition types: the kinds of detector data a run can load (geometry, later field maps and network weights), each
   with its loader; host/runtime/conditions.h loads and uploads them. */
#ifndef KST_CONDITION_TYPES_H
#define KST_CONDITION_TYPES_H

#include <stddef.h>

#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most conditions a run loads. */
#define KST_MAX_CONDITIONS 8

/* A kind of condition: its loader turns a file into a host struct of host_size bytes, which is uploaded as it is;
   kernels receive a pointer to the same struct type in device memory (the typed view). */
typedef struct kst_condition_type {
  const char *name;
  const char *description;
  const char *default_file;  /* shipped default, relative to the source tree, or NULL */
  const char *beside_input;  /* a file of this name in the first input file's folder wins over the default */
  size_t host_size;
  kst_status (*load)(void *host, const char *path);
} kst_condition_type;

/* Every condition type, NULL-terminated. */
extern const kst_condition_type *const kst_condition_types[];
/* The condition type called name, or NULL. */
const kst_condition_type *kst_condition_type_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif
