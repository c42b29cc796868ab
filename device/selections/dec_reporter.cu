/* dec_reporter kernels: each listed event's DecReports and routing bits (a block per event, its first thread writes), then
   the accepted events in list order. */
#include "device/selections/dec_reporter.h"
#include "kst_dialect.h"

KST_GLOBAL dec_reports_kernel(dec_reporter_args a, uint32_t events) {
  if (threadIdx.x != 0 || KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x), lines = (uint32_t)(a.dev_selections.count / events);
  uint32_t *r = &a.dev_dec_reports.data[(uint64_t)e * (KST_DEC_REPORT_HEADER + lines)];
  uint32_t *bits = &a.dev_routing_bits.data[(uint64_t)e * KST_ROUTING_WORDS];
  r[0] = a.props.key, r[1] = a.props.tck, r[2] = a.props.task_id;
  for (uint32_t w = 0; w < KST_ROUTING_WORDS; ++w) bits[w] = 0;
  for (uint32_t k = 0; k < lines; ++k) {
    const kst_selection_word s = a.dev_selections.data[(uint64_t)k * events + e];
    const uint32_t fired = (s & KST_SEL_DECISION) != 0u;
    r[KST_DEC_REPORT_HEADER + k] = KST_DEC_REPORT(fired, s & KST_SEL_CANDIDATES, 1u, k + 1u);
    if (fired) {
      bits[0] |= 1u << KST_ROUTING_ANY_LINE;
      if (KST_ROUTING_FIRST_LINE + k < 32u * KST_ROUTING_WORDS)
        bits[(KST_ROUTING_FIRST_LINE + k) / 32u] |= 1u << ((KST_ROUTING_FIRST_LINE + k) % 32u);
    }
  }
}

/* The accepted events in the order of the input list, written by one thread: the same list on every backend. */
KST_GLOBAL accepted_kernel(dec_reporter_args a) {
  if (blockIdx.x != 0 || threadIdx.x != 0) return;
  const uint32_t n = a.dev_event_list.data[0];
  uint32_t m = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t e = a.dev_event_list.data[1u + k];
    if (a.dev_routing_bits.data[(uint64_t)e * KST_ROUTING_WORDS] & (1u << KST_ROUTING_ANY_LINE)) a.dev_accepted.data[1u + m++] = e;
  }
  a.dev_accepted.data[0] = m;
}

KST_EXTERN_C kst_status kst_dec_reporter_launch(dec_reporter_args a, uint32_t events, kst_stream *stream) {
  const uint32_t n = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (n == 0) return kst_ok();
  KST_LAUNCH(dec_reports_kernel, KST_DIM3(n, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a, events);
  KST_TRY(kst_launch_check("dec_reports_kernel"));
  KST_LAUNCH(accepted_kernel, KST_DIM3(1, 1, 1), KST_DIM3(1, 1, 1), 0, stream, a);
  return kst_launch_check("accepted_kernel");
}
