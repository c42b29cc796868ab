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
/* The UT bank type (version 3: a 16-bit hit count, then u16 hit words). */
#define KST_BANK_UT 66u
/* The SciFi bank type (version 5, "FTCluster": u16 cluster words after a 32-bit header). */
#define KST_BANK_SCIFI 64u

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

/* True for bank types whose hits the batch counts while it is built (VELO retina clusters, UT hits, SciFi clusters):
   what a decoder of the type produces at most, so its containers are sized before any kernel runs. */
int kst_bank_type_has_items(uint8_t type);
/* The items of one bank of a type with items: its count word, bounded by what the payload holds (VELO, UT), or the
   clusters its words make (SciFi, by the rule the decoder applies). A bank the decoder will reject counts what it
   can hold, never more. */
uint32_t kst_bank_items(uint8_t type, const uint8_t *payload, uint32_t payload_size);
/* Lays out, for each of the n_types bank types, the banks of events[0..n) into b's pinned buffers
   (growing them when needed), counting the items of types that have them. */
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
