/* The batch builder: gathers banks per type into pinned memory and the counts later algorithms size from. */
#include "input/batch.h"

#include <stdlib.h>
#include <string.h>

#include "device/decoding/scifi_cluster.h"
#include "kst_backend.h"

int kst_bank_type_has_items(uint8_t type) {
  return type == KST_BANK_VELO_RETINA || type == KST_BANK_UT || type == KST_BANK_SCIFI;
}

uint32_t kst_bank_items(uint8_t type, const uint8_t *payload, uint32_t size) {
  if (size < 4) return 0;
  uint32_t head;
  memcpy(&head, payload, 4);
  /* A count larger than the payload can hold is not trusted for sizing; the decoder flags it. */
  if (type == KST_BANK_VELO_RETINA) return head <= (size - 4u) / 4u ? head : (size - 4u) / 4u;
  if (type == KST_BANK_UT) return (head & 0xFFFFu) <= (size - 4u) / 2u ? (head & 0xFFFFu) : (size - 4u) / 2u;
  if (type == KST_BANK_SCIFI) {
    const int32_t words = kst_scifi_word_count(payload, size);
    const int32_t clusters = words < 0 ? -1 : kst_scifi_cluster_count(payload + 4, (uint32_t)words);
    return clusters < 0 ? 0u : (uint32_t)clusters;
  }
  return 0;
}

/* Grows a pinned buffer to hold at least need bytes; keeps contents irrelevant (rebuilt every batch). */
static kst_status grow(void **buf, uint64_t *cap, uint64_t need) {
  if (need <= *cap && *buf) return kst_ok();
  uint64_t n = need + need / 2 + 64;
  KST_TRY(kst_host_free(*buf));
  *buf = NULL;
  *cap = 0;
  KST_TRY(kst_host_alloc(buf, n));
  *cap = n;
  return kst_ok();
}

static kst_status build_block(kst_bank_block *blk, const kst_mdf_event *events, uint32_t n) {
  uint64_t bytes = 0, banks = 0;
  for (uint32_t e = 0; e < n; ++e) {
    uint32_t pos = 0;
    kst_mdf_bank bank;
    while (kst_mdf_bank_next(&events[e], &pos, &bank))
      if (bank.type == blk->type) {
        bytes += (bank.length + 3u) & ~3u;
        banks++;
      }
  }
  if (bytes > UINT32_MAX) return kst_error(KST_ERR_CAPACITY, "bank type %u: %llu bytes in one batch exceed 4 GiB offsets",
                                           blk->type, (unsigned long long)bytes);
  /* Capacities are in bytes and follow their buffers exactly, even when a later allocation fails. */
  KST_TRY(grow((void **)&blk->data, &blk->data_cap, bytes));
  KST_TRY(grow((void **)&blk->bank_offsets, &blk->banks_cap, (banks + 1) * sizeof(uint32_t)));
  KST_TRY(grow((void **)&blk->event_offsets, &blk->events_cap, (n + 1) * sizeof(uint32_t)));
  if (blk->items_cap < (uint64_t)(n + 1) * sizeof(uint32_t) || !blk->event_items) {
    /* event_items stays on the host (never copied), so it is plain memory. */
    free(blk->event_items);
    blk->items_cap = 0;
    blk->event_items = malloc((n + 1) * sizeof(uint32_t));
    if (!blk->event_items) return kst_error(KST_ERR_NOMEM, "batch: out of memory for %u events", n);
    blk->items_cap = (uint64_t)(n + 1) * sizeof(uint32_t);
  }

  const int counted = kst_bank_type_has_items(blk->type);
  uint64_t off = 0, b = 0, items_total = 0;
  for (uint32_t e = 0; e < n; ++e) {
    uint32_t pos = 0;
    uint64_t items = 0;
    kst_mdf_bank bank;
    blk->event_offsets[e] = (uint32_t)b;
    while (kst_mdf_bank_next(&events[e], &pos, &bank)) {
      if (bank.type != blk->type) continue;
      uint32_t padded = (bank.length + 3u) & ~3u;
      const uint8_t *raw = bank.payload - 8;
      memcpy(blk->data + off, raw, bank.length);
      memset(blk->data + off + bank.length, 0, padded - bank.length);
      blk->bank_offsets[b++] = (uint32_t)off;
      off += padded;
      if (counted) items += kst_bank_items(blk->type, bank.payload, bank.payload_size);
    }
    if (items > UINT32_MAX) items = UINT32_MAX;
    blk->event_items[e] = (uint32_t)items;
    items_total += items;
  }
  blk->event_offsets[n] = (uint32_t)b;
  blk->bank_offsets[b] = (uint32_t)off;
  blk->data_size = off;
  blk->n_banks = banks;
  blk->items_total = items_total;
  return kst_ok();
}

kst_status kst_batch_build(kst_batch *b, uint64_t first, const kst_mdf_event *events, uint32_t n, const uint8_t *types,
                           uint32_t n_types) {
  if (n_types > KST_BATCH_MAX_TYPES)
    return kst_error(KST_ERR_CAPACITY, "a sequence may read at most %d bank types (asked for %u)", KST_BATCH_MAX_TYPES, n_types);
  b->first = first;
  b->n_events = n;
  b->events = events;
  for (uint32_t t = 0; t < n_types; ++t) {
    b->blocks[t].type = types[t];
    KST_TRY(kst_error_wrap(build_block(&b->blocks[t], events, n), "building batch at event %llu", (unsigned long long)first));
  }
  b->n_blocks = n_types;
  return kst_ok();
}

const kst_bank_block *kst_batch_block(const kst_batch *b, uint8_t type) {
  for (uint32_t t = 0; t < b->n_blocks; ++t)
    if (b->blocks[t].type == type) return &b->blocks[t];
  return NULL;
}

void kst_batch_free(kst_batch *b) {
  for (uint32_t t = 0; t < KST_BATCH_MAX_TYPES; ++t) {
    kst_host_free(b->blocks[t].data);
    kst_host_free(b->blocks[t].bank_offsets);
    kst_host_free(b->blocks[t].event_offsets);
    free(b->blocks[t].event_items);
  }
  memset(b, 0, sizeof *b);
}
