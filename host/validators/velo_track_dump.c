/* velo_track_dump: one text file per event, DIR/velo_tracks_<event>.txt, in the format of docs/velo.md. */
#include "host/validators/velo_track_dump.h"

#include <stdio.h>

#include "input/batch.h"

static void write_state(FILE *f, const char *tag, const kst_velo_state *s) {
  /* %.9g round-trips a float exactly, so dumps from two builds compare bit for bit. */
  fprintf(f, "%s %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g %u\n", tag, s->x, s->y, s->z, s->tx, s->ty,
          s->c00, s->c20, s->c22, s->c11, s->c31, s->c33, s->chi2, s->ndof);
}

static kst_status after_sync(kst_ctx *ctx, const velo_track_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const char *dir = kst_ctx_dump_dir(ctx);
  const uint32_t *toff = a->dev_velo_track_offsets.data;
  const uint32_t *ids_of_hits = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count).id;
  for (uint32_t e = 0; e < b->n_events; ++e) {
    char path[512];
    snprintf(path, sizeof path, "%s/velo_tracks_%llu.txt", dir, (unsigned long long)(b->first + e));
    FILE *f = fopen(path, "w");
    if (!f) return kst_error(KST_ERR_IO, "%s: cannot write the dump", path);
    fprintf(f, "event %llu run %u orbit %u bunch %u tracks %u\n", (unsigned long long)(b->first + e), b->events[e].run,
            b->events[e].orbit, b->events[e].bunch, toff[e + 1] - toff[e]);
    for (uint32_t t = toff[e]; t < toff[e + 1]; ++t) {
      const uint32_t begin = a->dev_velo_track_hit_begin.data[t], n = a->dev_velo_track_n_hits.data[t];
      fprintf(f, "track %u hits", t - toff[e]);
      for (uint32_t h = 0; h < n; ++h) fprintf(f, " %08x", ids_of_hits[a->dev_velo_track_hits.data[begin + h]]);
      fprintf(f, "\n");
      write_state(f, "beam", &a->dev_velo_states_beam.data[t]);
      write_state(f, "last", &a->dev_velo_states_end.data[t]);
    }
    if (fclose(f) != 0) return kst_error(KST_ERR_IO, "%s: write failed", path);
  }
  return kst_ok();
}

static const velo_track_dump_hooks velo_track_dump_hook_table = {.after_sync = after_sync};
KST_ALGORITHM(velo_track_dump, VELO_TRACK_DUMP_PARAMS, KST_NO_PROPS, velo_track_dump_hook_table,
              .description = "writes every event's VELO tracks (LHCbIDs and fitted states) as text, with --dump DIR",
              .flags = KST_ALG_DUMP);
