/* Writing a JSON report to a file, shared by the checkers and kestrel bench. */
#ifndef KST_JSON_FILE_H
#define KST_JSON_FILE_H

#include <cjson/cJSON.h>

#include "kst_status.h"

/* Prints root (which this call deletes) to path; what names the report in messages. */
kst_status kst_json_write_file(cJSON *root, const char *path, const char *what);

#endif
