/* Histogram of float values into equal-width bins: the first kernel written once in the dialect. */
#ifndef KST_HISTOGRAM_H
#define KST_HISTOGRAM_H

#include <stdint.h>

#include "kst_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Counts device values[0..n) into n_bins equal bins over [lo, hi) on stream; out-of-range values go to
   no bin. bins (device, n_bins entries) is zeroed first. */
kst_status kst_histogram_f32(const float *values, uint32_t n, float lo, float hi, uint32_t n_bins, uint32_t *bins,
                             kst_stream *stream);

#ifdef __cplusplus
}
#endif
#endif
