/* The SciFi detector file (scifi_geometry.bin): bank first channels and mat geometry, as a condition. */
#ifndef KST_SCIFI_GEOMETRY_CONFIG_H
#define KST_SCIFI_GEOMETRY_CONFIG_H

#include "device/event_model/scifi_geometry.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads LHCb's scifi_geometry.bin (3 stations of 4 layers, 240 banks, first-channel table version 0, 1536 mat
   slots); every count, the exact size and every used mat's numbers are checked. */
kst_status kst_scifi_geometry_load(kst_scifi_geometry *g, const char *path);

#ifdef __cplusplus
}
#endif
#endif
