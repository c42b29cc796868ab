/* velo_hit_checker: the decoded hit container against the MC particles' VELO ids, event by event. */
#include "host/validators/velo_hit_checker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host/summaries/velo_summary.h"
#include "host/validators/mc_from_mdf.h"
#include "device/event_model/velo_hits.h"
#include "configuration/geometry.h"
#include "input/batch.h"

static int cmp_u32(const void *x, const void *y) {
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return (a > b) - (a < b);
}

static int contains(const uint32_t *sorted, uint32_t n, uint32_t v) {
  return bsearch(&v, sorted, n, sizeof v, cmp_u32) != NULL;
}

/* Mixes one hit (event, position in the event, exact bits) into 64 bits; summed, it fingerprints the container
   independently of how events were batched, so runs with any -t, batch size or backend can be compared. */
static uint64_t hit_hash(uint64_t event, uint64_t index, const float p[3], uint32_t id) {
  uint32_t bits[3];
  memcpy(bits, p, sizeof bits);
  uint64_t h = event * 0x9E3779B97F4A7C15ull ^ (index + 1) * 0xC2B2AE3D27D4EB4Full;
  const uint64_t parts[4] = {bits[0], bits[1], bits[2], id};
  for (int i = 0; i < 4; ++i) {
    h ^= parts[i] + 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
  }
  return h;
}

/* Counters: hits, MC-matched hits, distinct MC VELO ids, those decoded, events with errors, distance sums. */
static kst_status after_sync(kst_ctx *ctx, const velo_hit_checker_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const kst_velo_geometry *g = (const kst_velo_geometry *)kst_ctx_condition_host(ctx, "velo_geometry");
  if (!g) return kst_error(KST_ERR_CONFIG, "the velo_geometry condition is not loaded");
  const kst_velo_hits_in vh = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count);
  uint64_t k[9] = {0};
  enum { HITS, MATCHED, MC_IDS, MC_FOUND, BAD_EVENTS, NO_MC, DIST_NM, HASH, BAD_MC };
  /* Bank type 73: the checker reads retina clusters only (the decoder's bank_type is not visible here). */
  KST_TRY(kst_velo_reject_flagged(ctx, a->dev_velo_errors.data, KST_BANK_VELO_RETINA));
  for (uint32_t e = 0; e < b->n_events; ++e) {
    if (a->dev_velo_errors.data[e]) {
      k[BAD_EVENTS]++;
      continue;
    }
    const uint32_t *off = &a->dev_module_offsets.data[(uint64_t)e * KST_VELO_OFFSETS_PER_EVENT];
    uint32_t h0 = off[0], h1 = off[KST_VELO_MODULES], n = h1 - h0;
    kst_mc_event mc;
    if (kst_mc_event_from_mdf(&b->events[e], &mc).code) {
      k[BAD_MC]++; /* bad MC truth spoils the check of this event only */
      continue;
    }
    if (!mc.n_particles) k[NO_MC]++;
    uint32_t *hits = malloc((n + 1) * sizeof *hits), *ids = malloc((mc.n_ids + 1) * sizeof *ids), n_ids = 0;
    if (!hits || !ids) {
      free(hits), free(ids), kst_mc_event_free(&mc);
      return kst_error(KST_ERR_NOMEM, "out of memory");
    }
    memcpy(hits, vh.id + h0, n * sizeof *hits);
    qsort(hits, n, sizeof *hits, cmp_u32);
    for (uint32_t p = 0; p < mc.n_particles; ++p)
      for (uint32_t i = 0; i < mc.particles[p].n_velo; ++i) ids[n_ids++] = mc.ids[mc.particles[p].velo_first + i];
    qsort(ids, n_ids, sizeof *ids, cmp_u32);
    uint32_t distinct = 0;
    for (uint32_t i = 0; i < n_ids; ++i)
      if (i == 0 || ids[i] != ids[i - 1]) ids[distinct++] = ids[i];
    k[HITS] += n;
    k[MC_IDS] += distinct;
    for (uint32_t i = 0; i < n; ++i) k[MATCHED] += contains(ids, distinct, hits[i]);
    for (uint32_t i = 0; i < distinct; ++i) k[MC_FOUND] += contains(hits, n, ids[i]);
    for (uint32_t h = h0; h < h1; ++h) {
      float p[3] = {vh.x[h], vh.y[h], vh.z[h]}, lx, ly, lz;
      kst_geometry_global_to_local(g, (int)KST_VELO_ID_SENSOR(vh.id[h]), p, &lx, &ly, &lz);
      k[DIST_NM] += (uint64_t)llround(fabs((double)lz) * 1e6);
      k[HASH] += hit_hash(b->first + e, h - h0, p, vh.id[h]);
    }
    free(hits);
    free(ids);
    kst_mc_event_free(&mc);
  }
  const char *names[] = {"hits",          "hits_from_mc",      "mc_velo_ids",          "mc_velo_ids_decoded",
                         "error:events_with_bad_velo_banks", "events_without_mc", "distance_to_plane_nm", "container_hash",
                         "error:events_with_bad_mc_truth"};
  for (int i = 0; i < 9; ++i) KST_TRY(kst_ctx_count_add(ctx, names[i], &k[i], 1));
  return kst_ok();
}

static const velo_hit_checker_hooks velo_hit_checker_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(velo_hit_checker, VELO_HIT_CHECKER_PARAMS, KST_NO_PROPS, velo_hit_checker_hook_table,
              .description = "checks decoded VELO hits against MC truth: ids both ways and distance to the sensor plane",
              .conditions = {"velo_geometry"},
              .flags = KST_ALG_VALIDATOR);
