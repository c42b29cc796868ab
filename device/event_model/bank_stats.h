/* Bank statistics: the per-event record bank_stats writes and its summary reads. */
#ifndef KST_BANK_STATS_MODEL_H
#define KST_BANK_STATS_MODEL_H

#include <stdint.h>

/* Per-event statistics of a bank type. */
typedef struct kst_bank_stat {
  uint32_t banks, bytes, items;
  uint32_t errors; /* KST_BANK_ERR_* bits */
} kst_bank_stat;

#define KST_BANK_ERR_COUNT 1u  /* a count word claims more items than the bank holds */
#define KST_BANK_ERR_SOURCE 2u /* a source id maps past the last group */
#define KST_BANK_ERR_TYPE 4u   /* a bank of another type in the block */

#endif
