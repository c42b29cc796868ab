/* Conditions: how a run finds each condition's file, and the errors that name a misspelt one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "configuration/file.h"
#include "configuration/geometry.h"
#include "host/runtime/conditions.h"
#include "input/simulation/generate.h"
#include "velo_run.h"

Test(conditions, the_lhcb_sample_without_a_geometry_option_uses_the_geometry_beside_it) {
  if (access(REAL_MDF, R_OK) || access(REAL_GEOMETRY, R_OK)) cr_skip("../shared/data not present: not checked");
  kst_sequence seq;
  kst_run_result beside, given;
  velo_load(&seq, "sequences/velo_pv.json");
  velo_run(&seq, REAL_MDF, (kst_run_options){.validate = 1}, &beside);
  velo_run(&seq, REAL_MDF, (kst_run_options){.validate = 1, .geometry = REAL_GEOMETRY}, &given);
  cr_assert_eq(beside.n_conditions, 1);
  cr_assert_str_eq(beside.conditions[0].name, "velo_geometry");
  cr_assert_str_eq(beside.conditions[0].path, REAL_GEOMETRY);
  cr_assert_str_eq(beside.conditions[0].origin, "beside the input");
  cr_assert_str_eq(given.conditions[0].origin, "command line");
  /* The same tables: with the ideal geometry the clones were 15.5% instead of 0.9%. */
  kst_track_category_stats a, b;
  cr_assert_eq(kst_track_checker_category(velo_checker(&beside, &seq, "velo_track_check"), 0, &a).code, KST_OK);
  cr_assert_eq(kst_track_checker_category(velo_checker(&given, &seq, "velo_track_check"), 0, &b).code, KST_OK);
  cr_assert(a.found == b.found && a.clones == b.clones && a.clones * 50 < a.found, "%llu clones of %llu", (unsigned long long)a.clones, (unsigned long long)a.found);
  kst_run_result_free(&beside, &seq);
  kst_run_result_free(&given, &seq);
  kst_sequence_free(&seq);
}

Test(conditions, a_simulated_file_uses_the_shipped_ideal_geometry) {
  kst_sequence seq;
  kst_conditions c;
  velo_load(&seq, "sequences/velo_pv.json");
  kst_run_options o = {0};
  cr_assert_eq(kst_conditions_resolve(&c, &seq, &o, "/tmp/no_such_folder/sim.mdf").code, KST_OK);
  cr_assert_eq(c.n, 1);
  cr_assert_eq(c.items[0].origin, KST_CONDITION_DEFAULT);
  cr_assert(strstr(c.items[0].path, "configuration/velo_ideal_geometry.json"), "%s", c.items[0].path);
  kst_sequence_free(&seq);
}

Test(conditions, command_line_then_sequence_then_beside_the_input) {
  kst_sequence seq;
  kst_problems pb;
  const char *json = "{\"conditions\": {\"velo_geometry\": \"geo/velo.json\"}, \"sequence\": ["
                     "{\"type\": \"data_provider\", \"name\": \"banks\"}, {\"type\": \"bank_item_offsets\", \"name\": \"o\"},"
                     "{\"type\": \"event_list_init\", \"name\": \"ev\"}, {\"type\": \"velo_count_hits\", \"name\": \"c\"},"
                     "{\"type\": \"velo_decode\", \"name\": \"hits\"}]}";
  cr_assert_eq(kst_sequence_parse(&seq, json, "sequences/t.json", &pb).code, KST_OK);
  kst_problems_free(&pb);
  kst_conditions c;
  kst_run_options o = {0};
  cr_assert_eq(kst_conditions_resolve(&c, &seq, &o, REAL_MDF).code, KST_OK);
  cr_assert_str_eq(c.items[0].path, "sequences/geo/velo.json", "relative to the sequence file's folder");
  cr_assert_eq(c.items[0].origin, KST_CONDITION_SEQUENCE);
  const char *over[] = {"velo_geometry=mine.bin"};
  o.conditions = over, o.n_conditions = 1;
  cr_assert_eq(kst_conditions_resolve(&c, &seq, &o, REAL_MDF).code, KST_OK);
  cr_assert_str_eq(c.items[0].path, "mine.bin");
  cr_assert_eq(c.items[0].origin, KST_CONDITION_COMMAND_LINE);
  kst_sequence_free(&seq);
}

Test(conditions, misspelt_names_are_refused_with_the_closest_one) {
  kst_sequence seq;
  kst_problems pb;
  const char *json = "{\"conditions\": {\"velo_geomtry\": \"x.bin\"}, \"sequence\": ["
                     "{\"type\": \"data_provider\", \"name\": \"banks\"}]}";
  cr_assert_eq(kst_sequence_parse(&seq, json, "t.json", &pb).code, KST_ERR_CONFIG);
  cr_assert(pb.n && strstr(pb.lines[0], "$.conditions.velo_geomtry: no condition called 'velo_geomtry' (did you mean "
                                        "'velo_geometry'?)"), "%s", pb.n ? pb.lines[0] : "");
  kst_problems_free(&pb);
  velo_load(&seq, "sequences/velo_pv.json");
  kst_conditions c;
  const char *bad[] = {"velo_geometri=x"}, *no_eq[] = {"velo_geometry"};
  kst_run_options o = {.conditions = bad, .n_conditions = 1};
  kst_status s = kst_conditions_resolve(&c, &seq, &o, NULL);
  cr_assert(s.code == KST_ERR_CONFIG && strstr(s.msg, "did you mean 'velo_geometry'"), "%s", s.msg);
  o.conditions = no_eq;
  s = kst_conditions_resolve(&c, &seq, &o, NULL);
  cr_assert(s.code == KST_ERR_CONFIG && strstr(s.msg, "write NAME=FILE"), "%s", s.msg);
  kst_sequence_free(&seq);
}

Test(conditions, every_json_report_names_the_condition_files) {
  char path[] = "/tmp/kst_cond_XXXXXX", report[64];
  close(mkstemp(path));
  snprintf(report, sizeof report, "%s.json", path);
  kst_sim_options so;
  kst_velo_geometry g;
  kst_sim_options_default(&so);
  kst_geometry_ideal(&g);
  cr_assert_eq(kst_sim_generate_file(&so, &g, 20, path, NULL).code, KST_OK);
  kst_sequence seq;
  kst_run_result r;
  velo_load(&seq, "sequences/velo_pv.json");
  velo_run(&seq, path, (kst_run_options){.validate = 1}, &r);
  const kst_report_options opt = {.json_path = report};
  cr_assert_eq(kst_run_report(&r, &seq, &opt).code, KST_OK);
  const char *files[] = {report, NULL};
  char pv_report[80];
  snprintf(pv_report, sizeof pv_report, "%s.pv.json", report);
  files[1] = pv_report;
  for (int f = 0; f < 2; ++f) {
    uint8_t *text;
    size_t size;
    cr_assert_eq(kst_read_file(files[f], &text, &size).code, KST_OK, "%s", files[f]);
    cr_assert(strstr((const char *)text, "\"conditions\"") && strstr((const char *)text, "velo_ideal_geometry.json"),
              "%s does not name the geometry", files[f]);
    free(text);
    unlink(files[f]);
  }
  kst_run_result_free(&r, &seq);
  kst_sequence_free(&seq);
  unlink(path);
}
