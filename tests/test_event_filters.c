/* Event lists on the device: the filter kernel's compaction, and a global event cut that later algorithms obey. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "device/filters/event_filters.h"
#include "input/batch.h"
#include "input/simulation/generate.h"
#include "velo_run.h"

Test(event_filters, the_kernel_keeps_the_listed_events_in_range_in_order) {
  /* Events 0..9 with counts 0, 5, 10, ..., 45; the input lists 0, 2, 3, 7, 9 of them. */
  uint32_t offsets[11];
  for (uint32_t e = 0; e <= 10; ++e) offsets[e] = 5u * e * (e + 1) / 2u;
  const kst_event_list_word in[6] = {5, 0, 2, 3, 7, 9};
  kst_event_list_word out[6] = {99, 99, 99, 99, 99, 99};
  cr_assert_eq(kst_count_filter_launch(in, offsets, 10, 40, out, 256, NULL).code, KST_OK);
  cr_assert_eq(out[0], 3, "events 2, 3 and 7 have 15, 20 and 40");
  cr_assert(out[1] == 2 && out[2] == 3 && out[3] == 7);
  const kst_event_list_word none[1] = {0};
  cr_assert_eq(kst_count_filter_launch(none, offsets, 0, 100, out, 256, NULL).code, KST_OK);
  cr_assert_eq(out[0], 0);
}

Test(event_filters, an_event_list_input_takes_only_an_event_list) {
  kst_sequence seq;
  kst_problems pb;
  const char *json = "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"banks\"},"
                     "{\"type\": \"bank_item_offsets\", \"name\": \"offsets\"},"
                     "{\"type\": \"global_event_cut\", \"name\": \"gec\", \"inputs\": {\"dev_event_list\": "
                     "\"offsets.dev_item_offsets\"}}]}";
  cr_assert_eq(kst_sequence_parse(&seq, json, "t.json", &pb).code, KST_ERR_CONFIG);
  cr_assert(pb.n && strstr(pb.lines[0], "wants kst_event_list_word but 'offsets.dev_item_offsets' holds uint32_t"),
            "%s", pb.n ? pb.lines[0] : "");
  kst_problems_free(&pb);
  json = "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"banks\"},"
         "{\"type\": \"bank_item_offsets\", \"name\": \"offsets\"}, {\"type\": \"global_event_cut\", \"name\": \"gec\"}]}";
  cr_assert_eq(kst_sequence_parse(&seq, json, "t.json", &pb).code, KST_ERR_CONFIG);
  cr_assert(pb.n && strstr(pb.lines[0], "no earlier instance outputs an event list"), "%s", pb.n ? pb.lines[0] : "");
  kst_problems_free(&pb);
}

/* The first line of a dump file and whether the file equals another. */
static void read_file(const char *path, char **text, size_t *size) {
  FILE *f = fopen(path, "rb");
  cr_assert_not_null(f, "%s", path);
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  *text = malloc(*size + 1);
  cr_assert_eq(fread(*text, 1, *size, f), *size);
  (*text)[*size] = '\0';
  fclose(f);
}

static void remove_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *ent;
  char path[512];
  while ((ent = readdir(d)))
    if (ent->d_name[0] != '.') snprintf(path, sizeof path, "%s/%s", dir, ent->d_name), unlink(path);
  closedir(d);
  rmdir(dir);
}

#define SEQ_HEAD                                                                                                     \
  "{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"velo_banks\"},"                                        \
  "{\"type\": \"bank_item_offsets\", \"name\": \"clusters\"}, {\"type\": \"event_list_init\", \"name\": \"events\"},"
#define SEQ_TAIL                                                                                                     \
  "{\"type\": \"velo_count_hits\", \"name\": \"count\"}, {\"type\": \"velo_decode\", \"name\": \"hits\"},"          \
  "{\"type\": \"velo_search_by_triplet\", \"name\": \"search\"}, {\"type\": \"velo_consolidate\", \"name\": \"tracks\"}," \
  "{\"type\": \"pv_beamline\", \"name\": \"pvs\"}, {\"type\": \"velo_pv_ip\", \"name\": \"track_pv\"},"             \
  "{\"type\": \"velo_summary\", \"name\": \"velo_summary\"}, {\"type\": \"pv_summary\", \"name\": \"pv_summary\"},"   \
  "{\"type\": \"velo_track_dump\", \"name\": \"dump\"}]}"

Test(event_filters, a_global_event_cut_drops_exactly_its_events_and_leaves_the_others_unchanged, .timeout = 300) {
  char path[] = "/tmp/kst_gec_XXXXXX", all_dir[] = "/tmp/kst_gec_all_XXXXXX", cut_dir[] = "/tmp/kst_gec_cut_XXXXXX";
  close(mkstemp(path));
  cr_assert_not_null(mkdtemp(all_dir));
  cr_assert_not_null(mkdtemp(cut_dir));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  so.seed = 31;
  kst_geometry_ideal(&g);
  const uint32_t n = 300;
  cr_assert_eq(kst_sim_generate_file(&so, &g, n, path, NULL).code, KST_OK);

  /* The clusters of each event, as the host counts them, and a cut that about half the events fail. */
  kst_event_source src;
  const char *paths[] = {path};
  cr_assert_eq(kst_events_load(&src, paths, 1, 0).code, KST_OK);
  cr_assert_eq(src.n_events, n);
  kst_batch b;
  memset(&b, 0, sizeof b);
  const uint8_t type = KST_BANK_VELO_RETINA;
  cr_assert_eq(kst_batch_build(&b, 0, src.events, n, &type, 1).code, KST_OK);
  uint32_t clusters[300], sorted[300];
  for (uint32_t e = 0; e < n; ++e) clusters[e] = sorted[e] = kst_batch_block(&b, type)->event_items[e];
  kst_batch_free(&b);
  kst_events_free(&src);
  for (uint32_t i = 1; i < n; ++i)
    for (uint32_t j = i; j > 0 && sorted[j - 1] > sorted[j]; --j) {
      const uint32_t t = sorted[j];
      sorted[j] = sorted[j - 1], sorted[j - 1] = t;
    }
  const uint32_t cut = sorted[n / 2];
  uint64_t passing = 0;
  for (uint32_t e = 0; e < n; ++e) passing += clusters[e] <= cut;
  cr_assert(passing > n / 4 && passing < n, "the cut must drop some events and keep others");

  kst_sequence all, filtered;
  kst_run_result ra, rf;
  char json[4096];
  velo_load(&all, SEQ_HEAD SEQ_TAIL);
  snprintf(json, sizeof json,
           SEQ_HEAD "{\"type\": \"global_event_cut\", \"name\": \"gec\", \"properties\": {\"max_clusters\": %u}},"
                    "{\"type\": \"event_list_summary\", \"name\": \"gec_passed\"}," SEQ_TAIL,
           cut);
  velo_load(&filtered, json);
  velo_run(&all, path, (kst_run_options){.dump_dir = all_dir}, &ra);
  /* Other batches and workers than the reference run: the list is per batch, made on the device. */
  velo_run(&filtered, path, (kst_run_options){.dump_dir = cut_dir, .threads = 2, .batch_size = 37}, &rf);

  const kst_counter *listed = kst_result_counter(&rf, &filtered, "gec_passed", "events");
  cr_assert_not_null(listed);
  cr_assert_eq(listed->values[0], passing);
  uint32_t compared = 0;
  for (uint32_t e = 0; e < n; ++e) {
    char pa[512], pf[512], *ta, *tf;
    size_t sa, sf;
    snprintf(pa, sizeof pa, "%s/velo_tracks_%u.txt", all_dir, e);
    snprintf(pf, sizeof pf, "%s/velo_tracks_%u.txt", cut_dir, e);
    read_file(pa, &ta, &sa);
    read_file(pf, &tf, &sf);
    if (clusters[e] <= cut) {
      cr_assert(sa == sf && memcmp(ta, tf, sa) == 0, "event %u passed the cut but its tracks differ", e);
      compared += strstr(ta, "\ntrack ") != NULL;
    } else {
      cr_assert(strstr(tf, " tracks 0\n") && !strstr(tf, "\ntrack "), "event %u failed the cut but has tracks", e);
    }
    free(ta);
    free(tf);
  }
  cr_assert_gt(compared, n / 4, "the events compared have tracks");
  /* Vertices: the dropped events have none. */
  const kst_counter *pv_all = kst_result_counter(&ra, &all, "pv_summary", "primary_vertices");
  const kst_counter *pv_cut = kst_result_counter(&rf, &filtered, "pv_summary", "primary_vertices");
  cr_assert(pv_cut->values[0] > 0 && pv_cut->values[0] < pv_all->values[0]);
  kst_run_result_free(&ra, &all);
  kst_run_result_free(&rf, &filtered);
  kst_sequence_free(&all);
  kst_sequence_free(&filtered);
  remove_dir(all_dir);
  remove_dir(cut_dir);
  unlink(path);
}

Test(event_filters, the_velo_track_filter_gates_the_vertex_finder, .timeout = 120) {
  char path[] = "/tmp/kst_trackfilter_XXXXXX";
  close(mkstemp(path));
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  so.seed = 12;
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 60, path, NULL).code, KST_OK);
  /* The filter sits between the tracks and the vertices: with a minimum no event reaches, no vertex is found, while
     the tracks (made before it) are untouched; with a minimum of one, every event with tracks keeps its vertices. */
  uint64_t pvs[3], tracks[3], passed[3];
  const char *mins[3] = {NULL, "1", "100000"};
  for (int v = 0; v < 3; ++v) {
    char json[4096];
    snprintf(json, sizeof json,
             SEQ_HEAD "{\"type\": \"velo_count_hits\", \"name\": \"count\"}, {\"type\": \"velo_decode\", \"name\": \"hits\"},"
                      "{\"type\": \"velo_search_by_triplet\", \"name\": \"search\"},"
                      "{\"type\": \"velo_consolidate\", \"name\": \"tracks\"}%s%s%s"
                      "{\"type\": \"pv_beamline\", \"name\": \"pvs\"}, {\"type\": \"velo_pv_ip\", \"name\": \"track_pv\"},"
                      "{\"type\": \"event_list_summary\", \"name\": \"passed\"},"
                      "{\"type\": \"velo_summary\", \"name\": \"velo_summary\"}, {\"type\": \"pv_summary\", \"name\": \"pv_summary\"}]}",
             mins[v] ? ", {\"type\": \"velo_track_filter\", \"name\": \"f\", \"properties\": {\"min_tracks\": " : ",",
             mins[v] ? mins[v] : "", mins[v] ? "}}," : "");
    kst_sequence seq;
    kst_run_result r;
    velo_load(&seq, json);
    velo_run(&seq, path, (kst_run_options){.batch_size = 16}, &r);
    pvs[v] = kst_result_counter(&r, &seq, "pv_summary", "primary_vertices")->values[0];
    tracks[v] = kst_result_counter(&r, &seq, "velo_summary", "velo_tracks")->values[0];
    passed[v] = kst_result_counter(&r, &seq, "passed", "events")->values[0];
    kst_run_result_free(&r, &seq);
    kst_sequence_free(&seq);
  }
  cr_assert_gt(pvs[0], 0);
  cr_assert_eq(passed[0], 60, "without the filter the list holds every event");
  cr_assert(tracks[1] == tracks[0] && tracks[2] == tracks[0], "the filter comes after the tracks");
  cr_assert_eq(pvs[1], pvs[0], "every simulated event has tracks and keeps its vertices");
  cr_assert_eq(passed[1], 60);
  cr_assert(pvs[2] == 0 && passed[2] == 0, "%llu vertices, %llu events past a filter no event passes",
            (unsigned long long)pvs[2], (unsigned long long)passed[2]);
  unlink(path);
}
