/* VELO-track lines' descriptors. */
#include "device/selections/lines/velo_lines.h"

KST_LINE_ALGORITHM(velo_micro_bias_line, VELO_LINE_PARAMS, VELO_MICRO_BIAS_LINE_PROPS, VELO,
                   "VELO line: events with VELO tracks (micro-bias; min_candidates tracks of min_hits hits)");
KST_LINE_ALGORITHM(beam_gas_line, VELO_LINE_PARAMS, BEAM_GAS_LINE_PROPS, VELO,
                   "VELO line: tracks from upstream of the luminous region in one-beam crossings (beam-gas)");
KST_LINE_ALGORITHM(displaced_velo_line, VELO_LINE_PARAMS, DISPLACED_VELO_LINE_PROPS, VELO,
                   "VELO line: min_candidates VELO tracks displaced from their best PV");
KST_LINE_ALGORITHM(material_vertex_seed_line, VELO_LINE_PARAMS, MATERIAL_VERTEX_SEED_LINE_PROPS, VELO,
                   "VELO line: tracks passing the beam line at the radius of the VELO's material (vertex seeds)");
