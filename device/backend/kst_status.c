/* kst_status constructors and code names. */
#include "kst_status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

kst_status kst_ok(void) {
  kst_status s;
  s.code = KST_OK;
  s.msg[0] = '\0';
  return s;
}

kst_status kst_error(int code, const char *fmt, ...) {
  kst_status s;
  va_list ap;
  s.code = code;
  va_start(ap, fmt);
  vsnprintf(s.msg, sizeof s.msg, fmt, ap);
  va_end(ap);
  return s;
}

kst_status kst_error_wrap(kst_status st, const char *fmt, ...) {
  char prefix[sizeof st.msg];
  char old[sizeof st.msg];
  va_list ap;
  if (st.code == KST_OK) return st;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, st.msg, sizeof old);
  /* Truncation is acceptable: the start of the message (the context) matters most. */
  size_t n = strlen(prefix);
  if (n > sizeof st.msg - 3) n = sizeof st.msg - 3;
  memcpy(st.msg, prefix, n);
  memcpy(st.msg + n, ": ", 2);
  size_t room = sizeof st.msg - n - 3, m = strlen(old);
  if (m > room) m = room;
  memcpy(st.msg + n + 2, old, m);
  st.msg[n + 2 + m] = '\0';
  return st;
}

const char *kst_code_name(int code) {
  switch (code) {
    case KST_OK: return "KST_OK";
    case KST_ERR_INVALID: return "KST_ERR_INVALID";
    case KST_ERR_NOMEM: return "KST_ERR_NOMEM";
    case KST_ERR_IO: return "KST_ERR_IO";
    case KST_ERR_FORMAT: return "KST_ERR_FORMAT";
    case KST_ERR_BACKEND: return "KST_ERR_BACKEND";
    case KST_ERR_CONFIG: return "KST_ERR_CONFIG";
    case KST_ERR_CAPACITY: return "KST_ERR_CAPACITY";
    case KST_ERR_UNSUPPORTED: return "KST_ERR_UNSUPPORTED";
    default: return "KST_ERR_UNKNOWN";
  }
}
