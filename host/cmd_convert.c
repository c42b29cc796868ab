/* kestrel convert velopix: velopix JSON events to MDF that the VELO decoding reads like real data. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "host/cli.h"
#include "input/velopix_convert.h"

#define DEFAULT_GEOMETRY "../shared/data/lhcb/velo_geometry.bin"

static const char convert_usage[] =
    "usage: kestrel convert velopix DIR -o FILE.mdf [--geometry FILE] [-n N]\n"
    "\n"
    "  DIR                   folder of velo_event_N.json files, converted in increasing N\n"
    "  -o, --output FILE     MDF file to write (replaced if it exists)\n"
    "  -g, --geometry FILE   VELO geometry, LHCb binary or Kestrel JSON\n"
    "                        (default " DEFAULT_GEOMETRY ")\n"
    "  -n, --events N        convert at most N events (default all)\n"
    "\n"
    "Each hit becomes a retina cluster (bank 73 v3) on the sensor that holds it; MC particles\n"
    "(bank 32 v2) refer to the clusters' LHCbIDs; an empty MC vertex bank (33) is written.\n";

static int usage_error(const char *fmt, const char *arg) {
  fputs("kestrel convert: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n(kestrel convert --help for usage)\n", stderr);
  return 2;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Entry of "kestrel convert"; argv[0] is "convert". Returns the process exit code. */
int kst_cmd_convert(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) return fputs(convert_usage, stdout), 0;
  if (argc < 2) return usage_error("%s", "missing input format (only 'velopix' is known)");
  if (strcmp(argv[1], "velopix")) return usage_error("unknown input format '%s' (only 'velopix' is known)", argv[1]);
  const char *dir = NULL, *out = NULL, *geometry = NULL;
  uint64_t max_events = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) return fputs(convert_usage, stdout), 0;
    int is_out = !strcmp(a, "-o") || !strcmp(a, "--output");
    int is_geo = !strcmp(a, "-g") || !strcmp(a, "--geometry");
    int is_n = !strcmp(a, "-n") || !strcmp(a, "--events");
    if (is_out || is_geo || is_n) {
      if (i + 1 >= argc) return usage_error("%s needs a value", a);
      const char *v = argv[++i];
      if (is_out) out = v;
      else if (is_geo) geometry = v;
      else if (!kst_cli_number(a, v, 1, UINT32_MAX, &max_events)) return 2;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option '%s'", a);
    } else if (dir) {
      return usage_error("more than one input folder (second: '%s')", a);
    } else {
      dir = a;
    }
  }
  if (!dir) return usage_error("%s", "missing the velopix folder DIR");
  if (!out) return usage_error("%s", "missing -o FILE.mdf");
  struct stat sb;
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) return usage_error("'%s' is not a folder", dir);
  if (!geometry) {
    if (access(DEFAULT_GEOMETRY, R_OK) != 0)
      return usage_error("the default geometry %s is not readable from here; run from the repository "
                         "root or pass --geometry FILE",
                         DEFAULT_GEOMETRY);
    geometry = DEFAULT_GEOMETRY;
  }

  static kst_velo_geometry g; /* 20 kB: kept off the stack */
  kst_status s = kst_geometry_load(&g, geometry);
  if (s.code) {
    fprintf(stderr, "kestrel convert: %s\n", s.msg);
    return 1;
  }
  kst_convert_stats st;
  double t0 = now_s();
  s = kst_velopix_convert(dir, out, &g, (uint32_t)max_events, &st);
  double dt = now_s() - t0;
  if (s.code) {
    fprintf(stderr, "kestrel convert: %s (after %u events)\n", s.msg, st.events);
    return 1;
  }
  printf("kestrel convert: %u events, %llu hits -> %llu retina clusters, %llu hits without sensor "
         "(%llu MC refs dropped), %llu duplicate words, %llu duplicate LHCbIDs, %llu MC particles in %llu banks, "
         "position error max %.2f um (event %u hit %u) mean %.2f um, %s in %.2f s\n",
         st.events, (unsigned long long)st.hits, (unsigned long long)st.clusters,
         (unsigned long long)st.hits_without_sensor, (unsigned long long)st.dropped_mc_ids,
         (unsigned long long)st.duplicate_words, (unsigned long long)st.duplicate_lhcbids,
         (unsigned long long)st.particles, (unsigned long long)st.mc_banks, 1e3 * st.max_error_mm,
         st.max_error_event, st.max_error_hit, 1e3 * st.mean_error_mm, out, dt);
  /* A hit on no sensor does not happen with the geometry the events were simulated with. */
  if (st.hits && st.hits_without_sensor * 2000 > st.hits)
    fprintf(stderr, "kestrel convert: warning: %llu of %llu hits (%.2f%%) land on no sensor of the geometry %s: is it "
            "the geometry these events were simulated with?\n", (unsigned long long)st.hits_without_sensor,
            (unsigned long long)st.hits, 100.0 * (double)st.hits_without_sensor / (double)st.hits, geometry);
  return 0;
}
