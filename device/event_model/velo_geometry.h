/* The VELO geometry as kernels see it (the velo_geometry condition's device view): module z, the column table and
   the per-sensor transforms; configuration/geometry.h loads it. */
#ifndef KST_VELO_GEOMETRY_H
#define KST_VELO_GEOMETRY_H

#define KST_VELO_MODULES 52
#define KST_VELO_SENSORS 208
#define KST_VELO_SENSORS_PER_MODULE 4 /* module = sensor / 4 */
#define KST_VELO_COLUMNS 768          /* 3 chips of 256 columns */
#define KST_VELO_ROWS 256
#define KST_VELO_PIXEL_SIZE 0.055f    /* row pitch and regular column pitch, mm */

typedef struct kst_velo_geometry {
  float module_z[KST_VELO_MODULES];
  float local_x[KST_VELO_COLUMNS]; /* decoded lx of a cluster at column c with zero x fraction */
  float x_pitch[KST_VELO_COLUMNS]; /* spacing to the next column's local_x; the fraction scales it */
  float transform[KST_VELO_SENSORS][12]; /* rotation row-major then translation, as in the formats doc */
  float inverse[KST_VELO_SENSORS][12];   /* global->local, precomputed at load */
  float pixel_size;                      /* 0.055 mm (row pitch) */
} kst_velo_geometry;

#endif
