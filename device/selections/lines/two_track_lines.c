/* Two-track lines' descriptors. */
#include "device/selections/lines/two_track_lines.h"

KST_LINE_ALGORITHM(two_track_line, TWO_TRACK_LINE_PARAMS, TWO_TRACK_LINE_PROPS, TWO_TRACK,
                   "two-track line: a displaced two-track vertex (pT, IP chi2, flight-distance chi2, corrected mass)");
KST_LINE_ALGORITHM(two_track_ks_line, TWO_TRACK_LINE_PARAMS, TWO_TRACK_KS_LINE_PROPS, TWO_TRACK,
                   "two-track line: K0S -> pi+ pi- (LHCb's TwoTrackKs cuts)");
KST_LINE_ALGORITHM(d0_hh_line, TWO_TRACK_LINE_PARAMS, D0_HH_LINE_PROPS, TWO_TRACK,
                   "two-track line: D0 -> h h under the masses given, either order (LHCb's D2KPi, D2KK, D2PiPi cuts)");
KST_LINE_ALGORITHM(two_track_nn_line, TWO_TRACK_NN_LINE_PARAMS, TWO_TRACK_NN_LINE_PROPS, TWO_TRACK,
                   "two-track line: a network's score per vertex (sv_network) above min_score, after a preselection "
                   "(LHCb's TwoTrackMVA)");
