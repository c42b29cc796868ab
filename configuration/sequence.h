/* Sequences: loading and validating a JSON list of algorithm instances, and the data flow between them. */
#ifndef KST_SEQUENCE_H
#define KST_SEQUENCE_H

#include <stdint.h>

#include "device/common/kst_algorithm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_NAME_MAX 64

/* One algorithm instance of a sequence. */
typedef struct kst_instance {
  const kst_alg_desc *desc;
  char name[KST_NAME_MAX];
  uint8_t *props;          /* property values, back to back */
  uint32_t *prop_offset;   /* per property: byte offset into props */
  uint8_t *prop_set;       /* per property: 1 when the JSON set it */
  char **strings;          /* per property: owned string for string properties */
  uint32_t *buffer;        /* per parameter: index into kst_sequence.buffers */
} kst_instance;

/* A buffer: one output (or scratch) of one instance, with its lifetime in sequence steps. */
typedef struct kst_buffer_info {
  uint32_t producer, param;
  int on_device;
  uint32_t elem_size;
  uint32_t first;      /* reserved just before step `first` runs */
  uint32_t last;       /* released just after step `last`; n_instances means at the end of the batch */
  uint32_t n_consumers;
} kst_buffer_info;

/* A loaded, validated sequence. */
typedef struct kst_sequence {
  char path[256];
  kst_instance *inst;
  uint32_t n;
  kst_buffer_info *buffers;
  uint32_t n_buffers;
  uint8_t bank_types[8];  /* bank types the algorithms read, for the batch builder */
  uint32_t n_bank_types;
  /* The "conditions" object: a file per condition name, relative paths taken from the sequence file's folder. */
  char condition_names[8][64];
  char condition_files[8][512];
  uint32_t n_condition_files;
} kst_sequence;

/* Problems found while loading, errors and warnings, each a line naming the file and JSON path. */
typedef struct kst_problems {
  char **lines;
  uint32_t n, n_errors, n_warnings;
} kst_problems;

/* Loads and validates path; on any error returns KST_ERR_CONFIG, problems lists every one and seq holds nothing. */
kst_status kst_sequence_load(kst_sequence *seq, const char *path, kst_problems *problems);
/* As kst_sequence_load, from JSON text; name is used in messages. */
kst_status kst_sequence_parse(kst_sequence *seq, const char *json, const char *name, kst_problems *problems);
/* A sequence of one instance of `type` (properties_json: an object of overrides, or NULL) whose inputs are buffers of
   its own, for running one algorithm on given inputs (host/runtime/harness.h). */
kst_status kst_sequence_single(kst_sequence *seq, const char *type, const char *properties_json, kst_problems *pb);
/* Frees a sequence (safe on a zeroed one). */
void kst_sequence_free(kst_sequence *seq);
/* Frees the problem lines. */
void kst_problems_free(kst_problems *p);
/* The file the sequence names for condition `name`, or NULL. */
const char *kst_sequence_condition_file(const kst_sequence *seq, const char *name);
/* Index of the instance called name, or -1. */
int kst_sequence_find(const kst_sequence *seq, const char *name);
/* Parses JSON text for a property into out (desc->size bytes); msg gets the reason on failure. */
int kst_property_parse(const kst_prop_desc *desc, const char *json, void *out, char **owned_string, char *msg, size_t msg_size);
/* Writes a property value as JSON text. */
void kst_property_format(const kst_prop_desc *desc, const void *value, char *out, size_t size);
/* The candidate closest to name by edit distance, or NULL when none is close. */
const char *kst_closest_name(const char *name, const char *const *candidates, uint32_t n);

#ifdef __cplusplus
}
#endif
#endif
