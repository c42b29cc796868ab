/* mdf_writer: the accepted events written out whole, their input banks followed by the decision banks (docs/output.md). */
#ifndef KST_MDF_WRITER_H
#define KST_MDF_WRITER_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"

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
#ifdef __cplusplus
}
#endif
#endif
