/* two_track_vertices kernel: one block per event. Thread 0 lists the prefiltered tracks in order; the threads share
   the pairs in contiguous chunks, count what passes, and after a prefix over the chunks write it in pair order, so
   the output (and which pairs an overflow drops) is the same for any block size and on the CPU. */
#include "device/common/kst_math.h"
#include "device/vertex/two_track_vertices.h"
#include "kst_dialect.h"

#include <math.h>

#define MAX_BLOCK 1024u

/* Whether long track t is a daughter candidate. */
KST_DEVICE int prefilter(const two_track_vertices_args *a, uint32_t t) {
  const kst_long_track *l = &a->dev_long_tracks.data[t];
  if (!l->n_hits || l->qop == 0.0f) return 0;
  const kst_velo_state *s = &a->dev_long_states_beam.data[t];
  const kst_track_pv *v = &a->dev_track_pv.data[t];
  const float p = 1.0f / fabsf(l->qop), t2 = s->tx * s->tx + s->ty * s->ty, pt = p * sqrtf(t2 / (1.0f + t2));
  if (p < a->props.min_p || pt < a->props.min_pt) return 0;
  if (s->ndof == 0u || s->chi2 > a->props.max_chi2ndof * (float)s->ndof) return 0;
  if (v->pv == KST_NO_PV) return a->props.min_ip_chi2 <= 0.0f && a->props.min_ip <= 0.0f;
  return v->ip_chi2 >= a->props.min_ip_chi2 && v->ip >= a->props.min_ip;
}

/* The inverse of the symmetric 3x3 matrix m (xx, xy, yy, xz, yz, zz) into inv; 0 when it is not positive. */
KST_DEVICE int invert_sym3(const float *m, float *inv) {
  const float c00 = m[2] * m[5] - m[4] * m[4], c01 = m[3] * m[4] - m[1] * m[5], c02 = m[1] * m[4] - m[3] * m[2];
  const float c11 = m[0] * m[5] - m[3] * m[3], c12 = m[1] * m[3] - m[0] * m[4], c22 = m[0] * m[2] - m[1] * m[1];
  const float det = m[0] * c00 + m[1] * c01 + m[3] * c02;
  if (!(det > 0.0f)) return 0;
  const float r = 1.0f / det;
  inv[0] = c00 * r, inv[1] = c01 * r, inv[2] = c11 * r, inv[3] = c02 * r, inv[4] = c12 * r, inv[5] = c22 * r;
  return 1;
}

/* d^T m d for a symmetric 3x3 m. */
KST_DEVICE float quad3(const float *m, const float *d) {
  return d[0] * (m[0] * d[0] + 2.0f * (m[1] * d[1] + m[3] * d[2])) + d[1] * (m[2] * d[1] + 2.0f * m[4] * d[2]) +
         d[2] * m[5] * d[2];
}

/* A daughter's momentum vector from its slopes and q/p. */
KST_DEVICE void momentum(const kst_velo_state *s, float qop, float *p) {
  const float n = sqrtf(1.0f + s->tx * s->tx + s->ty * s->ty), mag = 1.0f / fabsf(qop);
  p[0] = mag * s->tx / n, p[1] = mag * s->ty / n, p[2] = mag / n;
}

/* Fits tracks ta and tb to a common point: each track's x and y at the vertex z, weighted by its covariance there,
   against (X, Y, Z); the equations are linear once the weights are fixed, so two passes (weights at the closest
   approach, then at the fitted z) are the fit. Fills out and returns whether the pair passes the vertex cuts. */
KST_DEVICE int fit_pair(const two_track_vertices_args *a, uint32_t ta, uint32_t tb, const kst_pv *pvs, uint32_t n_pvs,
                        kst_sv *out) {
  const kst_velo_state *s[2] = {&a->dev_long_states_beam.data[ta], &a->dev_long_states_beam.data[tb]};
  const kst_track_pv *v[2] = {&a->dev_track_pv.data[ta], &a->dev_track_pv.data[tb]};
  if (a->props.same_pv && v[0]->pv != v[1]->pv) return 0;
  const float ipa = v[0]->pv == KST_NO_PV ? 0.0f : v[0]->ip_chi2, ipb = v[1]->pv == KST_NO_PV ? 0.0f : v[1]->ip_chi2;
  if (!(ipa >= a->props.min_ip_chi2_either || ipb >= a->props.min_ip_chi2_either)) return 0;
  /* positions at a common reference z, where the unknown z is measured from */
  const float z0 = 0.5f * (s[0]->z + s[1]->z);
  float px[2], py[2];
  for (int i = 0; i < 2; ++i) px[i] = s[i]->x + s[i]->tx * (z0 - s[i]->z), py[i] = s[i]->y + s[i]->ty * (z0 - s[i]->z);
  const float dtx = s[0]->tx - s[1]->tx, dty = s[0]->ty - s[1]->ty, dx = px[0] - px[1], dy = py[0] - py[1];
  /* DOCA of the two lines in 3D: along the common normal of their directions (1, tx, ty) */
  const float nx = dty, ny = -dtx, nz = s[0]->tx * s[1]->ty - s[0]->ty * s[1]->tx;
  const float nn = nx * nx + ny * ny + nz * nz;
  const float doca = nn > 0.0f ? fabsf(dx * nx + dy * ny) / sqrtf(nn) : sqrtf(dx * dx + dy * dy);
  if (!(doca <= a->props.max_doca)) return 0;
  const float den = dtx * dtx + dty * dty;
  float zr = den > 0.0f ? -(dx * dtx + dy * dty) / den : 0.0f;
  float X = 0.0f, Y = 0.0f, C[6], chi2 = 0.0f;
  for (int pass = 0; pass < 2; ++pass) {
    float sx = 0.0f, sy = 0.0f, sxt = 0.0f, syt = 0.0f, stt = 0.0f, sxa = 0.0f, syb = 0.0f, sta = 0.0f;
    float wx[2], wy[2];
    for (int i = 0; i < 2; ++i) {
      const float dz = z0 + zr - s[i]->z, t = s[i]->tx, u = s[i]->ty;
      wx[i] = 1.0f / (s[i]->c00 + dz * (2.0f * s[i]->c20 + dz * s[i]->c22));
      wy[i] = 1.0f / (s[i]->c11 + dz * (2.0f * s[i]->c31 + dz * s[i]->c33));
      sx += wx[i], sy += wy[i], sxt += wx[i] * t, syt += wy[i] * u, stt += wx[i] * t * t + wy[i] * u * u;
      sxa += wx[i] * px[i], syb += wy[i] * py[i], sta += wx[i] * t * px[i] + wy[i] * u * py[i];
    }
    const float H[6] = {sx, 0.0f, sy, -sxt, -syt, stt};
    if (!invert_sym3(H, C)) return 0;
    const float g0 = sxa, g1 = syb, g2 = -sta;
    X = C[0] * g0 + C[1] * g1 + C[3] * g2;
    Y = C[1] * g0 + C[2] * g1 + C[4] * g2;
    zr = C[3] * g0 + C[4] * g1 + C[5] * g2;
    chi2 = 0.0f;
    for (int i = 0; i < 2; ++i) {
      const float rx = px[i] + s[i]->tx * zr - X, ry = py[i] + s[i]->ty * zr - Y;
      chi2 += rx * rx * wx[i] + ry * ry * wy[i];
    }
  }
  if (!(chi2 <= a->props.max_chi2)) return 0;
  out->x = X, out->y = Y, out->z = z0 + zr;
  for (int k = 0; k < 6; ++k) out->cov[k] = C[k];
  out->chi2 = chi2, out->doca = doca;
  /* the composite */
  const float qa = a->dev_long_tracks.data[ta].qop, qb = a->dev_long_tracks.data[tb].qop;
  momentum(s[0], qa, out->pa);
  momentum(s[1], qb, out->pb);
  const float P[3] = {out->pa[0] + out->pb[0], out->pa[1] + out->pb[1], out->pa[2] + out->pb[2]};
  const float pt = sqrtf(P[0] * P[0] + P[1] * P[1]), pmag = sqrtf(pt * pt + P[2] * P[2]);
  out->pt = pt;
  out->eta = pt > 0.0f ? kst_logf((pmag + P[2]) / pt) : 0.0f;
  /* m^2 = ma^2 + mb^2 + 2 (Ea Eb - pa.pb), written without the cancellation of large numbers: Ea Eb - |pa||pb| from
     the masses, and |pa||pb| (1 - cos) from the unit vectors' difference */
  const float ma = a->props.masses[0], mb = a->props.masses[1];
  const float la = 1.0f / fabsf(qa), lb = 1.0f / fabsf(qb);
  const float ea = sqrtf(la * la + ma * ma), eb = sqrtf(lb * lb + mb * mb);
  const float ux = out->pa[0] / la - out->pb[0] / lb, uy = out->pa[1] / la - out->pb[1] / lb, uz = out->pa[2] / la - out->pb[2] / lb;
  const float one_minus_cos = 0.5f * (ux * ux + uy * uy + uz * uz);
  const float e_minus_p = (ma * ma * lb * lb + mb * mb * la * la + ma * ma * mb * mb) / (ea * eb + la * lb);
  const float m2 = ma * ma + mb * mb + 2.0f * (e_minus_p + la * lb * one_minus_cos);
  out->mass = sqrtf(m2);
  /* the PV the composite points to best */
  uint32_t best = KST_NO_PV;
  float best_chi2 = 0.0f;
  for (uint32_t k = 0; k < n_pvs; ++k) {
    const float dz = pvs[k].z - out->z;
    const float ex = out->x + P[0] / P[2] * dz - pvs[k].x, ey = out->y + P[1] / P[2] * dz - pvs[k].y;
    const float c = ex * ex / (C[0] + pvs[k].cov[0]) + ey * ey / (C[2] + pvs[k].cov[2]);
    if (best == KST_NO_PV || c < best_chi2) best = k, best_chi2 = c;
  }
  out->pv = best, out->ip_chi2 = best_chi2;
  out->fd = out->fd_chi2 = out->dira = out->ip = 0.0f, out->mcor = out->mass;
  if (best != KST_NO_PV) {
    const kst_pv *pv = &pvs[best];
    const float d[3] = {out->x - pv->x, out->y - pv->y, out->z - pv->z};
    const float S[6] = {C[0] + pv->cov[0], C[1] + pv->cov[1], C[2] + pv->cov[2],
                        C[3] + pv->cov[3], C[4] + pv->cov[4], C[5] + pv->cov[5]};
    float W[6];
    out->fd = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    out->fd_chi2 = invert_sym3(S, W) ? quad3(W, d) : 0.0f;
    if (out->fd > 0.0f) {
      out->dira = (d[0] * P[0] + d[1] * P[1] + d[2] * P[2]) / (out->fd * pmag);
      const float cx = P[1] * d[2] - P[2] * d[1], cy = P[2] * d[0] - P[0] * d[2], cz = P[0] * d[1] - P[1] * d[0];
      const float cross = sqrtf(cx * cx + cy * cy + cz * cz), pperp = cross / out->fd;
      out->mcor = sqrtf(m2 + pperp * pperp) + pperp;
      out->ip = cross / pmag; /* the flight vector's part perpendicular to the momentum */
    }
  }
  out->min_ip_chi2 = ipa < ipb ? ipa : ipb;
  const float da = v[0]->pv == KST_NO_PV ? 0.0f : v[0]->ip, db = v[1]->pv == KST_NO_PV ? 0.0f : v[1]->ip;
  out->min_ip = da < db ? da : db, out->max_ip = da < db ? db : da;
  const float pta = sqrtf(out->pa[0] * out->pa[0] + out->pa[1] * out->pa[1]);
  const float ptb = sqrtf(out->pb[0] * out->pb[0] + out->pb[1] * out->pb[1]);
  if (!(pta >= a->props.min_pt_either || ptb >= a->props.min_pt_either)) return 0;
  out->sum_pt = pta + ptb;
  out->a = ta, out->b = tb;
  out->charge = (qa > 0.0f ? 1 : -1) + (qb > 0.0f ? 1 : -1);
  return 1;
}

/* Pair k of n listed tracks, in the order (0,1), (0,2), ..., (1,2), ... */
KST_DEVICE void pair_of(uint64_t k, uint32_t n, uint32_t *i, uint32_t *j) {
  uint32_t r = 0;
  while (k >= (uint64_t)(n - 1u - r)) k -= n - 1u - r, ++r;
  *i = r, *j = r + 1u + (uint32_t)k;
}

KST_GLOBAL two_track_vertices_kernel(two_track_vertices_args a, uint32_t pvs_per_event) {
  if (KST_PAST_LIST(a.dev_event_list.data, blockIdx.x)) return;
  const uint32_t e = KST_LISTED_EVENT(a.dev_event_list.data, blockIdx.x);
  uint32_t *list = &a.dev_sv_tracks.data[(uint64_t)e * a.props.max_tracks];
  const kst_pv *pvs = &a.dev_pvs.data[(uint64_t)e * pvs_per_event];
  const uint32_t n_pvs = a.dev_pv_counts.data[e];
  __shared__ uint32_t n_list, flags, total;
  __shared__ uint32_t counts[MAX_BLOCK];
  if (threadIdx.x == 0) {
    uint32_t n = 0, f = 0;
    for (uint32_t t = a.dev_velo_track_offsets.data[e]; t < a.dev_velo_track_offsets.data[e + 1]; ++t) {
      if (!prefilter(&a, t)) continue;
      if (n < a.props.max_tracks) list[n++] = t;
      else f |= KST_SV_TRACK_OVERFLOW;
    }
    n_list = n, flags = f;
  }
  kst_syncthreads();
  const uint32_t n = n_list;
  const uint64_t pairs = n > 1u ? (uint64_t)n * (n - 1u) / 2u : 0u, chunk = (pairs + blockDim.x - 1u) / blockDim.x;
  const uint64_t k0 = chunk * threadIdx.x, k1 = k0 + chunk < pairs ? k0 + chunk : pairs;
  kst_sv sv;
  uint32_t mine = 0, i = 0, j = 0;
  if (k0 < k1) pair_of(k0, n, &i, &j);
  for (uint64_t k = k0; k < k1; ++k) {
    mine += (uint32_t)fit_pair(&a, list[i], list[j], pvs, n_pvs, &sv);
    if (++j == n) ++i, j = i + 1u;
  }
  counts[threadIdx.x] = mine;
  kst_syncthreads();
  if (threadIdx.x == 0) {
    uint32_t sum = 0;
    for (uint32_t t = 0; t < blockDim.x; ++t) {
      const uint32_t c = counts[t];
      counts[t] = sum;
      sum += c;
    }
    total = sum;
  }
  kst_syncthreads();
  kst_sv *out = &a.dev_svs.data[(uint64_t)e * a.props.max_svs];
  uint32_t at = counts[threadIdx.x];
  if (mine && at < a.props.max_svs) {
    pair_of(k0, n, &i, &j);
    for (uint64_t k = k0; k < k1 && at < a.props.max_svs; ++k) {
      if (fit_pair(&a, list[i], list[j], pvs, n_pvs, &sv)) out[at++] = sv;
      if (++j == n) ++i, j = i + 1u;
    }
  }
  if (threadIdx.x == 0) {
    a.dev_sv_counts.data[e] = total < a.props.max_svs ? total : a.props.max_svs;
    a.dev_sv_flags.data[e] = flags | (total > a.props.max_svs ? KST_SV_OVERFLOW : 0u);
  }
}

KST_EXTERN_C kst_status kst_two_track_vertices_launch(two_track_vertices_args a, uint32_t pvs_per_event,
                                                      kst_stream *stream) {
  const uint32_t blocks = KST_EVENT_LIST_CAPACITY(a.dev_event_list.count);
  if (blocks == 0) return kst_ok();
  if (a.props.block_dim > MAX_BLOCK) return kst_error(KST_ERR_CONFIG, "two_track_vertices: block_dim above %u", MAX_BLOCK);
  KST_LAUNCH(two_track_vertices_kernel, KST_DIM3(blocks, 1, 1), KST_DIM3(a.props.block_dim, 1, 1), 0, stream, a,
             pvs_per_event);
  return kst_launch_check("two_track_vertices_kernel");
}
