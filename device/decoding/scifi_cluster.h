/* The SciFi version-5 cluster rule (docs/downstream.md): the cluster words of one bank to clusters. Shared by the
   host, which counts a batch's clusters to size the hit container, and by the decoding kernels. */
#ifndef KST_SCIFI_CLUSTER_H
#define KST_SCIFI_CLUSTER_H

#include <stdint.h>

#include "kst_dialect.h"

/* Where a walk over a bank's words stands: the next word, and inside a cut wide cluster the next piece's offset. */
typedef struct kst_scifi_walk {
  uint32_t word, piece;
} kst_scifi_walk;

/* A decoded cluster: channel offset from the bank's first channel (link x 128 + cell, may step into the next mat),
   fraction (the position is channel + 1/2) and pseudo-size (4 for a plain word, the width of a combined cluster,
   0 for the pieces of a cut one and for an unpaired flagged word). */
typedef struct kst_scifi_cluster {
  int32_t offset;
  uint32_t fraction, pseudo_size;
} kst_scifi_cluster;

/* The u16 cluster word i of a bank's words (little-endian, 2-byte aligned). */
KST_HOST_DEVICE uint32_t kst_scifi_word(const uint8_t *words, uint32_t i) {
  return (uint32_t)words[2 * i] | ((uint32_t)words[2 * i + 1] << 8);
}

/* Cluster words of a payload of payload_bytes: after the 32-bit header, u16 words without a final zero pad word;
   -1 when the payload cannot hold them (shorter than the header, or an odd number of bytes). */
KST_HOST_DEVICE int32_t kst_scifi_word_count(const uint8_t *payload, uint32_t payload_bytes) {
  if (payload_bytes < 4u || (payload_bytes & 1u)) return -1;
  uint32_t n = (payload_bytes - 4u) / 2u;
  if (n > 0 && kst_scifi_word(payload + 4, n - 1) == 0) --n;
  return (int32_t)n;
}

/* The next cluster of the n words into *c: 1, or 0 at the end, or -1 when the words break the rule (a flagged pair
   whose second cell is not after its first, or words out of order). Start with a zeroed walk. */
KST_HOST_DEVICE int kst_scifi_next_cluster(const uint8_t *words, uint32_t n, kst_scifi_walk *w, kst_scifi_cluster *c) {
  if (w->word >= n) return 0;
  const uint32_t a = kst_scifi_word(words, w->word);
  if (w->word + 1 < n && kst_scifi_word(words, w->word + 1) < a) return -1;
  c->fraction = (a >> 1) & 1u;
  c->offset = (int32_t)(a >> 2);
  if (!(a & 1u)) {
    c->pseudo_size = 4;
    w->word++;
    return 1;
  }
  const uint32_t b = w->word + 1 < n ? kst_scifi_word(words, w->word + 1) : 0u;
  if (!(b & 1u) || (b >> 9) != (a >> 9)) {
    c->pseudo_size = 0; /* a flagged word without its partner: the last word of the bank, or of its link */
    w->word++;
    return 1;
  }
  const int32_t d = (int32_t)((b >> 2) & 127u) - (int32_t)((a >> 2) & 127u);
  if (d < 1) return -1;
  if (d <= 4) {
    /* 5 to 8 channels: one cluster, centred in half channels. */
    const int32_t width = 2 * d - 1 + (int32_t)((b >> 1) & 1u);
    c->offset = (int32_t)(a >> 2) - 1 + (width - 1) / 2;
    c->fraction = (uint32_t)(width - 1) & 1u;
    c->pseudo_size = (uint32_t)width;
    w->word += 2;
    return 1;
  }
  /* Wider: the pieces every 4 channels after the first (which the truth never holds), then the last piece. */
  if (w->piece == 0) w->piece = 4;
  c->pseudo_size = 0;
  if ((int32_t)w->piece < d) {
    c->offset += (int32_t)w->piece;
    w->piece += 4;
    return 1;
  }
  c->offset += d;
  c->fraction = (b >> 1) & 1u;
  w->piece = 0;
  w->word += 2;
  return 1;
}

/* Clusters the n words make, or -1 when they break the rule. */
KST_HOST_DEVICE int32_t kst_scifi_cluster_count(const uint8_t *words, uint32_t n) {
  kst_scifi_walk w = {0, 0};
  kst_scifi_cluster c;
  int32_t count = 0, r;
  while ((r = kst_scifi_next_cluster(words, n, &w, &c)) == 1) ++count;
  return r < 0 ? -1 : count;
}

#endif
