/* tools/bandwidth.py: cuts tuned to a rate budget on minimum bias, the tuned sequence within it, and a budget no
   combination meets refused. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "kestrel_cli.h"
#include "sim_downstream.h"

/* Runs the tool with the scan of two lines' cuts at this budget; returns its exit status, its output in out. */
static int bandwidth(char *out, size_t size, const char *mb, const char *sig, const char *budget, const char *tuned) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 tools/bandwidth.py --kestrel %s --sequence sequences/hlt1.json --minbias %s "
           "--signal B2KPi=%s --scan Hlt1TrackMVA.min_ip_chi2=4,7.4,20 --scan Hlt1TwoTrackMVA.min_score=0.9,0.95,0.99 "
           "--budget-khz %s --out %s --detector %s 2>&1", KST_KESTREL_BIN, mb, sig, budget, tuned, DETECTOR);
  FILE *p = popen(cmd, "r");
  cr_assert_not_null(p);
  const size_t n = fread(out, 1, size - 1, p);
  out[n] = 0;
  const int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(bandwidth, cuts_are_tuned_to_the_budget_and_the_tuned_sequence_meets_it, .timeout = 300) {
  need_detector();
  if (access("/usr/bin/python3", X_OK) != 0) cr_skip_test("/usr/bin/python3 is needed");
  char mb[] = "/tmp/kst_bw_mb_XXXXXX", sig[] = "/tmp/kst_bw_sig_XXXXXX", tuned[] = "/tmp/kst_bw_tuned_XXXXXX";
  close(mkstemp(mb)), close(mkstemp(sig)), close(mkstemp(tuned));
  generate_downstream(mb, 21, 200, NULL);
  generate_downstream(sig, 22, 50, "B0->K+pi-");
  static char text[1 << 16];
  cr_assert_eq(bandwidth(text, sizeof text, mb, sig, "700", tuned), 0, "%s", text);
  double rate = -1, predicted = -2;
  const char *at = strstr(text, "inclusive rate ");
  cr_assert(at && sscanf(at, "inclusive rate %lf", &rate) == 1, "%s", text);
  at = strstr(text, "the scan predicted ");
  cr_assert(at && sscanf(at, "the scan predicted %lf", &predicted) == 1, "%s", text);
  cr_assert(rate <= 700.0 && rate == predicted, "the tuned sequence's own rate %g is the scan's %g, within 700 kHz",
            rate, predicted);
  FILE *f = fopen(tuned, "r");
  static char json[1 << 16];
  const size_t n = fread(json, 1, sizeof json - 1, f);
  fclose(f);
  json[n] = 0;
  cJSON *root = cJSON_Parse(json), *inst;
  cr_assert_not_null(root, "the tuned sequence is JSON");
  int found = 0;
  cJSON_ArrayForEach(inst, cJSON_GetObjectItem(root, "sequence")) {
    const char *name = cJSON_GetObjectItem(inst, "name")->valuestring;
    cr_assert_null(strstr(name, "__scan"), "no scan copy is left in the tuned sequence");
    const cJSON *props = cJSON_GetObjectItem(inst, "properties");
    if (!strcmp(name, "Hlt1TrackMVA")) {
      const double v = cJSON_GetObjectItem(props, "min_ip_chi2")->valuedouble;
      cr_assert(v == 4 || (float)v == 7.4f || v == 20, "min_ip_chi2 %g is a scanned value", v);
      ++found;
    }
    if (!strcmp(name, "Hlt1TwoTrackMVA")) {
      const double v = cJSON_GetObjectItem(props, "min_score")->valuedouble;
      cr_assert((float)v == 0.9f || (float)v == 0.95f || (float)v == 0.99f, "min_score %g is a scanned value", v);
      ++found;
    }
  }
  cr_assert_eq(found, 2);
  cJSON_Delete(root);
  /* no cut of the scan brings the trigger to 1 kHz on this sample: refused */
  cr_assert_eq(bandwidth(text, sizeof text, mb, sig, "1", tuned), 1, "%s", text);
  cr_assert(strstr(text, "no combination fits 1 kHz"), "%s", text);
  unlink(mb), unlink(sig), unlink(tuned);
}
