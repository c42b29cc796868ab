/* The device view of a bank block: raw banks back to back with bank and event offsets (see input/batch.h). */
#ifndef KST_RAW_BANKS_H
#define KST_RAW_BANKS_H

#include <stdint.h>

/* Bank header fields, read from the 8 bytes at the start of every raw bank. */
#define KST_RAW_BANK_HEADER 8u

/* Reads a little-endian u16 at p (banks are only 4-byte aligned in the block). */
#define KST_RAW_U16(p) ((uint32_t)(p)[0] | ((uint32_t)(p)[1] << 8))
/* Reads a little-endian u32 at a 4-byte aligned p. */
#define KST_RAW_U32(p) (*(const uint32_t *)(const void *)(p))

/* Length of a raw bank (header + payload, no padding). */
#define KST_RAW_BANK_LENGTH(bank) KST_RAW_U16((bank) + 2)
/* Type of a raw bank. */
#define KST_RAW_BANK_TYPE(bank) ((uint32_t)(bank)[4])
/* Version of a raw bank. */
#define KST_RAW_BANK_VERSION(bank) ((uint32_t)(bank)[5])
/* Source id of a raw bank. */
#define KST_RAW_BANK_SOURCE(bank) KST_RAW_U16((bank) + 6)

#endif
