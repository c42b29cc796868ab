/* Reader of one velopix JSON event: clustered global VELO hits plus their MC particles. */
#ifndef KST_VELOPIX_H
#define KST_VELOPIX_H

#include <stdint.h>

#include "checker/mc_truth.h"
#include "configuration/geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kst_velopix_event {
  uint32_t n_hits;
  float *x, *y, *z;                            /* mm, sorted by module */
  uint32_t module_prefix[KST_VELO_MODULES + 1]; /* hits of module m: [prefix[m], prefix[m+1]) */
  /* Particles with their VELO ranges filled. The files carry hit indices, not LHCbIDs, so
   * mc.ids holds indices into x/y/z for now; UT/SciFi ranges, origin vertex, mother fields and
   * from_signal are not in the files and are zero. mc has no vertices. */
  kst_mc_event mc;
} kst_velopix_event;

/* Reads one event; ev is zeroed first and left zeroed on failure. */
kst_status kst_velopix_read(kst_velopix_event *ev, const char *path);
/* Frees what kst_velopix_read allocated and zeroes ev; safe on a zeroed event. */
void kst_velopix_free(kst_velopix_event *ev);

#ifdef __cplusplus
}
#endif
#endif
