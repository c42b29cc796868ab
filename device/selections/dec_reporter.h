/* selections_init starts the selections (no column); dec_reporter turns the lines' selections into LHCb's
   DecReports and routing bits per event and the list of accepted events (docs/selections.md). */
#ifndef KST_DEC_REPORTER_H
#define KST_DEC_REPORTER_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/selections.h"

#define KST_DEC_REPORT_HEADER 3u /* words before the lines' reports: encoding key, TCK, task id */
#define KST_ROUTING_WORDS 4u     /* 128 routing bits */
#define KST_ROUTING_ANY_LINE 1u  /* bit set when any line fired */
#define KST_ROUTING_FIRST_LINE 32u /* line k sets bit 32 + k (k < 96) */

/* One line's report word (LHCb's HltDecReport): decision bit 0, error bits 1-3, candidates 4-7 (saturating at 15),
   execution stage 8-15, decision id 16-31. */
#define KST_DEC_REPORT(decision, candidates, stage, id)                                            \
  ((uint32_t)((decision) ? 1u : 0u) | ((uint32_t)((candidates) < 15u ? (candidates) : 15u) << 4) | \
   ((uint32_t)(stage) & 0xFFu) << 8 | ((uint32_t)(id) & 0xFFFFu) << 16)

#define SELECTIONS_INIT_PARAMS(P)                               \
  P(dev_selections_start, DEVICE_OUTPUT, kst_selection_word)    \
  P(dev_candidates_start, DEVICE_OUTPUT, kst_line_candidate)
KST_ALGORITHM_ARGS(selections_init, SELECTIONS_INIT_PARAMS, KST_NO_PROPS)

#define DEC_REPORTER_PARAMS(P)                                  \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)          \
  P(dev_selections, DEVICE_INPUT, kst_selection_word)           \
  P(dev_dec_reports, DEVICE_OUTPUT, uint32_t)                   \
  P(dev_routing_bits, DEVICE_OUTPUT, uint32_t)                  \
  P(dev_accepted, DEVICE_OUTPUT, kst_event_list_word)
#define DEC_REPORTER_PROPS(Q)                                                                  \
  Q(key, UINT, 1, "0", 0, 4294967295.0, "encoding key written as the DecReports' first word")  \
  Q(tck, UINT, 1, "0", 0, 4294967295.0, "trigger configuration key (second word)")              \
  Q(task_id, UINT, 1, "1", 0, 4294967295.0, "task id (third word)")                             \
  Q(block_dim, UINT, 1, "32", 1, 1024, "threads per block (one block per event; one thread writes)")
KST_ALGORITHM_ARGS(dec_reporter, DEC_REPORTER_PARAMS, DEC_REPORTER_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches the reports (a block per listed event) and the accepted list (one block, in event order). */
kst_status kst_dec_reporter_launch(dec_reporter_args a, uint32_t events, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
