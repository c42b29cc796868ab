/* forward_tracking: every VELO track extended into the SciFi through a calibrated magnet model (docs/long.md). */
#ifndef KST_FORWARD_TRACKING_H
#define KST_FORWARD_TRACKING_H

#include "device/common/kst_algorithm.h"
#include "device/event_model/event_list.h"
#include "device/event_model/long_tracks.h"
#include "device/event_model/scifi_hits.h"
#include "device/event_model/velo_tracks.h"

#define FORWARD_TRACKING_PARAMS(P)                              \
  P(dev_event_list, DEVICE_INPUT, kst_event_list_word)          \
  P(dev_velo_track_offsets, DEVICE_INPUT, uint32_t)             \
  P(dev_velo_states_end, DEVICE_INPUT, kst_velo_state)          \
  P(dev_velo_track_n_hits, DEVICE_INPUT, uint32_t)              \
  P(dev_scifi_hits, DEVICE_INPUT, kst_scifi_hit_bytes)          \
  P(dev_scifi_hit_offsets, DEVICE_INPUT, uint32_t)              \
  P(dev_long_tracks, DEVICE_OUTPUT, kst_long_track)             \
  P(dev_long_scifi_hits, DEVICE_OUTPUT, uint32_t)              \
  P(dev_long_keep, DEVICE_SCRATCH, uint32_t)

/* The magnet model's numbers come from tools/forward_calibration.py on the LHCb sample (docs/long.md). */
#define FORWARD_TRACKING_PROPS(Q)                                                                                     \
  Q(z_ref, FLOAT, 1, "8520", 7000, 10000, "z of the T-station reference plane (mm)")                                 \
  Q(cubic, FLOAT, 1, "-0.00028", -0.01, 0.01, "cubic term of the T-station model x = a + b dz + c dz^2 (1 + cubic dz)") \
  Q(kick_z, FLOAT, 4, "[5201.34, 371.2, -443.46, -135.31]", -20000, 20000,                                          \
    "kick position z = k0 + k1 dtx^2 + k2 tx^2 + k3 ty^2 (mm), dtx the slope change")                               \
  Q(curvature, FLOAT, 3, "[2.1628e-05, 1.2368e-07, -3.3507e-04]", -1, 1,                                            \
    "T-station curvature per unit of slope change, c0 + c1 tx^2 + c2 ty^2 (1/mm)")                                 \
  Q(momentum_scale, FLOAT, 3, "[1222.79, 1532.34, 2437.44]", -100000, 100000,                                       \
    "slope change times momentum, m0 + m1 tx^2 + m2 ty^2 (MeV): sets the search windows")                           \
  Q(z_state, FLOAT, 1, "9410", 7000, 10000, "z of the T state whose slope gives the momentum (mm)")               \
  Q(momentum, FLOAT, 8, "[1239.4073749458162, 486.05664058906814, 6.7158701518424815, 632.7283787142547, 2358.5758035677504, -9256.27946160669, 241.4601040854867, 42.04859549174048]", -100000, 100000, \
    "LHCb's bend-to-momentum parametrisation (MeV): q p = -polarity coef / (txT - txV) + sign c7, coef = c0 + txT^2 (c1 + c2 txT^2) + c3 txT txV + tyV^2 (c4 + c5 tyV^2) + c6 txV^2") \
  Q(min_p, FLOAT, 1, "3000", 100, 1000000, "smallest momentum searched for (MeV): sets the search windows")        \
  Q(min_end_z, FLOAT, 1, "-50", -1000, 1000, "VELO tracks whose last hit lies upstream of this z go backward and are not extended (mm)") \
  Q(max_slope, FLOAT, 1, "0.4", 0.01, 2, "VELO tracks steeper than this in x or y are not extended")               \
  Q(y_tolerance, FLOAT, 1, "50", 0, 1000, "how far past a fibre's end, or past y = 0 into the other half, a hit counts (mm)") \
  Q(window, FLOAT, 2, "[1.5, 4.0]", 0, 1000, "x-layer hits of one track agree at the reference plane within w0 + w1 |dtx| (mm)") \
  Q(uv_tolerance, FLOAT, 1, "3.0", 0, 100, "stereo hits are taken this close to the predicted x (mm)")             \
  Q(max_residual, FLOAT, 1, "0.4", 0, 100, "hits farther than this from the fitted segment are dropped (mm)")      \
  Q(max_rms, FLOAT, 1, "0.2", 0, 100, "a long track's SciFi hits lie this close to its segment, root mean square (mm)") \
  Q(y_prior, FLOAT, 3, "[0.1, 6.0, 0.002]", 0.000001, 1000,                                                        \
    "the segment fit's hit resolution (mm) and the spread of the stereo hits' y around the VELO line at z_ref (mm) and of its slope") \
  Q(max_dy, FLOAT, 1, "30", 0, 1000, "the stereo hits may move the VELO line's y at z_ref by this much (mm)")     \
  Q(max_dty, FLOAT, 1, "0.004", 0, 1, "and its y slope by this much")                                               \
  Q(velo_hit_weight, FLOAT, 1, "3.0", 0, 100, "of two tracks sharing a T segment, each VELO hit counts this much against the quality") \
  Q(min_x_layers, UINT, 1, "4", 3, 6, "x layers a long track needs")                                               \
  Q(min_layers, UINT, 1, "10", 3, 12, "SciFi layers a long track needs")                                            \
  Q(block_dim, UINT, 1, "64", 1, 1024, "threads per block (one block per event, one thread per VELO track)")
KST_ALGORITHM_ARGS(forward_tracking, FORWARD_TRACKING_PARAMS, FORWARD_TRACKING_PROPS)

struct kst_magnet;
#ifdef __cplusplus
extern "C" {
#endif
/* Launches the forward search, one block per listed event. */
kst_status kst_forward_tracking_launch(forward_tracking_args a, const struct kst_magnet *magnet, kst_stream *stream);
#ifdef __cplusplus
}
#endif
#endif
