/* Networks: the weights file's schema and its errors, the score against a hand computation, and sv_network on the
   device against the host's evaluation of the same vertices. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/network.h"
#include "device/common/kst_network.h"
#include "device/fit/track_features.h"
#include "device/vertex/sv_features.h"
#include "host/runtime/harness.h"
#include "sequence_edit.h"
#include "sim_downstream.h"
#include "velo_run.h"

/* Two inputs, a GroupSort layer of two, a linear output, a monotonic term of 3 on the first input and a sigmoid. */
static const char tiny[] =
    "{\"format\": \"kestrel-network-1\", \"kind\": \"classifier\", \"features\": [\"log_fd_chi2\", \"sum_pt\"],\n"
    " \"mean\": [1, 1000], \"std\": [2, 500], \"monotonic\": [3, 0], \"sigmoid_output\": true,\n"
    " \"layers\": [{\"weights\": [[1, -1], [0.5, 2]], \"bias\": [0.1, -0.2], \"activation\": \"groupsort\"},\n"
    "             {\"weights\": [[0.3, -0.7]], \"bias\": [0.05], \"activation\": \"linear\"}]}\n";

/* Writes text to a fresh file; returns its path (static storage). */
static const char *write_file(const char *text) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/kst_net_XXXXXX");
  const int fd = mkstemp(path);
  cr_assert(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

/* The text of tiny with `from` replaced by `to` (the first occurrence). */
static char *edited(const char *from, const char *to) {
  const char *at = strstr(tiny, from);
  cr_assert_not_null(at, "%s in the test network", from);
  char *out = malloc(sizeof tiny + strlen(to));
  sprintf(out, "%.*s%s%s", (int)(at - tiny), tiny, to, at + strlen(from));
  return out;
}

Test(networks, the_score_is_the_hand_computed_one) {
  static kst_network n;
  const char *path = write_file(tiny);
  kst_status s = kst_network_load(&n, path);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  unlink(path);
  const float x[2] = {3.0f, 1500.0f};
  /* standardised (1, 1); layer 1: (1 - 1 + 0.1, 0.5 + 2 - 0.2) = (0.1, 2.3), sorted (0.1, 2.3); output 0.3 * 0.1 -
     0.7 * 2.3 + 0.05 = -1.53; monotonic + 3 * 1: 1.47; sigmoid */
  const double want = 1.0 / (1.0 + exp(-1.47));
  cr_assert_float_eq(kst_network_score(&n, x), want, 1e-6, "%g against %g", kst_network_score(&n, x), want);
  /* GroupSort sorts: swapping the first layer's rows gives the same score */
  char *swapped = edited("[[1, -1], [0.5, 2]], \"bias\": [0.1, -0.2]", "[[0.5, 2], [1, -1]], \"bias\": [-0.2, 0.1]");
  path = write_file(swapped);
  static kst_network m;
  cr_assert_eq(kst_network_load(&m, path).code, KST_OK);
  unlink(path);
  free(swapped);
  cr_assert_eq(kst_network_score(&m, x), kst_network_score(&n, x));
  /* monotonic in the first input: the layers' infinity norms (2.5 and 1) keep the network 2.5-Lipschitz, below the
     monotonic term's 3, so the score grows with the first input whatever the rest */
  for (float v = -5.0f; v < 5.0f; v += 0.5f) {
    const float lo[2] = {v, 900.0f}, hi[2] = {v + 0.5f, 900.0f};
    cr_assert_geq(kst_network_score(&n, hi), kst_network_score(&n, lo) - 1e-7f);
  }
}

Test(networks, a_malformed_file_is_refused_naming_the_key) {
  static const struct {
    const char *from, *to, *message;
  } cases[] = {
      {"[[0.3, -0.7]]", "[[0.3, -0.7, 1]]", "layers[1].weights[0]: 3 values, expected 2"},
      {"\"std\": [2, 500], ", "", "std: missing"},
      {"\"bias\": [0.05]", "\"bias\": [1e999]", "layers[1].bias[0]: not a finite number"},
      {"\"std\": [2, 500]", "\"std\": [2, 0]", "std[1]: 0, not positive"},
      {"\"linear\"", "\"softmax\"", "layers[1].activation"},
      {"\"kind\": \"classifier\"", "\"kind\": \"regressor\"", "kind:"},
      {"kestrel-network-1", "kestrel-network-9", "format:"},
      {"[[0.3, -0.7]], \"bias\": [0.05]", "[[0.3, -0.7], [1, 1]], \"bias\": [0.05, 0]", "a classifier's last layer has 1 output, not 2"},
      {"\"kind\": \"classifier\"", "\"kind\": \"autoencoder\"", "an autoencoder's last layer has its 2 inputs, not 1"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; ++k) {
    char *text = edited(cases[k].from, cases[k].to);
    const char *path = write_file(text);
    static kst_network n;
    kst_status s = kst_network_load(&n, path);
    cr_assert_eq(s.code, KST_ERR_FORMAT, "case %zu", k);
    cr_assert(strstr(s.msg, cases[k].message) && strstr(s.msg, path), "case %zu: %s", k, s.msg);
    unlink(path);
    free(text);
  }
}

Test(networks, sv_network_on_the_device_scores_as_the_host_does) {
  const char *path = write_file(tiny);
  char condition[128];
  snprintf(condition, sizeof condition, "two_track_network=%s", path);
  const char *overrides[] = {condition};
  kst_harness h;
  kst_status s = kst_harness_init(&h, "sv_network", "{\"features\": \"log_fd_chi2,sum_pt\"}", overrides, 1);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  /* two events with room for 3 vertices each: 2 in the first, 1 in the second */
  kst_sv svs[6];
  memset(svs, 0, sizeof svs);
  for (int k = 0; k < 6; ++k) svs[k].fd_chi2 = 10.0f * (float)(k + 1), svs[k].sum_pt = 800.0f + 300.0f * (float)k;
  const uint32_t counts[2] = {2, 1}, list[3] = {2, 0, 1};
  const kst_harness_input in[3] = {{"dev_event_list", list, 3}, {"dev_svs", svs, 6}, {"dev_sv_counts", counts, 2}};
  s = kst_harness_run(&h, NULL, 2, in, 3);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  uint64_t n;
  const float *scores = kst_harness_get(&h, "dev_sv_scores", &n);
  cr_assert_eq(n, 6);
  static kst_network net;
  cr_assert_eq(kst_network_load(&net, path).code, KST_OK);
  const int used[6] = {1, 1, 0, 1, 0, 0};
  for (int k = 0; k < 6; ++k) {
    const float x[2] = {kst_sv_feature(&svs[k], KST_SVF_LOG_FD_CHI2), kst_sv_feature(&svs[k], KST_SVF_SUM_PT)};
    if (used[k]) cr_assert_eq(scores[k], kst_network_score(&net, x), "vertex slot %d", k);
    else cr_assert_eq(scores[k], 0.0f, "empty slot %d", k);
  }
  kst_harness_free(&h);
  /* the sequence's features must be the network's */
  s = kst_harness_init(&h, "sv_network", "{\"features\": \"sum_pt,log_fd_chi2\"}", overrides, 1);
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  s = kst_harness_run(&h, NULL, 2, in, 3);
  cr_assert(s.code == KST_ERR_CONFIG && strstr(s.msg, "log_fd_chi2,sum_pt") && strstr(s.msg, "sum_pt,log_fd_chi2"), "%s", s.msg);
  kst_harness_free(&h);
  cr_assert_neq(kst_harness_init(&h, "sv_network", "{\"features\": \"log_fd_chi3\"}", overrides, 1).code, KST_OK,
                "an unknown feature is refused when the sequence loads");
  unlink(path);
}

/* The fired counter of the rates instance after running json over path. */
static void fired_counts(const char *json, const char *path, uint64_t *fired, uint32_t *n) {
  kst_sequence seq;
  velo_load(&seq, json);
  kst_run_result r;
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR}, &r);
  const kst_counter *c = kst_result_counter(&r, &seq, "rates", "fired");
  cr_assert_not_null(c);
  *n = c->n;
  memcpy(fired, c->values, c->n * sizeof *fired);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
}

Test(networks, another_network_file_or_threshold_in_the_json_changes_the_decisions, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_nn_swap_XXXXXX";
  close(mkstemp(path));
  generate_downstream(path, 41, 60, "B0->K+pi-");
  uint64_t base[64], other[64];
  uint32_t n, m;
  FILE *f = fopen("sequences/hlt1.json", "rb");
  static char text[1 << 16];
  text[fread(text, 1, sizeof text - 1, f)] = 0;
  fclose(f);
  fired_counts(text, path, base, &n);
  /* the line's position among the lines: count the line instances before it */
  const char *at = strstr(text, "\"Hlt1TwoTrackMVA\"");
  cr_assert_not_null(at, "Hlt1TwoTrackMVA in hlt1.json");
  uint32_t k = 0;
  for (const char *p = strstr(text, "_line\""); p && p < at; p = strstr(p + 1, "_line\"")) ++k;
  cr_assert(k >= 1 && k <= n);
  --k;
  cr_assert(base[k] > 0 && base[k] < 60, "the shipped network fires on %llu of 60 B0 -> K+ pi- events",
            (unsigned long long)base[k]);
  /* a network that scores every vertex 1 (a zero layer, bias 40, sigmoid): the line fires on every preselected
     vertex, and the other lines are unchanged */
  const char *always = write_file(
      "{\"format\": \"kestrel-network-1\", \"kind\": \"classifier\", \"features\": [\"log_fd_chi2\", \"log_sum_pt\", "
      "\"chi2\", \"log_min_ip_chi2\", \"log_min_track_pt\", \"log_mcor\", \"eta\", \"doca\"], \"mean\": [0, 0, 0, 0, 0, "
      "0, 0, 0], \"std\": [1, 1, 1, 1, 1, 1, 1, 1], \"sigmoid_output\": true, \"layers\": [{\"weights\": [[0, 0, 0, 0, "
      "0, 0, 0, 0]], \"bias\": [40], "
      "\"activation\": \"linear\"}]}");
  char *swapped = malloc(strlen(text) + 256);
  sprintf(swapped, "{\"conditions\": {\"two_track_network\": \"%s\"},%s", always, text + 1);
  fired_counts(swapped, path, other, &m);
  cr_assert_eq(m, n);
  cr_assert_gt(other[k], base[k], "every preselected vertex passes: %llu events", (unsigned long long)other[k]);
  for (uint32_t i = 0; i < n; ++i)
    if (i != k) cr_assert_eq(other[i], base[i], "line %u unchanged", i);
  free(swapped);
  unlink(always);
  /* a threshold above any score: the line never fires */
  char *json = hlt1_with("Hlt1TwoTrackMVA", "{\"min_score\": 1.5}");
  fired_counts(json, path, other, &m);
  cr_assert_eq(other[k], 0);
  free(json);
  unlink(path);
}

/* Reads the track CSV files of dir: per long track whether it is a ghost, whether it is a long p > 5 GeV track, and
   its features in the catalog's order. Returns the number of tracks. */
static uint32_t read_tracks(const char *dir, uint8_t *ghost, uint8_t *p5, float (*x)[KST_TRF_COUNT], uint32_t max) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "cat %s/track_features_*.csv | grep -v '^[#e]'", dir);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  uint32_t n = 0;
  char line[1024];
  while (n < max && fgets(line, sizeof line, p)) {
    char *at = strchr(line, ',');
    ghost[n] = (uint8_t)strtoul(at + 1, &at, 10);
    p5[n] = (uint8_t)strtoul(at + 1, &at, 10);
    for (uint32_t k = 0; k < KST_TRF_COUNT; ++k) x[n][k] = strtof(at + 1, &at);
    ++n;
  }
  pclose(p);
  return n;
}

Test(networks, the_ghost_network_removes_half_the_ghosts_and_keeps_the_good_tracks, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_ghost_XXXXXX", dir[] = "/tmp/kst_ghost_d_XXXXXX";
  close(mkstemp(path));
  cr_assert_not_null(mkdtemp(dir));
  generate_downstream(path, 61, 200, NULL);
  kst_sequence seq;
  velo_load(&seq, "sequences/nn_training.json");
  kst_run_result r;
  velo_run(&seq, path, (kst_run_options){.detector_dir = DETECTOR, .validate = 1, .dump_dir = dir}, &r);
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  enum { MAX = 40000 };
  static uint8_t ghost[MAX], p5[MAX];
  static float x[MAX][KST_TRF_COUNT];
  const uint32_t n = read_tracks(dir, ghost, p5, x, MAX);
  static kst_network net;
  kst_status s = kst_network_load(&net, "configuration/networks/ghost.json");
  cr_assert_eq(s.code, KST_OK, "%s", s.msg);
  uint32_t ghosts = 0, removed = 0, good = 0, kept = 0;
  for (uint32_t t = 0; t < n; ++t) {
    float in[KST_NET_MAX_INPUTS];
    for (uint32_t i = 0; i < net.n_inputs; ++i) {
      uint32_t k = 0;
      while (k < KST_TRF_COUNT && strcmp(kst_track_feature_name(k), net.features[i])) ++k;
      cr_assert_lt(k, KST_TRF_COUNT, "%s is a track feature", net.features[i]);
      in[i] = x[t][k];
    }
    const int cut = kst_network_score(&net, in) > 0.8409f; /* the working point of docs/networks.md */
    ghosts += ghost[t], removed += ghost[t] && cut, good += p5[t], kept += p5[t] && !cut;
  }
  cr_assert(ghosts > 200 && good > 1000, "%u ghosts and %u long p > 5 GeV tracks in %u", ghosts, good, n);
  cr_assert_geq(removed * 100.0 / ghosts, 45.0, "ghosts removed: %u of %u", removed, ghosts);
  cr_assert_geq(kept * 100.0 / good, 98.5, "long p > 5 GeV kept: %u of %u", kept, good);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  cr_assert_eq(system(cmd), 0);
  unlink(path);
}

Test(networks, a_ghost_probability_cut_in_the_json_takes_the_tracks_out_of_the_lines, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_ghost_cut_XXXXXX";
  close(mkstemp(path));
  generate_downstream(path, 62, 60, "B0->K+pi-");
  FILE *f = fopen("sequences/hlt1.json", "rb");
  static char text[1 << 16];
  text[fread(text, 1, sizeof text - 1, f)] = 0;
  fclose(f);
  uint64_t base[64], none[64], some[64];
  uint32_t n, m;
  fired_counts(text, path, base, &n);
  const uint32_t mva = 6; /* Hlt1TrackMVA, the seventh line */
  cr_assert(base[mva] > 5, "TrackMVA fires on %llu of 60", (unsigned long long)base[mva]);
  char *json = hlt1_with("Hlt1TrackMVA", "{\"max_ghost_prob\": 0}");
  fired_counts(json, path, none, &m);
  free(json);
  cr_assert_eq(none[mva], 0, "no track has a ghost probability of 0");
  json = hlt1_with("Hlt1TrackMVA", "{\"max_ghost_prob\": 0.8409}");
  fired_counts(json, path, some, &m);
  free(json);
  cr_assert(some[mva] <= base[mva] && some[mva] >= base[mva] * 9 / 10,
            "the working point keeps most of B0 -> K+ pi-: %llu of %llu", (unsigned long long)some[mva],
            (unsigned long long)base[mva]);
  unlink(path);
}

Test(networks, the_anomaly_lines_threshold_in_the_json_sets_its_rate, .timeout = 300) {
  need_detector();
  char path[] = "/tmp/kst_anomaly_XXXXXX";
  close(mkstemp(path));
  generate_downstream(path, 63, 40, NULL);
  uint64_t all[64], none[64];
  uint32_t n, m;
  const uint32_t k = 13; /* Hlt1Anomaly, the fourteenth line */
  char *json = hlt1_with("Hlt1Anomaly", "{\"min_score\": 0}");
  fired_counts(json, path, all, &n);
  free(json);
  cr_assert_eq(n, 14);
  cr_assert_eq(all[k], 40, "every event has a reconstruction error above 0: %llu of 40", (unsigned long long)all[k]);
  json = hlt1_with("Hlt1Anomaly", "{\"min_score\": 1e9}");
  fired_counts(json, path, none, &m);
  free(json);
  cr_assert_eq(none[k], 0);
  for (uint32_t i = 0; i < n; ++i)
    if (i != k) cr_assert_eq(all[i], none[i], "line %u unchanged", i);
  unlink(path);
}
