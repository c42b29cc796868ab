/* Writing a JSON report to a file, shared by the checkers and kestrel bench. */
#ifndef KST_JSON_FILE_H
#define KST_JSON_FILE_H

#include <cjson/cJSON.h>

#include "kst_status.h"

/* Named files a report was made from (the run's conditions), written into it as "conditions": {name: file}. */
typedef struct kst_report_files {
  const char *const *names, *const *files;
  unsigned n;
} kst_report_files;

/* Prints root (which this call deletes) to path, with "conditions" from files when not NULL; what names the report
   in messages. */
kst_status kst_json_write_file(cJSON *root, const char *path, const char *what, const kst_report_files *files);

#endif
