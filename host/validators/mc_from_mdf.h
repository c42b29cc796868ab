/* MC truth of one MDF event: the particle and vertex banks gathered and parsed. */
#ifndef KST_MC_FROM_MDF_H
#define KST_MC_FROM_MDF_H

#include "checker/mc_truth.h"
#include "input/mdf.h"

/* The payloads of record's banks of this type concatenated in source-id order into a malloc'd *data (NULL, size 0
   when there are none), with their version (banks disagreeing on it are KST_ERR_FORMAT). */
kst_status kst_banks_concat(const kst_mdf_event *record, uint8_t type, uint8_t **data, size_t *size, int *version);
/* Fills ev from the MC particle (32) and vertex (33) banks of record; an event without them has no MC. */
kst_status kst_mc_event_from_mdf(const kst_mdf_event *record, kst_mc_event *ev);

#endif
