/* MDF event files: a validating in-memory reader, a bank iterator and a writer. */
#ifndef KST_MDF_H
#define KST_MDF_H

#include <stddef.h>
#include <stdint.h>

#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_MDF_HEADER_SIZE 48u   /* header version 3 with 7 sub-header words */
#define KST_MDF_BANK_HEADER 8u    /* magic, length, type, version, source id */
#define KST_MDF_BANK_MAGIC 0xCBCBu
#define KST_MDF_MAX_PAYLOAD (0xFFFFu - KST_MDF_BANK_HEADER) /* bank length is a u16 */

/* One raw bank, pointing into the file's memory. */
typedef struct kst_mdf_bank {
  uint8_t type, version;
  uint16_t source_id;
  uint16_t length;          /* header + payload, no padding */
  const uint8_t *payload;
  uint32_t payload_size;
  uint32_t offset;          /* byte offset of the bank in the file (low 32 bits past 4 GiB) */
} kst_mdf_bank;

/* One validated record; body points into the file's memory and lives until kst_mdf_close. */
typedef struct kst_mdf_event {
  const char *file;         /* the file's path, for messages (valid while the file is open) */
  uint32_t index;           /* record index in file */
  uint64_t offset;          /* byte offset of record in file */
  uint32_t run, orbit, bunch;
  const uint8_t *body;      /* the banks */
  uint32_t body_size;
  uint32_t n_banks;
  uint32_t header_size;     /* body starts at offset + header_size */
  uint32_t record_size;     /* header + body */
} kst_mdf_event;

/* An MDF file held in memory and a read cursor over it. */
typedef struct kst_mdf_file {
  char path[512];           /* path or buffer name, for messages */
  uint8_t *data;
  size_t size;
  int owns;                 /* 1 when data was malloc'd by kst_mdf_open */
  size_t pos;               /* byte offset of the next record */
  uint32_t next_index;      /* index of the next record */
} kst_mdf_file;

/* Reads the whole file into memory (KST_ERR_IO when it cannot). */
kst_status kst_mdf_open(kst_mdf_file *f, const char *path);
/* Wraps caller-owned memory without copying; it must outlive f. name is used in messages. */
kst_status kst_mdf_open_buffer(kst_mdf_file *f, const void *data, size_t size, const char *name);
/* Frees what kst_mdf_open allocated; safe on a zeroed or already closed file. */
void kst_mdf_close(kst_mdf_file *f);

/* Reads and fully validates the next record; *done=1 at a clean end of file.
 * KST_ERR_FORMAT for malformed data (truncation, disagreeing sizes, bad banks),
 * KST_ERR_UNSUPPORTED for compressed records and header versions other than 3/7 words.
 * On error the cursor does not move, so the same error repeats. */
kst_status kst_mdf_next(kst_mdf_file *f, kst_mdf_event *ev, int *done);

/* Iterates the banks of a validated event: *pos starts at 0; returns 1 and fills bank, 0 at end. */
int kst_mdf_bank_next(const kst_mdf_event *ev, uint32_t *pos, kst_mdf_bank *bank);

/* Counts the events of a file, validating every record. */
kst_status kst_mdf_count(const char *path, uint32_t *n_events);

/* A bank to write; payload may be NULL when size is 0. */
typedef struct kst_mdf_bank_out {
  uint8_t type, version;
  uint16_t source_id;
  const void *payload;
  uint32_t size;            /* at most KST_MDF_MAX_PAYLOAD */
} kst_mdf_bank_out;

typedef struct kst_mdf_writer kst_mdf_writer;

/* Opens path for writing MDF records. A regular or new file is written to a temporary file beside it, renamed into
   place by kst_mdf_writer_close; a device, pipe or link is written in place. */
kst_status kst_mdf_writer_open(kst_mdf_writer **w, const char *path);
/* Appends one record: header version 3, 7 sub-header words, data type 1, checksum 0,
 * trigger mask all ones, banks padded to 4 bytes with zeros. */
kst_status kst_mdf_write_event(kst_mdf_writer *w, uint32_t run, uint32_t orbit, uint32_t bunch,
                               const kst_mdf_bank_out *banks, uint32_t n_banks);
/* Appends n_records records already encoded (kst_mdf_encode_event) back to back: a batch's output in one write. */
kst_status kst_mdf_write_records(kst_mdf_writer *w, const void *records, size_t size, uint32_t n_records);
/* Flushes, closes and frees the writer, and puts the file in place; reports a failed flush or rename as KST_ERR_IO
   (the target is then left as it was). NULL is a no-op. */
kst_status kst_mdf_writer_close(kst_mdf_writer *w);
/* Closes and frees the writer after a failure: its temporary file is removed, the target left as it was (written in
   place, it keeps what was written). NULL is a no-op. */
void kst_mdf_writer_abort(kst_mdf_writer *w);

/* Encodes one record into a malloc'd buffer (*out, *out_size) in the writer's format. */
kst_status kst_mdf_encode_event(uint8_t **out, size_t *out_size, uint32_t run, uint32_t orbit,
                                uint32_t bunch, const kst_mdf_bank_out *banks, uint32_t n_banks);
/* Puts 128 trigger-mask bits in an encoded record's header (LHCb writes the routing bits there). */
void kst_mdf_set_trigger_mask(uint8_t *record, const uint32_t mask[4]);

#ifdef __cplusplus
}
#endif
#endif
