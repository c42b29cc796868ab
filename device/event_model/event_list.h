/* Event lists: the events of a batch an algorithm processes, with their number known only on the device. */
#ifndef KST_EVENT_LIST_H_MODEL
#define KST_EVENT_LIST_H_MODEL

#include <stdint.h>

/* An event list of capacity n is a buffer of n + 1 words of this type: word 0 holds the number of listed events
   (written on the device, so a filter needs no synchronisation), words 1 to that number the listed events' batch
   indices in increasing order. A distinct element type makes a list bind only to lists (see docs/sequences.md). */
typedef uint32_t kst_event_list_word;

/* Words of a list that can hold capacity events. */
#define KST_EVENT_LIST_WORDS(capacity) ((uint64_t)(capacity) + 1u)
/* Events a list buffer of `words` words can hold: the grid a per-event kernel launches over. */
#define KST_EVENT_LIST_CAPACITY(words) ((words) ? (uint32_t)((words) - 1u) : 0u)
/* Whether slot `slot` is past a list's device-side count: a per-event kernel's block for that slot returns at once
   (the whole block sees the same value, so no barrier is left waiting). */
#define KST_PAST_LIST(list, slot) ((uint32_t)(slot) >= (list)[0])
/* The batch index of the event in slot `slot` of a list, a slot within its count. */
#define KST_LISTED_EVENT(list, slot) ((uint32_t)(list)[1u + (uint32_t)(slot)])

/* Whether a host copy of a list of `words` words is well formed for a batch of n_events: its count within its
   capacity, its events increasing and in the batch. Host code checks a list copied back before trusting it. */
static inline int kst_event_list_valid(const kst_event_list_word *list, uint64_t words, uint32_t n_events) {
  if (words == 0 || list[0] > words - 1u) return 0;
  for (uint32_t k = 0; k < list[0]; ++k)
    if (list[1u + k] >= n_events || (k && list[1u + k] <= list[k])) return 0;
  return 1;
}

#endif
