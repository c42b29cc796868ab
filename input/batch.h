/* Batches: the banks of a run of events laid out per bank type in pinned memory, with host-known counts. */
#ifndef KST_BATCH_H
#define KST_BATCH_H

#include <stdint.h>

#include "input/mdf.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_BATCH_MAX_TYPES 8
/* The VELO retina-cluster bank type: its payload starts with a cluster count. */
#define KST_BANK_VELO_RETINA 73u

/* The banks of one type for every event of a batch, as the device sees them: raw banks (8-byte header,
   payload, padding to 4) back to back, with bank and event offsets. */
typedef struct kst_bank_block {
  uint8_t type;
  uint8_t *data;           /* pinned; data_size bytes */
  uint32_t *bank_offsets;  /* pinned; n_banks + 1 byte offsets into data */
  uint32_t *event_offsets; /* pinned; n_events + 1 indices into bank_offsets */
  uint32_t *event_items;   /* plain host memory; per event, the sum of the banks' leading count words */
  uint64_t data_size, n_banks, items_total;
  uint64_t data_cap, banks_cap, events_cap, items_cap; /* allocated bytes, so buffers are reused */
} kst_bank_block;

/* A batch of events. events point into the input files' memory and stay valid for the whole run. */
struct kst_batch {
  uint64_t first;                 /* global index of the first event */
  uint32_t n_events;
  const kst_mdf_event *events;    /* n_events records */
  uint32_t n_blocks;
  kst_bank_block blocks[KST_BATCH_MAX_TYPES];
};
typedef struct kst_batch kst_batch;

/* True for bank types whose payload starts with a u32 item count (retina clusters). */
int kst_bank_type_has_count_word(uint8_t type);
/* Lays out, for each of the n_types bank types, the banks of events[0..n) into b's pinned buffers
   (growing them when needed). A count word that claims more items than the bank holds is an error. */
kst_status kst_batch_build(kst_batch *b, uint64_t first, const kst_mdf_event *events, uint32_t n, const uint8_t *types,
                           uint32_t n_types);
/* The block of bank type, or NULL when the batch has none. */
const kst_bank_block *kst_batch_block(const kst_batch *b, uint8_t type);
/* Frees the pinned buffers of b. */
void kst_batch_free(kst_batch *b);

#ifdef __cplusplus
}
#endif
#endif
