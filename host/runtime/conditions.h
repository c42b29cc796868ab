/* Conditions: named detector data (geometry, later field maps and network weights) that algorithms declare; each
   is loaded once per run from a file, uploaded once, and shared read-only by every worker. */
#ifndef KST_CONDITIONS_H
#define KST_CONDITIONS_H

#include <stddef.h>
#include <stdio.h>

#include "configuration/condition_types.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_CONDITION_PATH 512

/* Where a condition's file came from, in the order the run looks. */
typedef enum kst_condition_origin {
  KST_CONDITION_COMMAND_LINE, /* --condition NAME=FILE (or --geometry) */
  KST_CONDITION_SEQUENCE,     /* the sequence's "conditions" */
  KST_CONDITION_DETECTOR_DIR, /* --detector DIR: the file beside_input names, looked up in DIR */
  KST_CONDITION_BESIDE_INPUT, /* beside_input in the first input file's folder */
  KST_CONDITION_DEFAULT       /* the shipped default */
} kst_condition_origin;

/* One loaded condition. */
typedef struct kst_condition {
  const kst_condition_type *type;
  char path[KST_CONDITION_PATH];
  kst_condition_origin origin;
  void *host;         /* host copy, for host algorithms and checkers */
  const void *device; /* device copy, read-only for kernels */
} kst_condition;

/* The conditions of a run: those its sequence's algorithms declare. */
struct kst_conditions {
  kst_condition items[KST_MAX_CONDITIONS];
  unsigned n;
};
typedef struct kst_conditions kst_conditions;

/* Human words for an origin ("command line", ...). */
const char *kst_condition_origin_name(kst_condition_origin origin);

/* Where a condition's file is: `given` when not NULL (a --condition or the sequence's entry, with its origin),
   else a file called type->beside_input beside first_input when there is one, else the shipped default. */
kst_status kst_condition_resolve(const kst_condition_type *type, const char *given, kst_condition_origin given_origin,
                                 const char *first_input, char *path, size_t path_size, kst_condition_origin *origin);
/* Finds the file of condition `name` among "NAME=FILE" overrides; NULL when none names it. KST_ERR_CONFIG for an
   override that is not NAME=FILE or names no condition type. */
kst_status kst_condition_override(const char *const *overrides, unsigned n, const char *name, const char **file);
struct kst_sequence;
struct kst_run_options;
/* Finds the file of every condition the sequence's algorithms declare (see kst_condition_resolve), loading nothing:
   what a run will use, for its header. */
kst_status kst_conditions_resolve(kst_conditions *c, const struct kst_sequence *seq, const struct kst_run_options *opt,
                                  const char *first_input);
/* Prints a line per condition: its name, file and where that came from. */
void kst_conditions_print(const kst_conditions *c, FILE *out);
/* Resolves, loads and uploads the conditions the sequence's algorithms declare. */
kst_status kst_conditions_load(kst_conditions *c, const struct kst_sequence *seq, const struct kst_run_options *opt,
                               const char *first_input);
/* The loaded condition called name, or NULL. */
const kst_condition *kst_conditions_find(const kst_conditions *c, const char *name);
/* Frees host and device copies. */
void kst_conditions_free(kst_conditions *c);

#ifdef __cplusplus
}
#endif
#endif
