/* MC truth of one MDF event: the particle and vertex banks gathered and parsed. */
#ifndef KST_MC_FROM_MDF_H
#define KST_MC_FROM_MDF_H

#include "checker/mc_truth.h"
#include "input/mdf.h"

/* Fills ev from the MC particle (32) and vertex (33) banks of record; an event without them has no MC. */
kst_status kst_mc_event_from_mdf(const kst_mdf_event *record, kst_mc_event *ev);

#endif
