/* One-track lines: the candidates are an event's long tracks (fitted state, q/p, best PV). TrackMVA (LHCb's
   hyperbolic cut in pT and IP chi2) and a high-pT single track. */
#ifndef KST_ONE_TRACK_LINES_H
#define KST_ONE_TRACK_LINES_H

#include "device/selections/line.h"

#define ONE_TRACK_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_ONE_TRACK_PARAMS(P)

/* LHCb's defaults (Allen's Hlt1TrackMVA), in MeV and mm. */
#define TRACK_MVA_LINE_PROPS(Q)                                                                               \
  KST_LINE_PROPS(Q)                                                                                           \
  KST_LINE_GHOST_PROPS(Q)                                                                                           \
  Q(max_chi2ndof, FLOAT, 1, "2.5", 0, 1e9, "track fit chi2 per degree of freedom, below")                     \
  Q(min_pt, FLOAT, 1, "2000", 0, 1e8, "shifted pT where the hyperbola starts (MeV)")                            \
  Q(max_pt, FLOAT, 1, "26000", 0, 1e8, "shifted pT above which only the IP chi2 cut applies (MeV)")             \
  Q(min_ip_chi2, FLOAT, 1, "7.4", 0, 1e9, "IP chi2 at and above max_pt")                                        \
  Q(param1, FLOAT, 1, "1e6", -1e12, 1e12, "hyperbola: log(IP chi2) > param1 / (pT - param2)^2 + ... (MeV^2)")   \
  Q(param2, FLOAT, 1, "2000", -1e8, 1e8, "hyperbola's pT offset (MeV)")                                         \
  Q(param3, FLOAT, 1, "1.248", -1e3, 1e3, "... + param3 (max_pt - pT) / max_pt + log(min_ip_chi2)")              \
  Q(alpha, FLOAT, 1, "296", -1e6, 1e6, "pT shift (MeV)")                                                        \
  Q(min_pv_z, FLOAT, 1, "-341", -10000, 10000, "z of the best PV, above (mm)")
KST_ALGORITHM_ARGS(track_mva_line, ONE_TRACK_LINE_PARAMS, TRACK_MVA_LINE_PROPS)
KST_LINE_DECLARE(track_mva_line)

#define HIGH_PT_TRACK_LINE_PROPS(Q)                                                                           \
  KST_LINE_PROPS(Q)                                                                                           \
  KST_LINE_GHOST_PROPS(Q)                                                                                           \
  Q(min_pt, FLOAT, 1, "10000", 0, 1e8, "track pT (MeV), at least")                                              \
  Q(min_p, FLOAT, 1, "20000", 0, 1e9, "track momentum (MeV), at least")                                         \
  Q(max_chi2ndof, FLOAT, 1, "2.5", 0, 1e9, "track fit chi2 per degree of freedom, below")
KST_ALGORITHM_ARGS(high_pt_track_line, ONE_TRACK_LINE_PARAMS, HIGH_PT_TRACK_LINE_PROPS)
KST_LINE_DECLARE(high_pt_track_line)

#endif
