/* Evaluating a kst_network for one candidate, the same on the host and on every device: loops in a fixed order,
   no contraction (the build forbids it), and the portable exponential of kst_math.h. */
#ifndef KST_NETWORK_EVAL_H
#define KST_NETWORK_EVAL_H

#include "device/common/kst_math.h"
#include "device/event_model/network.h"
#include "kst_dialect.h"

/* 1 / (1 + e^-x), from e^-|x| so it neither overflows nor loses the small side. */
KST_HOST_DEVICE float kst_sigmoidf(float x) {
  const float e = kst_exp_negf(x < 0.0f ? -x : x);
  return x < 0.0f ? e / (1.0f + e) : 1.0f / (1.0f + e);
}

/* tanh from e^-2|x|. */
KST_HOST_DEVICE float kst_tanhf(float x) {
  const float e = kst_exp_negf(2.0f * (x < 0.0f ? -x : x));
  const float t = (1.0f - e) / (1.0f + e);
  return x < 0.0f ? -t : t;
}

/* The score of inputs x (n->n_inputs raw features). */
KST_HOST_DEVICE float kst_network_score(const kst_network *n, const float *x) {
  float a[KST_NET_MAX_WIDTH] = {0.0f}, b[KST_NET_MAX_WIDTH];
  float *in = a, *out = b;
  for (uint32_t i = 0; i < n->n_inputs; ++i) a[i] = (x[i] - n->mean[i]) * n->scale[i];
  uint32_t width = n->n_inputs;
  for (uint32_t l = 0; l < n->n_layers; ++l) {
    const float *w = &n->params[n->offset[l]], *bias = w + n->width[l] * width;
    for (uint32_t o = 0; o < n->width[l]; ++o) {
      float s = bias[o];
      for (uint32_t i = 0; i < width; ++i) s += w[o * width + i] * in[i];
      out[o] = s;
    }
    const uint32_t act = n->activation[l];
    for (uint32_t o = 0; o < n->width[l]; ++o) {
      if (act == KST_ACT_RELU) out[o] = out[o] > 0.0f ? out[o] : 0.0f;
      else if (act == KST_ACT_SIGMOID) out[o] = kst_sigmoidf(out[o]);
      else if (act == KST_ACT_TANH) out[o] = kst_tanhf(out[o]);
    }
    if (act == KST_ACT_GROUPSORT)
      for (uint32_t o = 0; o + 1 < n->width[l]; o += 2) {
        const float lo = out[o] < out[o + 1] ? out[o] : out[o + 1], hi = out[o] < out[o + 1] ? out[o + 1] : out[o];
        out[o] = lo, out[o + 1] = hi;
      }
    width = n->width[l];
    float *t = in;
    in = out, out = t;
  }
  if (n->kind == KST_NET_AUTOENCODER) {
    float s = 0.0f;
    for (uint32_t i = 0; i < n->n_inputs; ++i) {
      const float d = in[i] - (x[i] - n->mean[i]) * n->scale[i];
      s += d * d;
    }
    return s / (float)n->n_inputs;
  }
  float y = in[0];
  for (uint32_t i = 0; i < n->n_inputs; ++i) y += n->monotonic[i] * (x[i] - n->mean[i]) * n->scale[i];
  return n->sigmoid_output ? kst_sigmoidf(y) : y;
}

#endif
