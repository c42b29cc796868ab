/* UT and SciFi decoding: hand-made banks decode to the documented ids and positions, bad banks reject their event,
   and on the LHCb sample every MC UT and SciFi id is found. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "configuration/scifi_geometry.h"
#include "configuration/ut_geometry.h"
#include "device/decoding/scifi_cluster.h"
#include "host/runtime/accounting.h"
#include "host/runtime/harness.h"
#include "device/event_model/event_list.h"
#include "device/event_model/ut_hits.h"
#include "input/batch.h"
#include "velo_run.h"

#define DETECTOR "../shared/data/lhcb/detector/"
static const char *const files[] = {"ut_boards=" DETECTOR "ut_boards.bin", "ut_geometry=" DETECTOR "ut_geometry.bin",
                                    "scifi_geometry=" DETECTOR "scifi_geometry.bin"};

static void need_detector(void) {
  if (access(DETECTOR "ut_boards.bin", R_OK) != 0) cr_skip_test("../shared/data not present: the detector files are needed");
}

/* The worked example of docs/downstream.md: a plain word, a flagged pair of 6 channels, a plain word on link 1. */
static const uint8_t scifi_example[12] = {0, 0, 0, 0, 0x6a, 0x00, 0x3f, 0x01, 0x4b, 0x01, 0x08, 0x02};

Test(downstream_decoding, the_scifi_version_5_rule_on_the_worked_example_and_wide_clusters) {
  kst_scifi_walk w = {0, 0};
  kst_scifi_cluster c;
  const int32_t want_offset[3] = {0x1a, 0x50, 0x82}, want_size[3] = {4, 6, 4};
  for (int k = 0; k < 3; ++k) {
    cr_assert_eq(kst_scifi_next_cluster(scifi_example + 4, 4, &w, &c), 1);
    cr_assert(c.offset == want_offset[k] && (int32_t)c.pseudo_size == want_size[k], "cluster %d: 0x%x size %u", k,
              c.offset, c.pseudo_size);
  }
  cr_assert_eq(kst_scifi_next_cluster(scifi_example + 4, 4, &w, &c), 0);
  /* Cells 10 and 23 flagged (d = 13): pieces at 14, 18, 22, the last at 23; none at 10 itself. */
  const uint8_t wide[4] = {(uint8_t)(10 << 2 | 1), 0, (uint8_t)(23 << 2 | 1), 0};
  int32_t got[8], n = 0;
  w = (kst_scifi_walk){0, 0};
  while (kst_scifi_next_cluster(wide, 2, &w, &c) == 1) got[n++] = c.offset;
  cr_assert(n == 4 && got[0] == 14 && got[1] == 18 && got[2] == 22 && got[3] == 23, "%d clusters", n);
  cr_assert_eq(kst_scifi_cluster_count(wide, 2), 4);
  /* A pair whose second cell comes first breaks the rule. */
  const uint8_t reversed[4] = {(uint8_t)(23 << 2 | 1), 0, (uint8_t)(10 << 2 | 1), 0};
  cr_assert_eq(kst_scifi_cluster_count(reversed, 2), -1);
  cr_assert_eq(kst_scifi_word_count(scifi_example, 11), -1, "an odd payload cannot hold u16 words");
}

/* Writes event 0: one UT hit (board, lane, strip, fraction 2) and the SciFi worked example in bank 0; event 1: a UT
   bank of an absent board and a SciFi bank repeated. */
static void write_events(const char *path, uint32_t board, uint32_t lane, uint32_t strip) {
  kst_mdf_writer *w;
  cr_assert_eq(kst_mdf_writer_open(&w, path).code, KST_OK);
  const uint32_t word = ((lane * 512u + strip - 1u) << 2) | 2u;
  const uint8_t ut[8] = {1, 0, 0x80, 0, (uint8_t)word, (uint8_t)(word >> 8), 0, 0};
  kst_mdf_bank_out good[2] = {{66, 3, (uint16_t)board, ut, 8}, {64, 5, 0, scifi_example, 12}};
  cr_assert_eq(kst_mdf_write_event(w, 1, 0, 0, good, 2).code, KST_OK);
  kst_mdf_bank_out bad[3] = {{66, 3, 50, ut, 8}, {64, 5, 7, scifi_example, 12}, {64, 5, 7, scifi_example, 12}};
  cr_assert_eq(kst_mdf_write_event(w, 1, 1, 0, bad, 3).code, KST_OK);
  cr_assert_eq(kst_mdf_writer_close(w).code, KST_OK);
}

Test(downstream_decoding, hand_made_banks_decode_to_their_ids_and_bad_ones_reject_the_event, .timeout = 60) {
  need_detector();
  static kst_ut_readout r;
  static kst_ut_geometry g;
  cr_assert_eq(kst_ut_readout_load(&r, DETECTOR "ut_boards.bin").code, KST_OK);
  cr_assert_eq(kst_ut_geometry_load(&g, DETECTOR "ut_geometry.bin").code, KST_OK);
  uint32_t row = 0;
  while (r.sector[row] == KST_UT_NO_SECTOR) ++row;
  const uint32_t board = row / 6, lane = row % 6, strip = 100, s = r.sector[row];
  char path[] = "/tmp/kst_ds_XXXXXX";
  close(mkstemp(path));
  write_events(path, board, lane, strip);
  kst_sequence seq;
  velo_load(&seq, "sequences/downstream_decoding.json");
  kst_run_result res;
  velo_run(&seq, path, (kst_run_options){.validate = 1, .conditions = files, .n_conditions = 3, .debug_memory = 1}, &res);
  const kst_counter *ut = kst_result_counter(&res, &seq, "ut_hit_check", "hits");
  const kst_counter *ft = kst_result_counter(&res, &seq, "scifi_hit_check", "hits");
  cr_assert(ut && ft && ut->values[0] == 1 && ft->values[0] == 3, "one UT hit, three SciFi clusters");
  kst_accounting a;
  cr_assert_eq(kst_run_accounting(&res, &seq, &a).code, KST_OK);
  cr_assert(a.read == 2 && a.accepted == 1 && a.rejected == 1, "the second event is rejected");
  cr_assert(strstr(res.rejected.lines[0], "record 1") && strstr(res.rejected.lines[0], "ut_bank_source"), "%s",
            res.rejected.lines[0]);
  kst_run_result_free(&res, &seq);
  kst_sequence_free(&seq);

  /* The hit itself, through the two UT algorithms one at a time: x, z, y range and id from the sector's numbers. */
  kst_event_source src;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 1).code, KST_OK);
  kst_batch b;
  memset(&b, 0, sizeof b);
  const uint8_t type = 66;
  cr_assert_eq(kst_batch_build(&b, 0, src.events, 1, &type, 1).code, KST_OK);
  const kst_bank_block *blk = kst_batch_block(&b, 66);
  const kst_event_list_word list[2] = {1, 0};
  const uint32_t items[2] = {0, 1};
  kst_harness_input in[7] = {{"dev_raw_banks", blk->data, blk->data_size}, {"dev_raw_bank_offsets", blk->bank_offsets, blk->n_banks + 1},
                             {"dev_raw_event_offsets", blk->event_offsets, 2}, {"dev_event_list", list, 2},
                             {"dev_item_offsets", items, 2}};
  kst_harness count, decode;
  cr_assert_eq(kst_harness_init(&count, "ut_count_hits", NULL, files, 3).code, KST_OK);
  kst_status st = kst_harness_run(&count, &b, 1, in, 5);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  uint64_t n;
  const uint32_t *off = kst_harness_get(&count, "dev_ut_hit_offsets", &n);
  const uint32_t *err = kst_harness_get(&count, "dev_ut_errors", &n);
  cr_assert(err[0] == 0 && off[4] == 1, "one hit, no flag");
  in[4] = (kst_harness_input){"dev_ut_hit_offsets", off, KST_UT_OFFSETS_PER_EVENT};
  in[5] = (kst_harness_input){"dev_ut_errors", err, 1};
  cr_assert_eq(kst_harness_init(&decode, "ut_decode", NULL, files, 3).code, KST_OK);
  st = kst_harness_run(&decode, &b, 1, in, 6);
  cr_assert_eq(st.code, KST_OK, "%s", st.msg);
  const kst_ut_hits_in h = kst_ut_hits_view(kst_harness_get(&decode, "dev_ut_hits", &n), 1);
  const float pos = (float)(strip - g.first_strip[s]) + 0.5f;
  cr_assert_eq(h.id[0], (3u << 28) | (r.chan_id[row] + strip - 1), "id 0x%x", h.id[0]);
  cr_assert_eq(h.layer[0], r.layer[row]);
  cr_assert_eq(h.x[0], g.p0_x[s] + pos * g.dp0di_x[s]);
  cr_assert_eq(h.z[0], g.p0_z[s]);
  cr_assert_eq(h.y_begin[0], g.p0_y[s] + pos * g.dp0di_y[s]);
  cr_assert_eq(h.y_end[0], h.y_begin[0] + g.dy[s]);
  kst_harness_free(&count);
  kst_harness_free(&decode);
  kst_batch_free(&b);
  kst_events_free(&src);
  unlink(path);
}

Test(downstream_decoding, the_lhcb_sample_decodes_every_mc_id_for_any_batch_size, .timeout = 120) {
  need_detector();
  kst_sequence seq;
  velo_load(&seq, "sequences/downstream_decoding.json");
  kst_run_result res;
  /* Batches of 3 and 1000: the same counts. */
  for (uint32_t batch = 3; batch <= 1000; batch += 997) {
    velo_run(&seq, REAL_MDF, (kst_run_options){.validate = 1, .batch_size = batch}, &res);
    const char *inst[2] = {"ut_hit_check", "scifi_hit_check"};
    const uint64_t hits[2] = {12868, 38599}, mc[2] = {12212, 34276};
    for (int d = 0; d < 2; ++d) {
      cr_assert_eq(kst_result_counter(&res, &seq, inst[d], "hits")->values[0], hits[d], "%s", inst[d]);
      cr_assert_eq(kst_result_counter(&res, &seq, inst[d], "mc_ids")->values[0], mc[d], "%s", inst[d]);
      cr_assert_eq(kst_result_counter(&res, &seq, inst[d], "mc_ids_decoded")->values[0], mc[d], "%s: all MC ids found",
                   inst[d]);
      cr_assert_eq(kst_result_counter(&res, &seq, inst[d], "hits_from_mc")->values[0], mc[d], "%s", inst[d]);
    }
    kst_run_result_free(&res, &seq);
  }
  kst_sequence_free(&seq);
}
