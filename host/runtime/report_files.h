/* Where an accumulator's JSON report goes and what it names: beside the run's report, with the run's files. */
#ifndef KST_REPORT_FILES_H
#define KST_REPORT_FILES_H

#include <stdio.h>

#include "checker/json_file.h"
#include "device/common/kst_algorithm.h"

/* Writes opt's report path followed by suffix ("" for the report itself, ".pv.json" beside it) into path, and
   returns the conditions and input accounting the report names. */
static inline kst_report_files kst_report_beside(const kst_report_options *opt, const char *suffix, char *path,
                                                 size_t size) {
  snprintf(path, size, "%s%s", opt->json_path, suffix);
  return (kst_report_files){opt->condition_names, opt->condition_files, opt->n_conditions, opt->input_json};
}

#endif
