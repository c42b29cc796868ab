/* Two-track lines: the candidates are an event's two-track vertices. A displaced two-track vertex, TwoTrackKs,
   D0 -> h h (one type, instances for K pi, K K and pi pi) and the two-track network line. */
#ifndef KST_TWO_TRACK_LINES_H
#define KST_TWO_TRACK_LINES_H

#include "device/selections/line.h"

#define TWO_TRACK_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_TWO_TRACK_PARAMS(P)

#define TWO_TRACK_LINE_PROPS(Q)                                                                                \
  KST_LINE_PROPS(Q)                                                                                            \
  KST_LINE_GHOST_PROPS(Q)                                                                                            \
  Q(min_track_pt, FLOAT, 1, "500", 0, 1e8, "each daughter's pT (MeV), at least")                                 \
  Q(min_track_ip_chi2, FLOAT, 1, "16", 0, 1e9, "each daughter's IP chi2, at least")                              \
  Q(min_sum_pt, FLOAT, 1, "3000", 0, 1e9, "the daughters' summed pT (MeV), at least")                            \
  Q(max_chi2, FLOAT, 1, "10", 0, 1e9, "vertex chi2, below")                                                      \
  Q(min_fd_chi2, FLOAT, 1, "150", 0, 1e12, "flight-distance chi2 from the PV, at least")                         \
  Q(min_mcor, FLOAT, 1, "1000", 0, 1e9, "corrected mass (MeV), at least")                                        \
  Q(min_eta, FLOAT, 1, "2", -10, 10, "composite's pseudorapidity, from")                                         \
  Q(max_eta, FLOAT, 1, "5", -10, 10, "... to")                                                                   \
  Q(min_dira, FLOAT, 1, "0", -1, 1, "cosine of the direction angle, at least")
KST_ALGORITHM_ARGS(two_track_line, TWO_TRACK_LINE_PARAMS, TWO_TRACK_LINE_PROPS)
KST_LINE_DECLARE(two_track_line)

/* LHCb's defaults (Allen's Hlt1TwoTrackKs), MeV and mm. */
#define TWO_TRACK_KS_LINE_PROPS(Q)                                                                             \
  KST_LINE_PROPS(Q)                                                                                            \
  KST_LINE_GHOST_PROPS(Q)                                                                                            \
  Q(max_chi2, FLOAT, 1, "20", 0, 1e9, "vertex chi2, below")                                                     \
  Q(min_pt, FLOAT, 1, "2500", 0, 1e9, "K0S pT (MeV), above")                                                    \
  Q(min_dira, FLOAT, 1, "0.99", -1, 1, "cosine of the direction angle, above")                                   \
  Q(min_eta, FLOAT, 1, "2", -10, 10, "K0S pseudorapidity, from")                                                 \
  Q(max_eta, FLOAT, 1, "4.2", -10, 10, "... to")                                                                 \
  Q(min_track_pt, FLOAT, 1, "470", 0, 1e8, "each pion's pT (MeV), above")                                        \
  Q(min_track_p, FLOAT, 1, "5000", 0, 1e9, "each pion's momentum (MeV), above")                                  \
  Q(min_track_ip_chi2, FLOAT, 1, "50", 0, 1e9, "each pion's IP chi2, above")                                     \
  Q(min_mass, FLOAT, 1, "455", 0, 1e6, "pi pi mass (MeV), from")                                                 \
  Q(max_mass, FLOAT, 1, "545", 0, 1e6, "... to")                                                                 \
  Q(min_cos_opening, FLOAT, 1, "0.99", -1, 1, "cosine of the pions' opening angle, above")                      \
  Q(min_comb_ip, FLOAT, 1, "0.72", 0, 1e6, "IP(pi1) IP(pi2) / IP(K0S) (mm), above")                             \
  Q(opposite_sign, BOOL, 1, "true", 0, 1, "opposite charges (false: same sign)")                               \
  Q(min_z, FLOAT, 1, "-341", -10000, 10000, "vertex and PV z, at least (mm)")
KST_ALGORITHM_ARGS(two_track_ks_line, TWO_TRACK_LINE_PARAMS, TWO_TRACK_KS_LINE_PROPS)
KST_LINE_DECLARE(two_track_ks_line)

/* LHCb's defaults (Allen's Hlt1D2KPi, D2KK, D2PiPi), MeV and mm. */
#define D0_HH_LINE_PROPS(Q)                                                                                    \
  KST_LINE_PROPS(Q)                                                                                            \
  KST_LINE_GHOST_PROPS(Q)                                                                                            \
  Q(masses, FLOAT, 2, "[493.677, 139.57039]", 0, 1e6, "the daughters' mass hypotheses (MeV); both orders are tried") \
  Q(min_pt, FLOAT, 1, "2000", 0, 1e9, "D0 pT (MeV), above")                                                     \
  Q(max_chi2, FLOAT, 1, "20", 0, 1e9, "vertex chi2, below")                                                     \
  Q(max_doca, FLOAT, 1, "0.2", 0, 1000, "DOCA (mm), below")                                                      \
  Q(min_eta, FLOAT, 1, "2", -10, 10, "D0 pseudorapidity, from")                                                  \
  Q(max_eta, FLOAT, 1, "5", -10, 10, "... to")                                                                   \
  Q(min_track_pt, FLOAT, 1, "800", 0, 1e8, "each daughter's pT (MeV), above")                                    \
  Q(min_track_ip, FLOAT, 1, "0.06", 0, 1000, "each daughter's IP (mm), above")                                   \
  Q(ct_ip_scale, FLOAT, 1, "1", 0, 1000, "the D0's proper decay length must exceed this times min_track_ip")    \
  Q(mass_window, FLOAT, 1, "100", 0, 1e6, "|m - m(D0)| (MeV), below")                                           \
  Q(opposite_sign, BOOL, 1, "true", 0, 1, "opposite charges (false: same sign)")                               \
  Q(min_z, FLOAT, 1, "-341", -10000, 10000, "vertex and PV z, at least (mm)")
KST_ALGORITHM_ARGS(d0_hh_line, TWO_TRACK_LINE_PARAMS, D0_HH_LINE_PROPS)
KST_LINE_DECLARE(d0_hh_line)

/* The two-track network line: sv_network's score per vertex, above a threshold, after a preselection. */
#define TWO_TRACK_NN_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_TWO_TRACK_PARAMS(P) P(dev_sv_scores, DEVICE_INPUT, float)
#define TWO_TRACK_NN_LINE_PROPS(Q)                                                                                \
  KST_LINE_PROPS(Q)                                                                                               \
  KST_LINE_GHOST_PROPS(Q)                                                                                               \
  Q(min_score, FLOAT, 1, "0.95", -1e9, 1e9, "the network's score, above")                                          \
  Q(min_track_ip_chi2, FLOAT, 1, "4", 0, 1e9, "each daughter's IP chi2, at least (preselection)")                   \
  Q(max_chi2, FLOAT, 1, "10", 0, 1e9, "vertex chi2, below (preselection)")                                         \
  Q(min_mcor, FLOAT, 1, "1000", 0, 1e9, "corrected mass (MeV), at least (preselection)")                           \
  Q(min_eta, FLOAT, 1, "2", -10, 10, "composite's pseudorapidity, from (preselection)")                            \
  Q(max_eta, FLOAT, 1, "5", -10, 10, "... to")
KST_ALGORITHM_ARGS(two_track_nn_line, TWO_TRACK_NN_LINE_PARAMS, TWO_TRACK_NN_LINE_PROPS)
KST_LINE_DECLARE(two_track_nn_line)

#endif
