/* The SciFi as kernels see it (scifi_geometry condition): the first channel of each readout bank and the geometry of
   each mat; configuration/scifi_geometry.h loads it. */
#ifndef KST_SCIFI_GEOMETRY_H
#define KST_SCIFI_GEOMETRY_H

#include <stdint.h>

#define KST_SCIFI_BANKS 240
#define KST_SCIFI_MATS 1536    /* mat slots: mat index = (channel id bits 9..19) - 512 */
#define KST_SCIFI_LAYERS 12
#define KST_SCIFI_ZONES 24     /* zone = 2 layer + (quarter >= 2): a layer's bottom (y < 0) and top halves */
#define KST_SCIFI_DETECTOR 5u  /* LHCbID detector type */

/* Per mat m: the fibre of a channel at u (mm along the mat) ends at mirror + u ddx, near y = 0, and runs with slopes
   dxdy and dzdy for global_dy in y (negative for the bottom quarters). */
typedef struct kst_scifi_geometry {
  uint32_t first_channel[KST_SCIFI_BANKS]; /* channel id (no detector type) of each bank's link 0, cell 0 */
  float mirror_x[KST_SCIFI_MATS], mirror_y[KST_SCIFI_MATS], mirror_z[KST_SCIFI_MATS];
  float ddx_x[KST_SCIFI_MATS], ddx_y[KST_SCIFI_MATS], ddx_z[KST_SCIFI_MATS];
  float u_begin[KST_SCIFI_MATS], half_pitch[KST_SCIFI_MATS], die_gap[KST_SCIFI_MATS], sipm_pitch[KST_SCIFI_MATS];
  float dxdy[KST_SCIFI_MATS], dzdy[KST_SCIFI_MATS], global_dy[KST_SCIFI_MATS];
} kst_scifi_geometry;

#endif
