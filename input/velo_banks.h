/* The banks of a VELO event: writing retina-cluster banks per sensor and MC truth split over banks; explaining a rejected
   event. */
#ifndef KST_VELO_BANKS_H
#define KST_VELO_BANKS_H

#include <stddef.h>
#include <stdint.h>

#include "input/mdf.h"
#include "kst_status.h"

#define KST_RETINA_BANK 73
#define KST_RETINA_BANK_VERSION 3
/* MC particle payload pieces: the largest bank payload that stays a multiple of 4 bytes (no padding inside). */
#define KST_MC_CHUNK (KST_MDF_MAX_PAYLOAD & ~3u)
/* The MC vertex bank version of LHCb's sample file. */
#define KST_MC_VERTEX_BANK_VERSION 1

/* Writes one retina bank per sensor (count, then words; empty sensors get a count of 0, as LHCb's files do) into
   banks[0..208), with payloads in payload (4 * (208 + n) bytes). keys are (sensor << 32 | word), sorted. */
kst_status kst_retina_banks(const uint64_t *keys, uint32_t n, uint8_t *payload, kst_mdf_bank_out *banks);
/* Number of banks kst_mc_particle_banks fills for size bytes of particle payload. */
size_t kst_mc_particle_bank_count(size_t size);
/* Splits an MC particle payload over banks with source ids 0, 1, 2, ... (readers concatenate them in that order);
   returns how many it filled. */
uint32_t kst_mc_particle_banks(const uint8_t *payload, size_t size, int version, kst_mdf_bank_out *banks);

/* Why VELO decoding rejects an event (device/decoding/velo_decoding.cu flags it without saying which bank): the first
   of its banks of bank_type with another version than 3, a sensor (source id) out of range or repeated, a count word
   that disagrees with the payload, or a column past the sensor, written to out as "bank type T source S: reason".
   Returns 0 when none of those is found. */
int kst_velo_bank_problem(const kst_mdf_event *ev, uint32_t bank_type, char *out, size_t size);

#endif
