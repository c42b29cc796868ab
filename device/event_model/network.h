/* A feed-forward network as the device evaluates it: input standardisation, dense layers with their activations, an
   optional monotonic term, and the score it gives (docs/networks.md). A condition: loaded from JSON once per run. */
#ifndef KST_NETWORK_H_MODEL
#define KST_NETWORK_H_MODEL

#include <stdint.h>

#define KST_NET_MAX_INPUTS 16u
#define KST_NET_MAX_LAYERS 6u
#define KST_NET_MAX_WIDTH 64u
#define KST_NET_MAX_PARAMS 16384u
#define KST_NET_NAME 32u

/* Activations of a layer. GroupSort sorts each pair of outputs (the group size 2 of LHCb's Lipschitz networks). */
typedef enum kst_activation {
  KST_ACT_LINEAR,
  KST_ACT_RELU,
  KST_ACT_GROUPSORT,
  KST_ACT_SIGMOID,
  KST_ACT_TANH
} kst_activation;

/* What the network's output is. A classifier's score is its one output, after the monotonic term and, when asked,
   a sigmoid; an autoencoder's is the mean squared difference between its outputs and its standardised inputs. */
typedef enum kst_network_kind { KST_NET_CLASSIFIER, KST_NET_AUTOENCODER } kst_network_kind;

typedef struct kst_network {
  uint32_t kind;                          /* kst_network_kind */
  uint32_t n_inputs, n_layers;
  uint32_t width[KST_NET_MAX_LAYERS];     /* outputs of layer l */
  uint32_t activation[KST_NET_MAX_LAYERS];
  uint32_t offset[KST_NET_MAX_LAYERS];    /* into params: layer l's weights (width x inputs, row-major), then biases */
  float mean[KST_NET_MAX_INPUTS];         /* x' = (x - mean) * scale */
  float scale[KST_NET_MAX_INPUTS];
  float monotonic[KST_NET_MAX_INPUTS];    /* a classifier adds sum_i monotonic[i] x'_i to its output (LHCb's
                                             monotonic Lipschitz term: lambda times +1, -1 or 0 per input) */
  uint32_t sigmoid_output;                /* a classifier's score is the sigmoid of its output */
  char features[KST_NET_MAX_INPUTS][KST_NET_NAME]; /* the inputs' names, checked against the sequence's */
  float params[KST_NET_MAX_PARAMS];
} kst_network;

#endif
