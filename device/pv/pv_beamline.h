/* pv_beamline: primary vertices from VELO tracks: z histogram at the beam line, peaks, adaptive multi-vertex fit. */
#ifndef KST_PV_BEAMLINE_H
#define KST_PV_BEAMLINE_H

#include "device/event_model/pvs.h"
#include "device/event_model/velo_tracks.h"
#include "device/event_model/event_list.h"
#include "device/common/kst_algorithm.h"

#define PV_BEAMLINE_PARAMS(P)                               \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)          \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)         \
  P(dev_velo_states_beam, DEVICE_INPUT, kst_velo_state)     \
  P(dev_pvs, DEVICE_OUTPUT, kst_pv)                         \
  P(dev_pv_counts, DEVICE_OUTPUT, uint32_t)                 \
  P(dev_pv_flags, DEVICE_OUTPUT, uint32_t)                  \
  P(dev_pv_seeds, DEVICE_SCRATCH, float)                   \
  P(dev_track_weight_sum, DEVICE_SCRATCH, float)           \
  P(dev_tracks_by_z, DEVICE_SCRATCH, float)
#define PV_BEAMLINE_PROPS(Q)                                                                                    \
  Q(beamline, FLOAT, 2, "[0, 0]", -10, 10, "beam line x and y (mm)")                                             \
  Q(z_range, FLOAT, 2, "[-300, 300]", -2000, 2000, "z range of the histogram (mm)")                              \
  Q(bin_width, FLOAT, 1, "0.2", 0.01, 10, "histogram bin width (mm)")                                            \
  Q(max_track_doca, FLOAT, 1, "0.5", 0, 100, "tracks farther than this from the beam line (mm) do not seed")     \
  Q(max_kernel_width, FLOAT, 1, "2.0", 0.01, 100, "largest half-width (mm) of a track's contribution to the histogram") \
  Q(peak_min_tracks, FLOAT, 1, "2", 0, 1000, "a peak needs this much track weight to become a seed")           \
  Q(peak_dip_ratio, FLOAT, 1, "0.7", 0, 1, "two maxima are separate seeds when the dip between is below this")   \
  Q(fit_window, FLOAT, 1, "10", 0.1, 1000, "tracks farther than this in z (mm) from a vertex are not considered for it") \
  Q(max_chi2, FLOAT, 1, "12", 0.1, 170, "tracks with a larger chi2 to a vertex get zero weight for it")          \
  Q(chi2_cut, FLOAT, 1, "4", 0.1, 170, "a track alone on a vertex at this chi2 gets weight one half (outlier term)") \
  Q(min_track_weight, FLOAT, 1, "0.05", 0, 1, "a track counts in a vertex's n_tracks above this weight")         \
  Q(iterations, UINT, 1, "5", 1, 100, "adaptive fit iterations")                                                \
  Q(seed_passes, UINT, 1, "2", 1, 5, "seeding passes: later ones seed from the tracks no vertex took")            \
  Q(rescue_weight_factor, FLOAT, 1, "1.6", 1, 100, "later passes need this times peak_min_tracks of weight")     \
  Q(min_tracks, UINT, 1, "4", 1, 1000, "a vertex needs this many tracks above min_track_weight")                  \
  Q(max_sigma_z, FLOAT, 1, "2.0", 0, 1000, "a vertex whose z uncertainty (mm) is larger is dropped")             \
  Q(min_separation, FLOAT, 1, "0.2", 0, 100, "of two fitted vertices closer than this (mm) in z, the smaller goes") \
  Q(min_separation_sigmas, FLOAT, 1, "5", 0, 100, "... or closer than this many combined z uncertainties")      \
  Q(min_own_tracks, UINT, 1, "2", 0, 1000, "... or the smaller has fewer than this many tracks fitting it (chi2 < chi2_cut) and not the other (>= max_chi2)") \
  Q(merge_iterations, UINT, 1, "3", 0, 100, "fit rounds after a merge, for the survivor to take back the shared tracks") \
  Q(max_pvs, UINT, 1, "32", 1, 1024, "vertex capacity per event")                                                 \
  Q(block_dim, UINT, 1, "128", 1, 256, "threads per block (one block per event)")
KST_ALGORITHM_ARGS(pv_beamline, PV_BEAMLINE_PARAMS, PV_BEAMLINE_PROPS)

/* dev_tracks_by_z: an event's n tracks ordered by their z at the beam line, as PV_TRACK_FIELDS runs of n +
   PV_STRIPES floats, the last PV_STRIPES spare (event e, whose first track is t0, starts at PV_TRACK_FIELDS * (t0 +
   PV_STRIPES * e)): the beam-line state's position, slopes and covariance, and the z of closest approach to the beam
   line. dev_track_weight_sum has the same layout with one run. */
enum { PV_X, PV_Y, PV_Z, PV_TX, PV_TY, PV_C00, PV_C20, PV_C22, PV_C11, PV_C31, PV_C33, PV_BEAM_Z, PV_TRACK_FIELDS };
#define PV_STRIPES 32u

#ifdef __cplusplus
extern "C" {
#endif
/* Launches the finder, one block per listed event. */
kst_status kst_pv_beamline_launch(pv_beamline_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
