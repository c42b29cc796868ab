/* Test helper: sequences/hlt1.json with one instance's properties replaced or the instance removed. */
#ifndef KST_TEST_SEQUENCE_EDIT_H
#define KST_TEST_SEQUENCE_EDIT_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* hlt1.json with one instance's properties replaced (or the instance removed when props is NULL). */
static inline char *hlt1_with(const char *instance, const char *props) {
  FILE *f = fopen("sequences/hlt1.json", "rb");
  cr_assert_not_null(f);
  static char text[1 << 16];
  const size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  char *out = malloc(n + 4096), key[128];
  snprintf(key, sizeof key, "\"name\": \"%s\"", instance);
  char *at = strstr(text, key);
  cr_assert_not_null(at, "%s in hlt1.json", instance);
  char *start = at, *end = at;
  while (start > text && *start != '{') --start; /* the instance's object */
  int depth = 0;
  for (end = start; *end; ++end) {
    depth += *end == '{', depth -= *end == '}';
    if (!depth) break;
  }
  char type[64] = "";
  const char *t = strstr(start, "\"type\": \"");
  if (t && t < end) sscanf(t + 9, "%63[^\"]", type);
  if (props) sprintf(out, "%.*s{\"type\": \"%s\", \"name\": \"%s\", \"properties\": %s}%s", (int)(start - text), text, type,
                     instance, props, end + 1);
  else {
    char *next = end + 1;
    while (*next == ',' || *next == ' ' || *next == '\n') ++next;
    sprintf(out, "%.*s%s", (int)(start - text), text, next);
  }
  return out;
}

#endif
