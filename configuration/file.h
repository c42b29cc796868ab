/* Reading a whole file into memory: the one reader behind MDF files, geometry, sequences and velopix events. */
#ifndef KST_FILE_H
#define KST_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "kst_status.h"

/* Reads path whole into a malloc'd buffer (free() it) with a NUL after the last byte, so text parsers can use it
   as a string; *size excludes the NUL. Errors name the file and the reason. */
kst_status kst_read_file(const char *path, uint8_t **data, size_t *size);

#endif
