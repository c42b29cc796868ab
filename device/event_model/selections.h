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

#endif
