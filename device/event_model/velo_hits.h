/* The VELO hit container: structure of arrays per batch, grouped by event and module, phi-sorted in a module. */
#ifndef KST_VELO_HITS_H
#define KST_VELO_HITS_H

#include <stdint.h>

/* Hits of event e, module m are [module_offsets[e*53 + m], module_offsets[e*53 + m + 1]); entry 52 ends the event.
   The event's first hit index is the host-known item offset, so the container is sized before any kernel runs. */
#define KST_VELO_OFFSETS_PER_EVENT 53u

/* Per-event input error flags of VELO decoding: a flagged event has no hits and is counted. */
#define KST_VELO_ERR_COUNT 1u     /* a bank's count word disagrees with its size */
#define KST_VELO_ERR_SENSOR 2u    /* a sensor number (source id) out of range, or two banks for one sensor */
#define KST_VELO_ERR_COLUMN 4u    /* a cluster column outside the sensor */
#define KST_VELO_ERR_VERSION 8u   /* a bank of another type or version */

/* The sensor number in an LHCbID (bits 18..25 of the channel). */
#define KST_VELO_ID_SENSOR(id) (((id) >> 18) & 0xFFu)

#endif
