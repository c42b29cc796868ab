/* UT detector files: the readout map (ut_boards.bin) and the sector geometry (ut_geometry.bin), as conditions. */
#ifndef KST_UT_GEOMETRY_CONFIG_H
#define KST_UT_GEOMETRY_CONFIG_H

#include "device/event_model/ut_geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads LHCb's ut_boards.bin (version 3, 240 boards) and works out each used lane's sector index; every lane's
   channel id must agree with its fields, and sectors must map one to one. */
kst_status kst_ut_readout_load(kst_ut_readout *r, const char *path);
/* Reads LHCb's ut_geometry.bin (1048 sectors) and derives each sector's stereo slope dx/dy. */
kst_status kst_ut_geometry_load(kst_ut_geometry *g, const char *path);
/* The geometry index of a sector from its readout fields (LHCb's numbering, see docs/downstream.md); -1 when the
   fields are out of range. */
int kst_ut_sector_index(uint32_t side, uint32_t layer, uint32_t stave, uint32_t face, uint32_t module, uint32_t sector);

#ifdef __cplusplus
}
#endif
#endif
