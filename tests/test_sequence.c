/* Tests of sequence loading: one per error kind (each message names the JSON path), bindings and lifetimes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "configuration/sequence.h"

static kst_sequence seq;
static kst_problems pb;

static void fini(void) {
  kst_sequence_free(&seq);
  kst_problems_free(&pb);
}

/* Loads json and asserts exactly one error whose text contains every given fragment. */
static void expect_error(const char *json, const char *a, const char *b) {
  kst_status s = kst_sequence_parse(&seq, json, "t.json", &pb);
  cr_assert_eq(s.code, KST_ERR_CONFIG, "should fail: %s", json);
  cr_assert(seq.n == 0 && !seq.inst && !seq.buffers, "a refused sequence holds nothing to free");
  cr_assert_eq(pb.n_errors, 1, "one error expected, got %u (first: %s)", pb.n_errors, pb.n ? pb.lines[0] : "");
  const char *line = NULL;
  for (uint32_t i = 0; i < pb.n; ++i)
    if (strstr(pb.lines[i], ": error: ")) line = pb.lines[i];
  cr_assert(strncmp(line, "t.json: error: ", 15) == 0, "%s", line);
  cr_assert(strstr(line, a) != NULL, "'%s' not in: %s", a, line);
  cr_assert(!b || strstr(line, b) != NULL, "'%s' not in: %s", b, line);
}

#define PROVIDER "{\"type\": \"data_provider\", \"name\": \"p\"}"
#define EVENTS "{\"type\": \"event_list_init\", \"name\": \"ev\"}"
#define STATS "{\"type\": \"bank_stats\", \"name\": \"st\"}"
#define SUMMARY "{\"type\": \"bank_stats_summary\", \"name\": \"sum\"}"

Test(sequence, good_sequence_binds_by_name, .fini = fini) {
  const char *j = "{\"sequence\": [" PROVIDER "," EVENTS "," STATS "," SUMMARY "]}";
  cr_assert_eq(kst_sequence_parse(&seq, j, "t.json", &pb).code, KST_OK);
  cr_assert_eq(pb.n, 0);
  cr_assert_eq(seq.n, 4);
  cr_assert_eq(seq.n_bank_types, 1);
  cr_assert_eq(seq.bank_types[0], 73);
  const kst_instance *st = &seq.inst[2];
  int p = kst_param_index(st->desc, "dev_event_list");
  cr_assert_eq(seq.buffers[st->buffer[p]].producer, 1);
}

Test(sequence, unknown_type_suggests, .fini = fini) {
  expect_error("{\"sequence\": [{\"type\": \"bank_stat\", \"name\": \"x\"}]}", "$.sequence[0]",
               "unknown algorithm type 'bank_stat' (did you mean 'bank_stats'?)");
}

Test(sequence, unknown_property_suggests, .fini = fini) {
  expect_error("{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"p\", \"properties\": {\"bank_typ\": 73}}]}",
               "$.sequence[0].properties.bank_typ", "did you mean 'bank_type'?");
}

Test(sequence, wrong_property_type, .fini = fini) {
  expect_error("{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"p\", \"properties\": {\"bank_type\": \"73\"}}]}",
               "$.sequence[0].properties.bank_type", "expected unsigned integer");
}

Test(sequence, property_out_of_range, .fini = fini) {
  expect_error("{\"sequence\": [{\"type\": \"data_provider\", \"name\": \"p\", \"properties\": {\"bank_type\": 300}}]}",
               "$.sequence[0].properties.bank_type", "out of range [0, 255]");
}

Test(sequence, missing_producer, .fini = fini) {
  cr_assert_eq(kst_sequence_parse(&seq, "{\"sequence\": [" EVENTS "," STATS "]}", "t.json", &pb).code, KST_ERR_CONFIG);
  cr_assert_eq(pb.n_errors, 3, "the three raw-bank inputs have no producer");
  cr_assert(strstr(pb.lines[0], "$.sequence[1]: input 'dev_raw_banks' (device input, char) of 'st' has no producer") != NULL,
            "%s", pb.lines[0]);
}

Test(sequence, duplicate_name, .fini = fini) {
  expect_error("{\"sequence\": [" PROVIDER ", {\"type\": \"event_list_init\", \"name\": \"p\"}," STATS "," SUMMARY "]}",
               "$.sequence[1]", "duplicate instance name 'p'");
}

Test(sequence, element_type_mismatch, .fini = fini) {
  expect_error("{\"sequence\": [" PROVIDER "," EVENTS ", {\"type\": \"bank_stats\", \"name\": \"st\", \"inputs\": "
               "{\"dev_event_list\": \"p.dev_raw_banks\"}}," SUMMARY "]}",
               "$.sequence[2].inputs.dev_event_list", "element type mismatch: 'dev_event_list' wants kst_event_list_word but 'p.dev_raw_banks' holds char");
}

Test(sequence, binding_to_unknown_instance_suggests, .fini = fini) {
  expect_error("{\"sequence\": [" PROVIDER "," EVENTS ", {\"type\": \"bank_stats\", \"name\": \"st\", \"inputs\": "
               "{\"dev_event_list\": \"evv.dev_event_list\"}}," SUMMARY "]}",
               "$.sequence[2].inputs.dev_event_list", "no earlier instance called 'evv' (did you mean 'ev'?)");
}

Test(sequence, unknown_input_name, .fini = fini) {
  expect_error("{\"sequence\": [" PROVIDER "," EVENTS ", {\"type\": \"bank_stats\", \"name\": \"st\", \"inputs\": "
               "{\"dev_event_lst\": \"ev.dev_event_list\"}}," SUMMARY "]}",
               "$.sequence[2].inputs", "no input 'dev_event_lst' (did you mean 'dev_event_list'?)");
}

Test(sequence, unknown_key_and_bad_json, .fini = fini) {
  expect_error("{\"sequence\": [{\"type\": \"data_provider\", \"nme\": \"p\"}]}", "$.sequence[0]",
               "unknown key 'nme' (did you mean 'name'?)");
  fini();
  kst_status s = kst_sequence_parse(&seq, "{\n\"sequence\": [\n,]}", "t.json", &pb);
  cr_assert_eq(s.code, KST_ERR_CONFIG);
  cr_assert(strstr(pb.lines[0], "line 3") != NULL, "%s", pb.lines[0]);
}

Test(sequence, nesting_past_the_limit_is_named_as_such, .fini = fini) {
  static char json[100100];
  strcpy(json, "{\"sequence\":\n");
  memset(json + strlen(json), '[', 100000);
  expect_error(json, "nested deeper than 1000 levels", "line 2");
}

Test(sequence, unused_output_is_a_warning, .fini = fini) {
  const char *j = "{\"sequence\": [" PROVIDER "," EVENTS "]}";
  cr_assert_eq(kst_sequence_parse(&seq, j, "t.json", &pb).code, KST_OK);
  cr_assert_eq(pb.n_errors, 0);
  cr_assert_eq(pb.n_warnings, 4, "every device output of the two instances");
  cr_assert(strstr(pb.lines[0], "t.json: warning: $.sequence[0]: output 'p.dev_raw_banks' is never used") != NULL, "%s",
            pb.lines[0]);
}

Test(sequence, lifetimes_reserve_before_producer_release_after_last_consumer, .fini = fini) {
  /* Two stats instances: the provider's buffers live until the second one reads them. */
  const char *j = "{\"sequence\": [" PROVIDER "," EVENTS "," STATS ", {\"type\": \"bank_stats\", \"name\": \"st2\"},"
                  SUMMARY "]}";
  cr_assert_eq(kst_sequence_parse(&seq, j, "t.json", &pb).code, KST_OK);
  /* Buffers in creation order: p.{banks, bank_offsets, event_offsets}, ev.list, st.{stats, groups},
     st2.{stats, groups}; the summary copies st2's to the host, so they live until step 4. */
  cr_assert_eq(seq.n_buffers, 8);
  const uint32_t first[8] = {0, 0, 0, 1, 2, 2, 3, 3};
  const uint32_t last[8] = {3, 3, 3, 3, 2, 2, 4, 4};
  for (uint32_t b = 0; b < 8; ++b) {
    cr_assert_eq(seq.buffers[b].first, first[b], "buffer %u first", b);
    cr_assert_eq(seq.buffers[b].last, last[b], "buffer %u last %u", b, seq.buffers[b].last);
  }
  cr_assert_eq(seq.buffers[4].n_consumers, 0, "st's outputs are shadowed by st2's");
  cr_assert_eq(pb.n_warnings, 2);
}

Test(sequence, property_parse_and_format) {
  kst_prop_desc d = {"dims", KST_PROP_UINT, 3, 12, "[1,2,3]", 1, 1024, "block"};
  uint32_t v[3];
  char *owned = NULL, msg[128], out[64];
  cr_assert(kst_property_parse(&d, "[64, 2, 1]", v, &owned, msg, sizeof msg));
  cr_assert_eq(v[0], 64);
  cr_assert_eq(v[2], 1);
  kst_property_format(&d, v, out, sizeof out);
  cr_assert_str_eq(out, "[64, 2, 1]");
  cr_assert_not(kst_property_parse(&d, "[64, 2]", v, &owned, msg, sizeof msg));
  cr_assert_not(kst_property_parse(&d, "[64, 0, 1]", v, &owned, msg, sizeof msg));
  cr_assert(strstr(msg, "element 1") != NULL, "%s", msg);
  kst_prop_desc f = {"w", KST_PROP_FLOAT, 1, 4, "0.5", 1, 0, "window"};
  float x;
  cr_assert(kst_property_parse(&f, "-2.5", &x, &owned, msg, sizeof msg));
  cr_assert_float_eq(x, -2.5f, 0);
  cr_assert_not(kst_property_parse(&f, "true", &x, &owned, msg, sizeof msg));
}

/* Loads one pv_beamline with these properties (its inputs its own) and returns the first problem, or "". */
static const char *pv_problem(const char *props) {
  static char line[600];
  kst_sequence_free(&seq), kst_problems_free(&pb);
  const kst_status s = kst_sequence_single(&seq, "pv_beamline", props, &pb);
  snprintf(line, sizeof line, "%s", s.code && pb.n ? pb.lines[0] : "");
  cr_assert(!s.code == (pb.n_errors == 0));
  return line;
}

Test(sequence, rules_across_properties_are_checked_when_loading, .fini = fini) {
  /* What a run would refuse, loading refuses, with the JSON path: pv_beamline's histogram range and bin count. */
  const char *p = pv_problem("{\"z_range\": [300, -300]}");
  cr_assert(strstr(p, "$.sequence[0].properties: pv_beamline: z_range must be increasing ([300, -300])"), "%s", p);
  p = pv_problem("{\"z_range\": [5, 5]}");
  cr_assert(strstr(p, "z_range must be increasing"), "%s", p);
  p = pv_problem("{\"z_range\": [-2000, 2000], \"bin_width\": 0.01}");
  cr_assert(strstr(p, "must be at most 8192 bins (400000)"), "%s", p);
  p = pv_problem("{\"z_range\": [-300, 300]}");
  cr_assert_str_eq(p, "", "a good range loads");
}
