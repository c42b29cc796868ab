/* One-track lines' descriptors. */
#include "device/selections/lines/one_track_lines.h"

KST_LINE_ALGORITHM(track_mva_line, ONE_TRACK_LINE_PARAMS, TRACK_MVA_LINE_PROPS, ONE_TRACK,
                   "one-track line: LHCb's TrackMVA, a hyperbolic cut in pT and IP chi2");
KST_LINE_ALGORITHM(high_pt_track_line, ONE_TRACK_LINE_PARAMS, HIGH_PT_TRACK_LINE_PROPS, ONE_TRACK,
                   "one-track line: a single long track of high pT");
