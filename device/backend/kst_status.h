/* kst_status: the error value every Kestrel call returns (a code plus a message naming where). */
#ifndef KST_STATUS_H
#define KST_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes: 0 is success, every failure is negative (libuv style). */
typedef enum kst_code {
  KST_OK = 0,
  KST_ERR_INVALID = -1,  /* a bad argument from the caller */
  KST_ERR_NOMEM = -2,    /* an allocation failed */
  KST_ERR_IO = -3,       /* a file could not be opened, read or written */
  KST_ERR_FORMAT = -4,   /* input data is malformed (MDF, bank, geometry, JSON) */
  KST_ERR_BACKEND = -5,  /* the device runtime reported an error */
  KST_ERR_CONFIG = -6,   /* a sequence or property is wrong */
  KST_ERR_CAPACITY = -7, /* a fixed capacity was exceeded */
  KST_ERR_UNSUPPORTED = -8
} kst_code;

/* A status: code plus a human message; the message is empty on success. */
typedef struct kst_status {
  int code;
  char msg[320];
} kst_status;

/* The success value. */
kst_status kst_ok(void);
/* Builds a failure status with a printf-style message. */
kst_status kst_error(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prefixes a failure's message with context ("while reading X: ..."); success passes through. */
kst_status kst_error_wrap(kst_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* The symbolic name of a code, e.g. "KST_ERR_FORMAT". */
const char *kst_code_name(int code);

/* Returns from the enclosing function when expr fails. */
#define KST_TRY(expr)                  \
  do {                                 \
    kst_status kst__s = (expr);        \
    if (kst__s.code != KST_OK) return kst__s; \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
