/* kestrel generate: simulated minimum-bias (or signal) events written as MDF with MC truth. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "configuration/geometry.h"
#include "host/cli.h"
#include "input/simulation/generate.h"

#define IDEAL_GEOMETRY "configuration/velo_ideal_geometry.json"

int kst_cmd_generate(int argc, char **argv);

static const char generate_usage[] =
    "usage: kestrel generate -n EVENTS -o FILE.mdf [--seed S] [--pileup NU] [--signal CHANNEL]\n"
    "                        [--geometry FILE] [--detector DIR [--polarity up|down]]\n"
    "\n"
    "  -n, --events N        number of events to make (at least 1)\n"
    "  -o, --output FILE     MDF file to write (replaced if it exists)\n"
    "  -s, --seed S          random seed, 0..2^64-1 (default 1); the same seed gives the same bytes\n"
    "  -p, --pileup NU       mean pp interactions per crossing, 0..100 (default 7.6; at least one)\n"
    "      --signal CHANNEL  one forced decay per event, in the first interaction:\n"
    "                        B0->K+pi-, Bs->phi(K+K-)phi(K+K-), D0->K-pi+, B+->J/psi(mu+mu-)K+,\n"
    "                        D+->K-pi+pi+, Lambda_b0->pK-\n"
    "  -g, --geometry FILE   VELO geometry, LHCb binary or Kestrel JSON\n"
    "                        (default " IDEAL_GEOMETRY ")\n"
    "  -d, --detector DIR    also simulate the magnet, the UT and the SciFi, with LHCb's detector files\n"
    "                        in DIR (ut_boards.bin, ut_geometry.bin, scifi_geometry.bin)\n"
    "      --polarity P      magnet polarity: down (default, the LHCb sample's) or up\n"
    "\n"
    "Each event: ODIN (bank 16), 208 VELO retina banks (73 v3), with --detector 180 UT banks (66 v3)\n"
    "and 240 SciFi banks (64 v5), MC particles (32 v2) whose ids are the LHCbIDs of their clusters,\n"
    "MC primary vertices (33). See docs/simulation.md.\n";

static int usage_error(const char *fmt, const char *arg) {
  fputs("kestrel generate: ", stderr);
  fprintf(stderr, fmt, arg);
  fputs("\n(kestrel generate --help for usage)\n", stderr);
  return 2;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* The shipped ideal geometry: from the working folder (the repository root), else from the source tree. */
static kst_status default_geometry(kst_velo_geometry *g, const char **used) {
  static const char *paths[] = {IDEAL_GEOMETRY, KST_SOURCE_DIR "/" IDEAL_GEOMETRY};
  for (int k = 0; k < 2; k++)
    if (access(paths[k], R_OK) == 0) {
      *used = paths[k];
      return kst_geometry_load(g, paths[k]);
    }
  /* the computed ideal geometry is the same detector (tests keep the JSON current) */
  *used = "the computed ideal geometry";
  kst_geometry_ideal(g);
  return kst_ok();
}

/* Parses the mean pile-up: a finite number in [0, 100]. */
static int parse_pileup(const char *text, double *out) {
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (errno || end == text || *end || !isfinite(v)) return usage_error("--pileup needs a number (got '%s')", text), 0;
  if (v < 0.0) return usage_error("--pileup cannot be negative (got '%s')", text), 0;
  if (v > 100.0) return usage_error("--pileup must be at most 100 (got '%s')", text), 0;
  *out = v;
  return 1;
}

int kst_cmd_generate(int argc, char **argv) {
  kst_sim_options o;
  kst_sim_options_default(&o);
  const char *out = NULL, *geometry = NULL, *detector = NULL;
  uint64_t n_events = 0;
  int have_n = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) return fputs(generate_usage, stdout), 0;
    int is_n = !strcmp(a, "-n") || !strcmp(a, "--events"), is_o = !strcmp(a, "-o") || !strcmp(a, "--output");
    int is_seed = !strcmp(a, "-s") || !strcmp(a, "--seed"), is_pu = !strcmp(a, "-p") || !strcmp(a, "--pileup");
    int is_sig = !strcmp(a, "--signal"), is_geo = !strcmp(a, "-g") || !strcmp(a, "--geometry");
    int is_det = !strcmp(a, "-d") || !strcmp(a, "--detector"), is_pol = !strcmp(a, "--polarity");
    if (!(is_n || is_o || is_seed || is_pu || is_sig || is_geo || is_det || is_pol)) {
      if (a[0] == '-' && a[1]) return usage_error("unknown option '%s'", a);
      return usage_error("unexpected argument '%s'", a);
    }
    if (i + 1 >= argc) return usage_error("%s needs a value", a);
    const char *v = argv[++i];
    if (is_n) {
      if (!kst_cli_number(a, v, 1, UINT32_MAX, &n_events)) return 2;
      have_n = 1;
    } else if (is_o) {
      out = v;
    } else if (is_seed) {
      if (!kst_cli_number(a, v, 0, UINT64_MAX, &o.seed)) return 2;
    } else if (is_pu) {
      if (!parse_pileup(v, &o.pileup)) return 2;
    } else if (is_sig) {
      kst_status s = kst_sim_signal_parse(v, &o.signal);
      if (s.code) return usage_error("%s", s.msg);
    } else if (is_det) {
      detector = v;
    } else if (is_pol) {
      if (strcmp(v, "down") && strcmp(v, "up")) return usage_error("--polarity is down or up (got '%s')", v);
      o.polarity = strcmp(v, "up") ? -1.0 : 1.0;
    } else {
      geometry = v;
    }
  }
  if (!have_n) return usage_error("%s", "missing -n EVENTS");
  if (!out) return usage_error("%s", "missing -o FILE.mdf");

  static kst_velo_geometry g; /* 20 kB: kept off the stack */
  const char *geo_used = geometry;
  kst_status s = geometry ? kst_geometry_load(&g, geometry) : default_geometry(&g, &geo_used);
  if (s.code) {
    fprintf(stderr, "kestrel generate: %s\n", s.msg);
    return 1;
  }
  static kst_sim_downstream downstream; /* 130 kB: kept off the stack */
  if (detector) {
    s = kst_sim_downstream_load(&downstream, detector);
    if (s.code) {
      fprintf(stderr, "kestrel generate: --detector %s: %s\n", detector, s.msg);
      return 1;
    }
    o.downstream = &downstream;
  }
  kst_sim_stats st;
  double t0 = now_s();
  s = kst_sim_generate_file(&o, &g, n_events, out, &st);
  double dt = now_s() - t0;
  if (s.code) {
    fprintf(stderr, "kestrel generate: %s\n", s.msg);
    return 1;
  }
  double n = (double)st.events;
  printf("kestrel generate: %llu events (seed %llu, pile-up %g, signal %s, geometry %s) -> %s\n",
         (unsigned long long)st.events, (unsigned long long)o.seed, o.pileup, kst_sim_signal_name(o.signal),
         geo_used, out);
  printf("  per event: %.2f primary vertices (%.2f with a VELO track), %.1f MC particles (%.1f hasVelo), "
         "%.1f VELO clusters (%.2f noise)\n",
         (double)st.interactions / n, (double)st.pvs_visible / n, (double)st.particles / n, (double)st.has_velo / n,
         (double)st.clusters / n, (double)st.noise / n);
  if (detector)
    printf("  magnet %s; per event: %.1f UT hits, %.1f SciFi clusters, %.1f isLong particles (detector files %s)\n",
           o.polarity < 0 ? "down" : "up", (double)st.ut_hits / n, (double)st.ft_clusters / n, (double)st.is_long / n,
           detector);
  else
    printf("  VELO only (no --detector): no UT or SciFi banks\n");
  printf("  %.1f MB in %.2f s: %.0f events/s\n", (double)st.bytes / 1e6, dt, dt > 0.0 ? n / dt : 0.0);
  return 0;
}
