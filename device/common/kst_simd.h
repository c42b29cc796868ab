/* SIMD on the CPU: the one place for intrinsics. KST_SIMD_AVX512 says whether the CPU build has AVX-512 (with BMI2);
   the kernels' CPU paths use these 16-wide helpers only then, and their plain loops otherwise (docs/kernels.md). */
#ifndef KST_SIMD_H
#define KST_SIMD_H

#include <stdint.h>

#include "kst_dialect.h"

#if !KST_GPU && defined(__AVX512F__) && defined(__BMI2__)
#define KST_SIMD_AVX512 1
#include <immintrin.h>

/* What kst_simd_gather_slopes_x16 returns when no passing point is left. */
#define KST_SIMD_NONE 0xFFFFFFFFu

/* How many of the entries [begin, end) of (uphi, uid) come before entry h, of values phi and id, in (phi, id,
   position) order. */
static inline uint32_t kst_simd_rank_x16(const float *uphi, const uint32_t *uid, uint32_t begin, uint32_t end, uint32_t h,
                                         float phi, uint32_t id) {
  const __m512 vphi = _mm512_set1_ps(phi);
  const __m512i vid = _mm512_set1_epi32((int)id), vh = _mm512_set1_epi32((int)h);
  const __m512i lanes = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  uint32_t rank = 0;
  for (uint32_t j = begin; j < end; j += 16u) {
    const uint32_t left = end - j;
    const __mmask16 live = left >= 16u ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
    const __m512 p = _mm512_maskz_loadu_ps(live, uphi + j);
    const __m512i d = _mm512_maskz_loadu_epi32(live, uid + j);
    const __m512i pos = _mm512_add_epi32(_mm512_set1_epi32((int)j), lanes);
    const __mmask16 below = _mm512_mask_cmp_ps_mask(live, p, vphi, _CMP_LT_OQ);
    const __mmask16 same_phi = _mm512_mask_cmp_ps_mask(live, p, vphi, _CMP_EQ_OQ);
    const __mmask16 id_below = _mm512_mask_cmplt_epu32_mask(same_phi, d, vid);
    const __mmask16 same = _mm512_mask_cmpeq_epu32_mask(same_phi, d, vid);
    const __mmask16 earlier = _mm512_mask_cmplt_epu32_mask(same, pos, vh);
    rank += (uint32_t)__builtin_popcount((uint32_t)(below | id_below | earlier));
  }
  return rank;
}

/* Stores the points of slots [at, end) (coordinates sx, sy, sz, phi sphi, identifier ids) that pass the cuts (phi in
   [lo, hi), slopes of their line to (x1, y1, z1) within +-slope) after the *n already stored, 16 slots at a time,
   into hit, tx_out and ty_out (each with room for 16 entries past `room`); stops when room are stored. Returns the
   slot of the first point that passes and was not stored (KST_SIMD_NONE when none is left). Each lane runs the
   scalar cut's operations, so the slopes are the same bits. */
static inline uint32_t kst_simd_gather_slopes_x16(const float *sx, const float *sy, const float *sz, const float *sphi,
                                                  const uint32_t *ids, float x1, float y1, float z1, float lo_phi,
                                                  float hi_phi, uint32_t at, uint32_t end, float slope, uint32_t room,
                                                  uint32_t *hit, float *tx_out, float *ty_out, uint32_t *n) {
  const __m512 vx1 = _mm512_set1_ps(x1), vy1 = _mm512_set1_ps(y1), vz1 = _mm512_set1_ps(z1);
  const __m512 lo = _mm512_set1_ps(lo_phi), hi = _mm512_set1_ps(hi_phi), up = _mm512_set1_ps(slope),
               down = _mm512_set1_ps(-slope);
  uint32_t stored = *n;
  for (; at < end; at += 16u) {
    const uint32_t left = end - at;
    const __mmask16 live = left >= 16u ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
    const __m512 dz = _mm512_sub_ps(vz1, _mm512_maskz_loadu_ps(live, sz + at));
    const __m512 tx = _mm512_div_ps(_mm512_sub_ps(vx1, _mm512_maskz_loadu_ps(live, sx + at)), dz);
    const __m512 ty = _mm512_div_ps(_mm512_sub_ps(vy1, _mm512_maskz_loadu_ps(live, sy + at)), dz);
    const __m512 phi = _mm512_maskz_loadu_ps(live, sphi + at);
    __mmask16 ok = _mm512_mask_cmp_ps_mask(live, phi, lo, _CMP_GE_OQ);
    ok = _mm512_mask_cmp_ps_mask(ok, phi, hi, _CMP_LT_OQ);
    ok = _mm512_mask_cmp_ps_mask(ok, tx, up, _CMP_LE_OQ);
    ok = _mm512_mask_cmp_ps_mask(ok, tx, down, _CMP_GE_OQ);
    ok = _mm512_mask_cmp_ps_mask(ok, ty, up, _CMP_LE_OQ);
    ok = _mm512_mask_cmp_ps_mask(ok, ty, down, _CMP_GE_OQ);
    uint32_t take = ok;
    const uint32_t count = (uint32_t)__builtin_popcount(take);
    if (stored + count > room) take = _pdep_u32((1u << (room - stored)) - 1u, take);
    /* Compressed in registers and stored whole (the arrays have room for a vector past their last entry): a
       compressing store to memory is slow on some processors. */
    const __m512i id = _mm512_maskz_loadu_epi32(live, ids + at);
    _mm512_storeu_si512((void *)(hit + stored), _mm512_maskz_compress_epi32((__mmask16)take, id));
    _mm512_storeu_ps(tx_out + stored, _mm512_maskz_compress_ps((__mmask16)take, tx));
    _mm512_storeu_ps(ty_out + stored, _mm512_maskz_compress_ps((__mmask16)take, ty));
    if (take != ok) {
      *n = room;
      return at + (uint32_t)__builtin_ctz(ok & ~take);
    }
    stored += count;
  }
  *n = stored;
  return KST_SIMD_NONE;
}
#else
#define KST_SIMD_AVX512 0
#endif

#endif
