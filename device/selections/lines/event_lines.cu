/* Event lines' select functions and kernels. */
#include "device/selections/lines/event_lines.h"
#include "kst_dialect.h"

KST_DEVICE int passthrough_line_select(const passthrough_line_args *a, uint32_t e, uint32_t c) {
  (void)c;
  return (a->props.bx_types >> a->dev_odin.data[e].bx_type) & 1u;
}
KST_LINE_KERNEL(passthrough_line, EVENT)

KST_DEVICE int anomaly_line_select(const anomaly_line_args *a, uint32_t e, uint32_t c) {
  (void)c;
  return a->dev_event_scores.data[e] > a->props.min_score;
}
KST_LINE_KERNEL(anomaly_line, EVENT)
