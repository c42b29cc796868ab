/* Network weights from JSON: the loader of the network conditions (docs/networks.md). */
#ifndef KST_CONFIGURATION_NETWORK_H
#define KST_CONFIGURATION_NETWORK_H

#include "device/event_model/network.h"
#include "kst_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KST_NETWORK_FORMAT "kestrel-network-1"

/* Reads and checks a network file; KST_ERR_FORMAT naming the file and the key of the first problem. */
kst_status kst_network_load(kst_network *n, const char *path);

#ifdef __cplusplus
}
#endif
#endif
