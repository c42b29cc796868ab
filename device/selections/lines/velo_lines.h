/* VELO-track lines: the candidates are an event's VELO tracks (states at the beam line and at the last hit, their
   best PV). Micro-bias, beam-gas, displaced VELO tracks and material-vertex seeds. */
#ifndef KST_VELO_LINES_H
#define KST_VELO_LINES_H

#include "device/selections/line.h"

#define VELO_LINE_PARAMS(P) KST_LINE_PARAMS(P) KST_LINE_VELO_PARAMS(P)

#define VELO_MICRO_BIAS_LINE_PROPS(Q) \
  KST_LINE_PROPS(Q)                   \
  Q(min_hits, UINT, 1, "3", 3, 26, "VELO hits of a track, at least")
KST_ALGORITHM_ARGS(velo_micro_bias_line, VELO_LINE_PARAMS, VELO_MICRO_BIAS_LINE_PROPS)
KST_LINE_DECLARE(velo_micro_bias_line)

#define BEAM_GAS_LINE_PROPS(Q)                                                                             \
  KST_LINE_PROPS(Q)                                                                                        \
  Q(bx_types, UINT, 1, "2", 0, 15, "bunch-crossing types (bits: 1 empty, 2 beam 1, 4 beam 2, 8 beam-beam)") \
  Q(min_hits, UINT, 1, "12", 3, 26, "VELO hits of a track, at least")                                      \
  Q(min_z, FLOAT, 1, "-550", -10000, 10000, "z of the track's closest approach to the beam line, from (mm)") \
  Q(max_z, FLOAT, 1, "-300", -10000, 10000, "... to (mm)")
KST_ALGORITHM_ARGS(beam_gas_line, VELO_LINE_PARAMS, BEAM_GAS_LINE_PROPS)
KST_LINE_DECLARE(beam_gas_line)

#define DISPLACED_VELO_LINE_PROPS(Q)                                                                       \
  KST_LINE_PROPS(Q)                                                                                        \
  Q(min_hits, UINT, 1, "5", 3, 26, "VELO hits of a track, at least")                                       \
  Q(min_ip, FLOAT, 1, "0.3", 0, 1000, "IP to the best PV (mm), at least")                                   \
  Q(min_ip_chi2, FLOAT, 1, "25", 0, 1e9, "IP chi2 to the best PV, at least")
KST_ALGORITHM_ARGS(displaced_velo_line, VELO_LINE_PARAMS, DISPLACED_VELO_LINE_PROPS)
KST_LINE_DECLARE(displaced_velo_line)

#define MATERIAL_VERTEX_SEED_LINE_PROPS(Q)                                                                 \
  KST_LINE_PROPS(Q)                                                                                        \
  Q(min_hits, UINT, 1, "4", 3, 26, "VELO hits of a track, at least")                                       \
  Q(min_rho, FLOAT, 1, "3", 0, 100, "distance of the track's closest approach from the beam line (mm), from")  \
  Q(max_rho, FLOAT, 1, "25", 0, 100, "... to (mm): the RF foil and the modules' material")                \
  Q(max_z, FLOAT, 1, "700", -1000, 1000, "z of the closest approach, at most (mm)")
KST_ALGORITHM_ARGS(material_vertex_seed_line, VELO_LINE_PARAMS, MATERIAL_VERTEX_SEED_LINE_PROPS)
KST_LINE_DECLARE(material_vertex_seed_line)

#endif
