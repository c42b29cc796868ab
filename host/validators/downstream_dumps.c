/* ut_hit_dump, scifi_hit_dump, long_track_dump, vertex_dump, dec_report_dump and mc_particle_dump: one text file per
   event and kind, floats as %.9g (exact). */
#include "host/validators/downstream_dumps.h"

#include <stdio.h>

#include "device/event_model/event_list.h"
#include "host/validators/mc_from_mdf.h"
#include "input/batch.h"

/* Opens DIR/<kind>_<event>.txt for writing. */
static kst_status open_dump(kst_ctx *ctx, const char *kind, uint64_t event, FILE **f, char *path, size_t size) {
  snprintf(path, size, "%s/%s_%llu.txt", kst_ctx_dump_dir(ctx), kind, (unsigned long long)event);
  *f = fopen(path, "w");
  return *f ? kst_ok() : kst_error(KST_ERR_IO, "%s: cannot write the dump", path);
}

static kst_status close_dump(FILE *f, const char *path) {
  return fclose(f) == 0 ? kst_ok() : kst_error(KST_ERR_IO, "%s: write failed", path);
}

static kst_status ut_after_sync(kst_ctx *ctx, const ut_hit_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const kst_ut_hits_in h = kst_ut_hits_view(a->dev_ut_hits.data, a->dev_ut_hits.count);
  for (uint32_t e = 0; e < b->n_events; ++e) {
    const uint32_t *off = &a->dev_ut_hit_offsets.data[(uint64_t)e * KST_UT_OFFSETS_PER_EVENT];
    FILE *f;
    char path[512];
    KST_TRY(open_dump(ctx, "ut_hits", b->first + e, &f, path, sizeof path));
    fprintf(f, "event %llu hits %u\n", (unsigned long long)(b->first + e), off[KST_UT_LAYERS] - off[0]);
    for (uint32_t k = off[0]; k < off[KST_UT_LAYERS]; ++k)
      fprintf(f, "%08x %u %.9g %.9g %.9g %.9g %.9g %.9g\n", h.id[k], h.layer[k], h.x[k], h.z[k], h.dxdy[k], h.y_begin[k],
              h.y_end[k], h.weight[k]);
    KST_TRY(close_dump(f, path));
  }
  return kst_ok();
}

static kst_status scifi_after_sync(kst_ctx *ctx, const scifi_hit_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const kst_scifi_hits_in h = kst_scifi_hits_view(a->dev_scifi_hits.data, a->dev_scifi_hits.count);
  for (uint32_t e = 0; e < b->n_events; ++e) {
    const uint32_t *off = &a->dev_scifi_hit_offsets.data[(uint64_t)e * KST_SCIFI_OFFSETS_PER_EVENT];
    FILE *f;
    char path[512];
    KST_TRY(open_dump(ctx, "scifi_hits", b->first + e, &f, path, sizeof path));
    fprintf(f, "event %llu hits %u\n", (unsigned long long)(b->first + e), off[KST_SCIFI_ZONES] - off[0]);
    for (uint32_t k = off[0]; k < off[KST_SCIFI_ZONES]; ++k)
      fprintf(f, "%08x %u %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", h.id[k], h.zone[k], h.x[k], h.z[k], h.dxdy[k],
              h.dzdy[k], h.y_min[k], h.y_max[k], h.weight[k]);
    KST_TRY(close_dump(f, path));
  }
  return kst_ok();
}

static kst_status long_after_sync(kst_ctx *ctx, const long_track_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t *velo_ids = kst_velo_hits_view(a->dev_velo_hits.data, a->dev_velo_hits.count).id;
  const uint32_t *scifi_ids = kst_scifi_hits_view(a->dev_scifi_hits.data, a->dev_scifi_hits.count).id;
  const uint32_t *toff = a->dev_velo_track_offsets.data;
  for (uint32_t e = 0; e < b->n_events; ++e) {
    FILE *f;
    char path[512];
    KST_TRY(open_dump(ctx, "long_tracks", b->first + e, &f, path, sizeof path));
    uint32_t n = 0;
    for (uint32_t t = toff[e]; t < toff[e + 1]; ++t) n += a->dev_long_tracks.data[t].n_hits != 0;
    fprintf(f, "event %llu long_tracks %u\n", (unsigned long long)(b->first + e), n);
    for (uint32_t t = toff[e]; t < toff[e + 1]; ++t) {
      const kst_long_track *l = &a->dev_long_tracks.data[t];
      if (!l->n_hits) continue;
      const uint32_t begin = a->dev_velo_track_hit_begin.data[t], nv = a->dev_velo_track_n_hits.data[t];
      fprintf(f, "track %u qop %.9g x %.9g tx %.9g curvature %.9g rms %.9g y %.9g ty %.9g velo %u", t - toff[e], l->qop,
              l->x, l->tx, l->curvature, l->rms, l->y, l->ty, nv);
      for (uint32_t k = 0; k < nv; ++k) fprintf(f, " %08x", velo_ids[a->dev_velo_track_hits.data[begin + k]]);
      fprintf(f, " scifi %u", l->n_hits);
      for (uint32_t k = 0; k < l->n_hits; ++k)
        fprintf(f, " %08x", scifi_ids[a->dev_long_scifi_hits.data[(uint64_t)t * KST_LONG_MAX_SCIFI_HITS + k]]);
      fprintf(f, "\n");
    }
    KST_TRY(close_dump(f, path));
  }
  return kst_ok();
}

/* Every long track's fitted state at the beam line and its PV association, then the event's vertices. */
static kst_status vertex_after_sync(kst_ctx *ctx, const vertex_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint32_t *toff = a->dev_velo_track_offsets.data;
  const uint32_t max_svs = b->n_events ? (uint32_t)(a->dev_svs.count / b->n_events) : 0u;
  for (uint32_t e = 0; e < b->n_events; ++e) {
    FILE *f;
    char path[512];
    KST_TRY(open_dump(ctx, "vertices", b->first + e, &f, path, sizeof path));
    fprintf(f, "event %llu svs %u flags %u\n", (unsigned long long)(b->first + e), a->dev_sv_counts.data[e],
            a->dev_sv_flags.data[e]);
    for (uint32_t t = toff[e]; t < toff[e + 1]; ++t) {
      if (!a->dev_long_tracks.data[t].n_hits) continue;
      const kst_velo_state *s = &a->dev_long_states_beam.data[t];
      const kst_track_pv *v = &a->dev_track_pv.data[t];
      fprintf(f, "fit %u x %.9g y %.9g z %.9g tx %.9g ty %.9g cov %.9g %.9g %.9g %.9g %.9g %.9g chi2 %.9g ndof %u pv %d ip %.9g "
              "ipchi2 %.9g\n", t - toff[e], s->x, s->y, s->z, s->tx, s->ty, s->c00, s->c20, s->c22, s->c11, s->c31, s->c33,
              s->chi2, s->ndof, v->pv == KST_NO_PV ? -1 : (int)v->pv, v->ip, v->ip_chi2);
    }
    const kst_sv *sv = &a->dev_svs.data[(uint64_t)e * max_svs];
    for (uint32_t k = 0; k < a->dev_sv_counts.data[e] && k < max_svs; ++k) {
      const kst_sv *x = &sv[k];
      fprintf(f, "sv %u %u x %.9g y %.9g z %.9g cov %.9g %.9g %.9g %.9g %.9g %.9g chi2 %.9g doca %.9g pt %.9g eta %.9g "
              "mass %.9g mcor %.9g fd %.9g fdchi2 %.9g dira %.9g ip %.9g ipchi2 %.9g minip %.9g minipchi2 %.9g sumpt %.9g pv %d "
              "q %d\n",
              x->a - toff[e], x->b - toff[e], x->x, x->y, x->z, x->cov[0], x->cov[1], x->cov[2], x->cov[3], x->cov[4],
              x->cov[5], x->chi2, x->doca, x->pt, x->eta, x->mass, x->mcor, x->fd, x->fd_chi2, x->dira, x->ip, x->ip_chi2,
              x->min_ip, x->min_ip_chi2, x->sum_pt, x->pv == KST_NO_PV ? -1 : (int)x->pv, x->charge);
    }
    KST_TRY(close_dump(f, path));
  }
  return kst_ok();
}

/* Every event's DecReports and routing bits, one hexadecimal word after another, then each line's stored candidates
   as indices within the event (its VELO tracks or its vertices; "-" for none). */
static kst_status dec_after_sync(kst_ctx *ctx, const dec_report_dump_args *a) {
  const kst_batch *b = kst_ctx_batch(ctx);
  const uint64_t n = b->n_events;
  const uint64_t per_event = n ? a->dev_dec_reports.count / n : 0;
  const uint64_t bits = n ? a->dev_routing_bits.count / n : 0;
  const uint64_t lines = n ? a->dev_candidates.count / (n * KST_LINE_STORED) : 0;
  const uint64_t max_svs = n ? a->dev_svs.count / n : 0;
  if (a->dev_velo_track_offsets.count != n + 1 || a->dev_sv_counts.count != n)
    return kst_error(KST_ERR_CONFIG, "the tracks and vertices are not of this batch");
  const char *names[257];
  const kst_alg_desc *descs[257];
  /* param 2 is dev_candidates; the chain starts at selections_init, which adds no column */
  if (n && kst_ctx_chain(ctx, 2, names, descs, 257) != lines + 1)
    return kst_error(KST_ERR_CONFIG, "the candidates hold %llu columns, not one per line leading to them", (unsigned long long)lines);
  for (uint32_t e = 0; e < n; ++e) {
    FILE *f;
    char path[512];
    KST_TRY(open_dump(ctx, "dec_reports", b->first + e, &f, path, sizeof path));
    fprintf(f, "event %llu reports", (unsigned long long)(b->first + e));
    for (uint64_t k = 0; k < per_event; ++k) fprintf(f, " %08x", a->dev_dec_reports.data[e * per_event + k]);
    fprintf(f, "\nrouting_bits");
    for (uint64_t k = 0; k < bits; ++k) fprintf(f, " %08x", a->dev_routing_bits.data[e * bits + k]);
    for (uint64_t k = 0; k < lines; ++k) {
      fprintf(f, "\ncandidates %llu", (unsigned long long)(k + 1));
      const kst_line_candidate *c = &a->dev_candidates.data[(k * n + e) * KST_LINE_STORED];
      for (uint32_t j = 0; j < KST_LINE_STORED; ++j) {
        if (c[j] == KST_NO_CANDIDATE) fprintf(f, " -");
        else if (descs[k + 1]->line_shape == KST_LINE_SHAPE_TWO_TRACK)
          fprintf(f, " %llu", (unsigned long long)(c[j] - e * max_svs));
        else fprintf(f, " %u", c[j] - a->dev_velo_track_offsets.data[e]);
      }
    }
    fprintf(f, "\n");
    KST_TRY(close_dump(f, path));
  }
  return kst_ok();
}

/* The ids of one subdetector of a particle, as " n id id ...". */
static void write_ids(FILE *f, const kst_mc_event *mc, uint32_t first, uint32_t n) {
  fprintf(f, " %u", n);
  for (uint32_t i = 0; i < n && first + i < mc->n_ids; ++i) fprintf(f, " %08x", mc->ids[first + i]);
}

static kst_status mc_after_sync(kst_ctx *ctx, const mc_particle_dump_args *a) {
  (void)a;
  const kst_batch *b = kst_ctx_batch(ctx);
  for (uint32_t e = 0; e < b->n_events; ++e) {
    kst_mc_event mc;
    KST_TRY(kst_mc_event_from_mdf(&b->events[e], &mc));
    FILE *f;
    char path[512];
    kst_status s = open_dump(ctx, "mc_particles", b->first + e, &f, path, sizeof path);
    if (s.code) {
      kst_mc_event_free(&mc);
      return s;
    }
    fprintf(f, "event %llu particles %u\n", (unsigned long long)(b->first + e), mc.n_particles);
    for (uint32_t p = 0; p < mc.n_particles; ++p) {
      const kst_mc_particle *q = &mc.particles[p];
      fprintf(f, "particle %u %d %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g %u %u %u %u %u %u %u %u %d %d", q->key, q->pid,
              q->p, q->pt, q->eta, q->phi, q->charge, q->ovx, q->ovy, q->ovz, q->is_long, q->is_down, q->has_velo,
              q->has_ut, q->has_scifi, q->from_b, q->from_c, q->from_s, q->mother_key, q->mother_pid);
      write_ids(f, &mc, q->velo_first, q->n_velo);
      write_ids(f, &mc, q->ut_first, q->n_ut);
      write_ids(f, &mc, q->scifi_first, q->n_scifi);
      fprintf(f, "\n");
    }
    kst_mc_event_free(&mc);
    KST_TRY(close_dump(f, path));
  }
  return kst_ok();
}

static const ut_hit_dump_hooks ut_hit_dump_hook_table = {.after_sync = ut_after_sync};
KST_ALGORITHM(ut_hit_dump, UT_HIT_DUMP_PARAMS, KST_NO_PROPS, ut_hit_dump_hook_table,
              .description = "writes every event's UT hits as text, with --dump DIR", .flags = KST_ALG_DUMP);

static const scifi_hit_dump_hooks scifi_hit_dump_hook_table = {.after_sync = scifi_after_sync};
KST_ALGORITHM(scifi_hit_dump, SCIFI_HIT_DUMP_PARAMS, KST_NO_PROPS, scifi_hit_dump_hook_table,
              .description = "writes every event's SciFi hits as text, with --dump DIR", .flags = KST_ALG_DUMP);

static const long_track_dump_hooks long_track_dump_hook_table = {.after_sync = long_after_sync};
KST_ALGORITHM(long_track_dump, LONG_TRACK_DUMP_PARAMS, KST_NO_PROPS, long_track_dump_hook_table,
              .description = "writes every event's long tracks (q/p, T segment, VELO and SciFi LHCbIDs) as text, with --dump DIR",
              .flags = KST_ALG_DUMP);

static const vertex_dump_hooks vertex_dump_hook_table = {.after_sync = vertex_after_sync};
KST_ALGORITHM(vertex_dump, VERTEX_DUMP_PARAMS, KST_NO_PROPS, vertex_dump_hook_table,
              .description = "writes every event's fitted long-track states and two-track vertices as text, with --dump DIR",
              .flags = KST_ALG_DUMP);

static const dec_report_dump_hooks dec_report_dump_hook_table = {.after_sync = dec_after_sync};
KST_ALGORITHM(dec_report_dump, DEC_REPORT_DUMP_PARAMS, KST_NO_PROPS, dec_report_dump_hook_table,
              .description = "writes every event's DecReports and routing bits as text, with --dump DIR", .flags = KST_ALG_DUMP);

static const mc_particle_dump_hooks mc_particle_dump_hook_table = {.after_sync = mc_after_sync};
KST_ALGORITHM(mc_particle_dump, MC_PARTICLE_DUMP_PARAMS, KST_NO_PROPS, mc_particle_dump_hook_table,
              .description = "writes every event's MC particles with their VELO, UT and SciFi ids as text, with --dump DIR",
              .flags = KST_ALG_DUMP);
