/* long_track_fit: each long track's VELO hits refitted with a Kalman filter whose multiple scattering comes from the
   track's momentum, giving its state at the beam line with covariance and chi2 (docs/vertexing.md). */
#ifndef KST_LONG_TRACK_FIT_H
#define KST_LONG_TRACK_FIT_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/velo_hits.h"
#include "device/event_model/velo_tracks.h"

#define LONG_TRACK_FIT_PARAMS(P)                              \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)        \
  P(dev_velo_hits, DEVICE_INPUT, kst_velo_hit_bytes)          \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)           \
  P(dev_velo_track_hit_begin, DEVICE_INPUT, uint32_t)         \
  P(dev_velo_track_n_hits, DEVICE_INPUT, uint32_t)            \
  P(dev_velo_track_hits, DEVICE_INPUT, uint32_t)              \
  P(dev_velo_states_beam, DEVICE_INPUT, kst_velo_state)       \
  P(dev_long_tracks, DEVICE_INPUT, kst_long_track)            \
  P(dev_long_states_beam, DEVICE_OUTPUT, kst_velo_state)

#define LONG_TRACK_FIT_PROPS(Q)                                                                                       \
  Q(hit_error, FLOAT, 1, "0.012", 0.0001, 1, "VELO hit position uncertainty (mm)")                                   \
  Q(station_x0, FLOAT, 1, "0.01", 0, 1, "radiation lengths of material per VELO hit crossed at normal incidence")      \
  Q(foil_x0, FLOAT, 1, "0.02", 0, 1, "radiation lengths between the first hit and the beam line (the RF foil; the LHCb sample's IP pulls)")      \
  Q(mass, FLOAT, 1, "139.57", 0, 10000, "mass assumed for the scattering's velocity (MeV)")                           \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (one block per event, one thread per VELO track)")
KST_ALGORITHM_ARGS(long_track_fit, LONG_TRACK_FIT_PARAMS, LONG_TRACK_FIT_PROPS)

#ifdef __cplusplus
extern "C" {
#endif
/* Launches one block per listed event. */
kst_status kst_long_track_fit_launch(long_track_fit_args a, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
