/* kst_json_parse: cJSON with its two failure kinds told apart (too deep, not JSON) and placed by line and byte. */
#include "configuration/json.h"

#include <stdio.h>

/* Up to 20 bytes from at, non-printing ones as '?', so a binary file quoted in a message stays one line. */
static void snippet(const char *at, char out[21]) {
  int n = 0;
  for (; n < 20 && at[n]; ++n) out[n] = (at[n] >= 32 && at[n] < 127) ? at[n] : '?';
  out[n] = '\0';
}

/* The line (from 1) of byte at in text. */
static unsigned line_of(const char *text, const char *at) {
  unsigned line = 1;
  for (const char *c = text; c < at && *c; ++c) line += *c == '\n';
  return line;
}

/* The first byte where arrays and objects nest deeper than limit (strings skipped), or NULL. */
static const char *too_deep(const char *text, int limit) {
  int depth = 0, in_string = 0;
  for (const char *c = text; *c; ++c) {
    if (in_string) {
      if (*c == '\\' && c[1]) ++c;
      else if (*c == '"') in_string = 0;
    } else if (*c == '"') {
      in_string = 1;
    } else if (*c == '[' || *c == '{') {
      if (++depth > limit) return c;
    } else if (*c == ']' || *c == '}') {
      --depth;
    }
  }
  return NULL;
}

cJSON *kst_json_parse(const char *text, char *why, size_t why_size) {
  /* cJSON refuses deeper nesting with the same NULL as a syntax error; saying which spares a confusing message. */
  const char *deep = too_deep(text, CJSON_NESTING_LIMIT);
  if (deep) {
    snprintf(why, why_size, "line %u, byte %ld: arrays and objects nested deeper than %d levels", line_of(text, deep),
             (long)(deep - text), CJSON_NESTING_LIMIT);
    return NULL;
  }
  cJSON *root = cJSON_Parse(text);
  if (!root) {
    const char *at = cJSON_GetErrorPtr();
    if (!at || at < text) at = text;
    char near[21];
    snippet(at, near);
    snprintf(why, why_size, "line %u, byte %ld: not valid JSON near '%s'", line_of(text, at), (long)(at - text), near);
  }
  return root;
}
