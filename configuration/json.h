/* Parsing JSON text with errors that say where and why: the one entry to cJSON for sequences, geometry and events. */
#ifndef KST_JSON_H
#define KST_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Parses text (NUL-terminated); on failure returns NULL and writes "line L, byte B: reason" into why, the reason
   being nesting past cJSON's limit or the text near the first byte that is not JSON. */
cJSON *kst_json_parse(const char *text, char *why, size_t why_size);

#endif
