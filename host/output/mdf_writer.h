/* mdf_writer: the accepted events written out whole, their input banks followed by the decision banks (docs/output.md). */
#ifndef KST_MDF_WRITER_H
#define KST_MDF_WRITER_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "input/mdf.h"

/* The decision banks' MDF types (LHCb's HltDecReports and HltRoutingBits). */
#define KST_BANK_DEC_REPORTS 17u
#define KST_BANK_ROUTING_BITS 53u

#define MDF_WRITER_PARAMS(P)                               \
  P(dev_accepted, DEVICE_TO_HOST, kst_event_list_word)     \
  P(dev_dec_reports, DEVICE_TO_HOST, uint32_t)             \
  P(dev_routing_bits, DEVICE_TO_HOST, uint32_t)
#define MDF_WRITER_PROPS(Q)                                                                                      \
  Q(dec_reports_source_id, UINT, 1, "8192", 0, 65535, "the DecReports bank's source id (LHCb's HLT1: 1 << 13)")  \
  Q(routing_bits_source_id, UINT, 1, "0", 0, 65535, "the routing-bits bank's source id")
KST_ALGORITHM_ARGS(mdf_writer, MDF_WRITER_PARAMS, MDF_WRITER_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* A growing byte buffer for a batch's encoded records. */
typedef struct kst_record_buffer {
  uint8_t *data;
  size_t size, capacity;
  uint32_t records;
} kst_record_buffer;
/* Appends one encoded record (and frees it); KST_ERR_NOMEM when the buffer cannot grow. */
kst_status kst_record_buffer_add(kst_record_buffer *b, uint8_t *record, size_t size);

/* A batch's decision banks, per event: the DecReports (report_words each) and the four routing-bit words. */
typedef struct kst_decision_banks {
  const uint32_t *reports, *bits;
  uint64_t report_words;
  uint16_t reports_source, bits_source;
} kst_decision_banks;

/* The decision banks of a batch of n events, after checking that the accepted list and the banks are of it. */
kst_status kst_decision_banks_of(const kst_event_list_word *accepted, uint64_t accepted_count, const uint32_t *reports,
                                 uint64_t reports_count, const uint32_t *bits, uint64_t bits_count, uint32_t n,
                                 uint32_t reports_source, uint32_t bits_source, kst_decision_banks *d);
/* Event e's record: banks[0..n) (room for two more), then its DecReports and routing bits, which are also the trigger
   mask; appended to out. */
kst_status kst_decision_record(const kst_mdf_event *ev, kst_mdf_bank_out *banks, uint32_t n, const kst_decision_banks *d,
                               uint32_t e, kst_record_buffer *out);
/* Writes a batch's records to the run's output (unless s already failed), counts them, and frees out's memory. */
kst_status kst_writer_finish(kst_ctx *ctx, kst_status s, kst_record_buffer *out, uint64_t in_bytes, uint64_t mc_bytes,
                             uint64_t rejected);
#ifdef __cplusplus
}
#endif
#endif
