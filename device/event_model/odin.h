/* ODIN as kernels see it: the fields of an event's ODIN bank that selections and scalers use, from versions 6 and 7
   (docs/selections.md gives both word layouts). */
#ifndef KST_ODIN_H
#define KST_ODIN_H

#include <stdint.h>

#include "device/event_model/view.h"

#define KST_ODIN_BANK 16u
#define KST_ODIN_WORDS 10u

/* Per-event decoding flags (dev_odin_errors). */
#define KST_ODIN_ERR_MISSING 1u  /* no ODIN bank in the event */
#define KST_ODIN_ERR_REPEATED 2u /* more than one */
#define KST_ODIN_ERR_VERSION 4u  /* a version other than 6 or 7 */
#define KST_ODIN_ERR_SIZE 8u     /* a payload other than ten words */

/* Bunch-crossing types (two bits in both versions). */
#define KST_BX_EMPTY 0u
#define KST_BX_BEAM1 1u
#define KST_BX_BEAM2 2u
#define KST_BX_BEAMBEAM 3u

typedef struct kst_odin {
  uint32_t run;
  uint32_t event_hi, event_lo;   /* event number */
  uint32_t gps_hi, gps_lo;       /* GPS time, microseconds */
  uint32_t orbit;
  uint32_t bunch_id;             /* 0..3563 */
  uint32_t bx_type;              /* KST_BX_* */
  uint32_t event_type;
  uint32_t tck;                  /* trigger configuration key */
  uint32_t version;              /* 6 or 7; 0 when the event had no valid bank */
} kst_odin;

/* The fields of a ten-word payload w of version 6 or 7 (little-endian words). */
KST_VIEW_FN kst_odin kst_odin_from_words(const uint32_t *w, uint32_t version) {
  kst_odin o;
  o.version = version;
  o.run = w[0];
  if (version == 6u) {
    /* run, event type, orbit, event number hi/lo, GPS hi/lo, error bits, bunch word, TCK */
    o.event_type = w[1] & 0xFFFFu, o.orbit = w[2], o.event_hi = w[3], o.event_lo = w[4];
    o.gps_hi = w[5], o.gps_lo = w[6];
    o.bunch_id = w[8] & 0xFFFu, o.bx_type = (w[8] >> 22) & 3u, o.tck = w[9];
  } else {
    /* run, event type | calibration step, GPS lo/hi, TCK, partition, bunch word, orbit, event number lo/hi */
    o.event_type = w[1] & 0xFFFFu, o.gps_lo = w[2], o.gps_hi = w[3], o.tck = w[4];
    o.bunch_id = w[6] & 0xFFFu, o.bx_type = (w[6] >> 12) & 3u, o.orbit = w[7], o.event_lo = w[8], o.event_hi = w[9];
  }
  return o;
}

#endif
