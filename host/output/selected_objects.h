/* The selected-objects bank of the reduced output: per event, the tracks and vertices that fired the lines, and per
   fired line its candidates (docs/output.md gives the word layout; LHCb's SelReports is the model). */
#ifndef KST_SELECTED_OBJECTS_H
#define KST_SELECTED_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "kst_status.h"

/* Outside LHCb's list of bank types; split over banks of consecutive source ids when longer than a bank holds. */
#define KST_BANK_SELECTED_OBJECTS 250u
#define KST_SELECTED_OBJECTS_VERSION 1u

#define KST_SO_TRACK_WORDS 15u  /* before a track's LHCbIDs */
#define KST_SO_VERTEX_WORDS 17u
#define KST_SO_TRACK_LONG 1u    /* the track has SciFi hits and a momentum; else a VELO track (q/p 0) */

/* A track: flags, VELO and SciFi id counts; state (x, y, z, tx, ty, q/p) at the beam line with its covariance (xx,
   x tx, tx tx, yy, y ty, ty ty), fit chi2 and ndof, and its LHCbIDs (VELO then SciFi). */
typedef struct kst_so_track {
  uint32_t flags, n_velo, n_scifi;
  float state[6], cov[6], chi2;
  uint32_t ndof;
  const uint32_t *ids;
} kst_so_track;

/* A two-track vertex: position and covariance (xx, xy, yy, xz, yz, zz), fit chi2, mass, pT, flight-distance chi2,
   dira, corrected mass, and its tracks (indices among the event's tracks). */
typedef struct kst_so_vertex {
  float x, y, z, cov[6], chi2, mass, pt, fd_chi2, dira, mcor;
  uint32_t a, b;
} kst_so_vertex;

/* A fired line: its decision id, its candidates' shape (kst_line_shape) and their indices among the event's tracks
   (VELO and long-track lines) or vertices (two-track lines). */
typedef struct kst_so_line {
  uint32_t id, shape, n;
  const uint32_t *objects;
} kst_so_line;

/* One event's objects, pointing into the bank's words (which must outlive them). */
typedef struct kst_selected_objects {
  kst_so_track *tracks;
  kst_so_vertex *vertices;
  kst_so_line *lines;
  uint32_t n_tracks, n_vertices, n_lines;
} kst_selected_objects;

#ifdef __cplusplus
extern "C" {
#endif
/* Parses and checks a bank's words (every count, length and index in range); KST_ERR_FORMAT naming the word. */
kst_status kst_selected_objects_parse(const uint32_t *words, size_t n_words, kst_selected_objects *out);
/* Frees what parsing allocated; a zeroed one is fine. */
void kst_selected_objects_free(kst_selected_objects *so);
#ifdef __cplusplus
}
#endif
#endif
