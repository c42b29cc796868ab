/* MC truth model and readers for the MC particle (type 32) and MC vertex (type 33) banks. */
#ifndef KST_MC_TRUTH_H
#define KST_MC_TRUTH_H

#include <stddef.h>
#include <stdint.h>

#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_MC_PARTICLE_BANK 32
#define KST_MC_VERTEX_BANK 33

typedef struct kst_mc_particle {
  uint32_t key;
  int32_t pid;
  float p, pt, eta, phi, ovx, ovy, ovz; /* MeV, mm */
  uint8_t is_long, is_down, has_velo, has_ut, has_scifi, from_b, from_c, from_s, from_signal;
  int32_t mother_key, mother_pid, decay_mother_key, decay_mother_pid;
  float decay_mother_pt, decay_mother_tau, charge;
  uint32_t n_rec_pvs;
  /* ranges into the event's id array */
  uint32_t velo_first, n_velo, ut_first, n_ut, scifi_first, n_scifi;
} kst_mc_particle;

typedef struct kst_mc_vertex {
  int32_t n_tracks;
  double x, y, z;
} kst_mc_vertex;

/* One event's truth; zero-initialise before the first parse. */
typedef struct kst_mc_event {
  kst_mc_particle *particles;
  uint32_t n_particles;
  uint32_t *ids; /* LHCbIDs (or, from velopix files, hit indices) */
  uint32_t n_ids;
  kst_mc_vertex *vertices;
  uint32_t n_vertices;
} kst_mc_event;

/* One bank's payload, for kst_mc_concat_banks. */
typedef struct kst_mc_bank_ref {
  uint16_t source_id;
  const uint8_t *payload;
  size_t size;
} kst_mc_bank_ref;

/* Concatenates payloads in source-id order into a malloc'd buffer (free() it); a repeated
 * source id is KST_ERR_FORMAT. With no banks *out is NULL and *out_size 0. */
kst_status kst_mc_concat_banks(const kst_mc_bank_ref *banks, size_t n_banks, uint8_t **out,
                               size_t *out_size);
/* Parses concatenated particle payloads (bank version 1 or 2) into ev's particles and ids,
 * replacing any it held; ev is unchanged on failure. The data must be consumed exactly. */
kst_status kst_mc_parse_particles(kst_mc_event *ev, const uint8_t *data, size_t size, int version);
/* Parses concatenated vertex payloads into ev's vertices, replacing any it held. */
kst_status kst_mc_parse_vertices(kst_mc_event *ev, const uint8_t *data, size_t size);
/* Frees everything ev holds and zeroes it; safe on a zeroed event. */
void kst_mc_event_free(kst_mc_event *ev);
/* Whether the event has a signal decay (-1: none) and whether the signal's stable charged daughters are all long
   particles in 2 < eta < 5 (1), LHCb's denominator for trigger efficiencies. */
int kst_mc_signal_state(const kst_mc_event *ev);

/* Encodes ev's particles as one particle payload (bank version 1 or 2) into a malloc'd buffer
 * (free() it); the inverse of kst_mc_parse_particles. Callers split it over banks. */
kst_status kst_mc_encode_particles(const kst_mc_event *ev, int version, uint8_t **out, size_t *size);
/* Encodes ev's vertices as one vertex payload into a malloc'd buffer (free() it). */
kst_status kst_mc_encode_vertices(const kst_mc_event *ev, uint8_t **out, size_t *size);

#ifdef __cplusplus
}
#endif
#endif
