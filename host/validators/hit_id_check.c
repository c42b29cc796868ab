/* Decoded ids against MC truth ids, per event, and the rejection of flagged events. */
#include "host/validators/hit_id_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/batch.h"

static int cmp_u32(const void *x, const void *y) {
  const uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

/* Sorts v[0..n) and drops repeats; returns how many remain. */
static uint32_t sort_unique(uint32_t *v, uint32_t n) {
  qsort(v, n, sizeof *v, cmp_u32);
  uint32_t m = 0;
  for (uint32_t i = 0; i < n; ++i)
    if (i == 0 || v[i] != v[i - 1]) v[m++] = v[i];
  return m;
}

static int contains(const uint32_t *sorted, uint32_t n, uint32_t v) {
  return bsearch(&v, sorted, n, sizeof v, cmp_u32) != NULL;
}

kst_status kst_id_counts_add(kst_id_counts *k, const uint32_t *ids, uint32_t n, const kst_mc_event *mc, uint32_t detector) {
  uint32_t *hits = malloc((n + 1) * sizeof *hits), *truth = malloc((mc->n_ids + 1) * sizeof *truth), n_truth = 0;
  if (!hits || !truth) {
    free(hits), free(truth);
    return kst_error(KST_ERR_NOMEM, "hit checker: out of memory");
  }
  if (!mc->n_particles) k->events_without_mc++;
  memcpy(hits, ids, n * sizeof *hits);
  const uint32_t n_hits = sort_unique(hits, n);
  for (uint32_t p = 0; p < mc->n_particles; ++p) {
    const kst_mc_particle *q = &mc->particles[p];
    const uint32_t first = detector == 3 ? q->ut_first : q->scifi_first, count = detector == 3 ? q->n_ut : q->n_scifi;
    for (uint32_t i = 0; i < count && first + i < mc->n_ids; ++i)
      if (mc->ids[first + i] >> 28 == detector) truth[n_truth++] = mc->ids[first + i];
  }
  n_truth = sort_unique(truth, n_truth);
  k->hits += n;
  k->mc_ids += n_truth;
  for (uint32_t i = 0; i < n; ++i) k->hits_from_mc += contains(truth, n_truth, ids[i]);
  for (uint32_t i = 0; i < n_truth; ++i) k->mc_ids_decoded += contains(hits, n_hits, truth[i]);
  free(hits);
  free(truth);
  return kst_ok();
}

void kst_id_counts_hash(kst_id_counts *k, uint64_t event, const float *x, const uint32_t *ids, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t bits;
    memcpy(&bits, &x[i], sizeof bits);
    /* Mixed per hit and summed: batches may arrive in any order, the sum does not care. */
    uint64_t h = (event * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)(i + 1) * 0xC2B2AE3D27D4EB4Full) ^ ((uint64_t)bits << 32 | ids[i]);
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    k->hash += h;
  }
}

kst_status kst_id_counts_report(kst_ctx *ctx, const kst_id_counts *k) {
  const char *names[] = {"hits", "hits_from_mc", "mc_ids", "mc_ids_decoded", "error:events_with_bad_banks",
                         "events_without_mc", "error:events_with_bad_mc_truth", "container_hash"};
  const uint64_t values[] = {k->hits, k->hits_from_mc, k->mc_ids, k->mc_ids_decoded, k->bad_events,
                             k->events_without_mc, k->bad_mc, k->hash};
  for (int i = 0; i < 8; ++i) KST_TRY(kst_ctx_count_add(ctx, names[i], &values[i], 1));
  return kst_ok();
}

kst_status kst_reject_flagged(kst_ctx *ctx, const uint32_t *flags, const char *detector, const char *const reasons[4]) {
  const kst_batch *b = kst_ctx_batch(ctx);
  for (uint32_t e = 0; e < b->n_events; ++e) {
    if (!flags[e]) continue;
    uint32_t bit = 0;
    while (bit < 3 && !(flags[e] & (1u << bit))) ++bit;
    char why[128];
    snprintf(why, sizeof why, "%s decoding flags 0x%x (%s)", detector, flags[e], reasons[bit]);
    KST_TRY(kst_ctx_reject_event(ctx, e, reasons[bit], why));
  }
  return kst_ok();
}
