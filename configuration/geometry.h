/* VELO geometry: module z, sensor column table and per-sensor local<->global transforms. */
#ifndef KST_GEOMETRY_H
#define KST_GEOMETRY_H

#include "device/event_model/velo_geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads LHCb's velo_geometry.bin (four counted f32 arrays); every count and the exact size are checked. */
kst_status kst_geometry_load_lhcb(kst_velo_geometry *g, const char *path);
/* Reads Kestrel's JSON geometry (docs/geometry.md). */
kst_status kst_geometry_load_json(kst_velo_geometry *g, const char *path);
/* Writes Kestrel's JSON geometry; floats are printed in their shortest exact form. */
kst_status kst_geometry_save_json(const kst_velo_geometry *g, const char *path);
/* Reads either format, chosen by content: JSON when the first non-blank byte is '{'. */
kst_status kst_geometry_load(kst_velo_geometry *g, const char *path);
/* Fills g with Kestrel's ideal LHCb-like VELO (computed, not read; see docs/geometry.md). */
void kst_geometry_ideal(kst_velo_geometry *g);

/* Sensor-local (lx, ly, 0) to global (x, y, z) in mm. */
void kst_geometry_local_to_global(const kst_velo_geometry *g, int sensor, float lx, float ly,
                                  float out[3]);
/* Global to sensor-local; lz is the distance from the sensor plane. */
void kst_geometry_global_to_local(const kst_velo_geometry *g, int sensor, const float p[3],
                                  float *lx, float *ly, float *lz);
/* Inverse of the decoding formula lx = local_x[c] + frac * x_pitch[c]: returns the column c whose
 * cell [local_x[c], local_x[c+1]) holds lx (the last cell is local_x[767] + x_pitch[767] wide) and
 * frac in [0,1); -1 when lx lies outside all cells. local_x is a column centre, so a cell runs from
 * one centre to the next. frac may be NULL. */
int kst_geometry_column_of(const kst_velo_geometry *g, float lx, float *frac);

#ifdef __cplusplus
}
#endif
#endif
