/* Named features of a candidate for a network: a list of catalog codes from a comma-separated property, checked
   against the catalog when the sequence loads and against the network's own inputs when the run starts. */
#ifndef KST_FEATURES_H
#define KST_FEATURES_H

#include <stdint.h>

#include "device/event_model/network.h"
#include "kst_status.h"

/* The features' codes, passed to a kernel by value. */
typedef struct kst_feature_list {
  uint32_t n;
  uint32_t code[KST_NET_MAX_INPUTS];
} kst_feature_list;

/* A catalog of features: its size and the name of each code. */
typedef struct kst_feature_catalog {
  const char *kind; /* "vertex", "track", for messages */
  uint32_t count;
  const char *(*name)(uint32_t code);
} kst_feature_catalog;

#ifdef __cplusplus
extern "C" {
#endif
/* The codes of the comma-separated names in text; KST_ERR_CONFIG naming an unknown name and the known ones. */
kst_status kst_features_parse(const kst_feature_catalog *c, const char *text, kst_feature_list *f);
/* KST_ERR_CONFIG naming both lists unless the network (host copy of condition `condition`) takes exactly the features
   of f, in order: a network must not be fed what it was not trained on. */
kst_status kst_features_check(const kst_feature_catalog *c, const kst_feature_list *f, const kst_network *net,
                              const char *condition);
struct kst_ctx;
/* What a network algorithm's run needs: its features parsed from text and checked against the network of condition
   `condition`, and that network's device copy (KST_ERR_CONFIG when the condition is not loaded). */
kst_status kst_network_inputs(const struct kst_ctx *ctx, const kst_feature_catalog *c, const char *text,
                              const char *condition, kst_feature_list *f, const kst_network **device);
#ifdef __cplusplus
}
#endif
#endif
