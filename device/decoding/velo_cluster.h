/* One retina cluster word to a global position and LHCbID; shared by the decoding kernel and the tests. */
#ifndef KST_VELO_CLUSTER_H
#define KST_VELO_CLUSTER_H

#include "device/event_model/velo_geometry.h"
#include "kst_dialect.h"

/* The LHCbID of a cluster on sensor (formats document, section 2). */
KST_HOST_DEVICE uint32_t kst_velo_cluster_id(uint32_t sensor, uint32_t word) {
  const uint32_t cx = (word >> 12) & 0x3FFu, xf = (word >> 10) & 3u, cy = (word >> 2) & 0xFFu, yf = word & 3u;
  const uint32_t channel =
      ((xf != 0u) << 27) | ((yf != 0u) << 26) | (sensor << 18) | ((cx >> 8) << 16) | ((cx & 0xFFu) << 8) | cy;
  return (2u << 28) | (channel & 0x0FFFFFFFu);
}

/* Decodes word (column < 768 already checked) on sensor into global x, y, z and its LHCbID. */
KST_HOST_DEVICE void kst_velo_decode_cluster(const struct kst_velo_geometry *g, uint32_t sensor, uint32_t word, float *x,
                                             float *y, float *z, uint32_t *id) {
  const uint32_t cx = (word >> 12) & 0x3FFu, xf = (word >> 10) & 3u, cy = (word >> 2) & 0xFFu, yf = word & 3u;
  const float lx = g->local_x[cx] + (float)xf * 0.25f * g->x_pitch[cx];
  const float ly = ((float)cy + 0.5f + (float)yf * 0.25f) * g->pixel_size;
  const float *m = g->transform[sensor];
  *x = m[0] * lx + m[1] * ly + m[9];
  *y = m[3] * lx + m[4] * ly + m[10];
  *z = m[6] * lx + m[7] * ly + m[11];
  *id = kst_velo_cluster_id(sensor, word);
}

#endif
