/* Writing a JSON report to a file, shared by the checkers and kestrel bench. */
#ifndef KST_JSON_FILE_H
#define KST_JSON_FILE_H

#include <cjson/cJSON.h>

#include "kst_status.h"

/* What a report was made from: the run's condition files, written into it as "conditions": {name: file}, and its
   input accounting as JSON text (an object, or NULL), written as "input". */
typedef struct kst_report_files {
  const char *const *names, *const *files;
  unsigned n;
  const char *input_json;
} kst_report_files;

/* Prints root (which this call deletes) to path, with "conditions" and "input" from files when not NULL; what names
   the report in messages. */
kst_status kst_json_write_file(cJSON *root, const char *path, const char *what, const kst_report_files *files);

#endif
