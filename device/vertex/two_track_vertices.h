/* two_track_vertices: pairs of long tracks that pass a prefilter, fitted to a common vertex, with the quantities
   selections cut on (docs/vertexing.md). */
#ifndef KST_TWO_TRACK_VERTICES_H
#define KST_TWO_TRACK_VERTICES_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/pvs.h"
#include "device/event_model/secondary_vertices.h"
#include "device/event_model/velo_tracks.h"

#define TWO_TRACK_VERTICES_PARAMS(P)                          \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)        \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)           \
  P(dev_long_tracks, DEVICE_INPUT, kst_long_track)            \
  P(dev_long_states_beam, DEVICE_INPUT, kst_velo_state)       \
  P(dev_track_pv, DEVICE_INPUT, kst_track_pv)                 \
  P(dev_pvs, DEVICE_INPUT, kst_pv)                            \
  P(dev_pv_counts, DEVICE_INPUT, uint32_t)                    \
  P(dev_svs, DEVICE_OUTPUT, kst_sv)                           \
  P(dev_sv_counts, DEVICE_OUTPUT, uint32_t)                   \
  P(dev_sv_flags, DEVICE_OUTPUT, uint32_t)                    \
  P(dev_sv_tracks, DEVICE_SCRATCH, uint32_t)

#define TWO_TRACK_VERTICES_PROPS(Q)                                                                                  \
  Q(min_pt, FLOAT, 1, "200", 0, 1e7, "each daughter's transverse momentum (MeV), at least")                        \
  Q(min_p, FLOAT, 1, "1000", 0, 1e8, "each daughter's momentum (MeV), at least")                                     \
  Q(min_ip_chi2, FLOAT, 1, "0.5", 0, 1e9, "each daughter's IP chi2 to its best PV, at least")                         \
  Q(min_ip, FLOAT, 1, "0", 0, 1000, "each daughter's IP to its best PV (mm), at least")                             \
  Q(min_pt_either, FLOAT, 1, "1000", 0, 1e7, "one daughter's transverse momentum (MeV), at least")                   \
  Q(min_ip_chi2_either, FLOAT, 1, "4", 0, 1e9, "one daughter's IP chi2, at least")                                  \
  Q(max_chi2ndof, FLOAT, 1, "10", 0, 1e9, "a daughter's VELO fit chi2 per degree of freedom, at most")              \
  Q(same_pv, BOOL, 1, "false", 0, 1, "both daughters associated with the same PV")                                  \
  Q(max_doca, FLOAT, 1, "1.0", 0, 1000, "distance of closest approach of the two tracks (mm), at most")              \
  Q(max_chi2, FLOAT, 1, "30", 0, 1e9, "vertex fit chi2, at most")                                                    \
  Q(masses, FLOAT, 2, "[139.57039, 139.57039]", 0, 1e6, "mass hypotheses of the first and second daughter (MeV)")     \
  Q(max_tracks, UINT, 1, "256", 2, 4096, "tracks per event that pass the prefilter, at most (then flagged)")         \
  Q(max_svs, UINT, 1, "1024", 1, 1000000, "vertices per event, at most (then flagged)")                             \
  Q(block_dim, UINT, 1, "128", 1, 1024, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(two_track_vertices, TWO_TRACK_VERTICES_PARAMS, TWO_TRACK_VERTICES_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches one block per listed event. */
kst_status kst_two_track_vertices_launch(two_track_vertices_args a, uint32_t pvs_per_event, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
