/* Event lines' select functions and kernels. */
#include "device/selections/lines/event_lines.h"
#include "kst_dialect.h"

KST_DEVICE int passthrough_line_select(const passthrough_line_args *a, uint32_t e, uint32_t c) {
  (void)c;
  return (a->props.bx_types >> a->dev_odin.data[e].bx_type) & 1u;
}
KST_LINE_KERNEL(passthrough_line, EVENT)
