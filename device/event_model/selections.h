/* Selections: each line's per-event result, column after column as the lines run (docs/selections.md). */
#ifndef KST_SELECTIONS_H
#define KST_SELECTIONS_H

#include <stdint.h>

/* Line k's word for event e of a batch of n events is word k n + e. Selections bind by this type: a line's input
   takes the latest earlier selections, and its output adds its own column to them. */
typedef uint32_t kst_selection_word;

#define KST_SEL_DECISION 0x80000000u   /* the line fired: enough candidates passed and both scalers kept the event */
#define KST_SEL_PRESCALED 0x40000000u  /* the pre-scaler let the line look at the event */
#define KST_SEL_CANDIDATES 0x00FFFFFFu /* candidates that passed the line's select (saturating) */

/* The candidates that passed each line, for the output's selected objects and the trigger-on-signal checks: line k's
   slots for event e of a batch of n events are words (k n + e) KST_LINE_STORED ... + KST_LINE_STORED - 1, the passing
   candidates' indices in increasing order, then KST_NO_CANDIDATE. An index is what the line's shape (kst_line_shape)
   loops over: batch-wide VELO track indices for VELO and long-track lines, batch-wide vertex slots for two-track
   lines; event lines store none. Past KST_LINE_STORED the candidates are counted in the selection word only. */
typedef uint32_t kst_line_candidate;

#define KST_LINE_STORED 8u
#define KST_NO_CANDIDATE 0xFFFFFFFFu

/* What a line's candidates are (kst_alg_desc.line_shape; 0 for an algorithm that is not a line). */
typedef enum kst_line_shape {
  KST_LINE_SHAPE_NONE = 0,
  KST_LINE_SHAPE_EVENT,
  KST_LINE_SHAPE_VELO,
  KST_LINE_SHAPE_ONE_TRACK,
  KST_LINE_SHAPE_TWO_TRACK
} kst_line_shape;

#endif
