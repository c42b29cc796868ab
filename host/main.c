/* kestrel: the command-line entry point (dispatches to sub-commands). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/cli.h"
#include "kst_backend.h"

static const char usage[] =
    "usage: kestrel COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run         run a sequence over MDF events and print a summary\n"
    "  bench       measure a sequence's throughput on preloaded events\n"
    "  generate    simulate LHCb-like events with MC truth into an MDF file\n"
    "  sequence    check, show or graph a sequence JSON file\n"
    "  algorithms  list every algorithm type with its parameters and properties\n"
    "  convert     convert velopix JSON events to MDF\n"
    "\n"
    "  kestrel COMMAND --help   options of one command\n"
    "  kestrel --version        version, backend and device\n";

static int version(void) {
  kst_device_props p;
  kst_status s = kst_device_properties(&p);
  printf("kestrel %s (%s backend, device: %s)\n", KST_VERSION, kst_backend_name(), s.code ? s.msg : p.name);
  return s.code ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) return fputs(usage, stdout), 0;
  if (!strcmp(cmd, "--version")) return version();
  if (!strcmp(cmd, "run")) return kst_cmd_run(argc - 1, argv + 1);
  if (!strcmp(cmd, "bench")) return kst_cmd_bench(argc - 1, argv + 1);
  if (!strcmp(cmd, "generate")) return kst_cmd_generate(argc - 1, argv + 1);
  if (!strcmp(cmd, "sequence")) return kst_cmd_sequence(argc - 1, argv + 1);
  if (!strcmp(cmd, "algorithms")) return kst_cmd_algorithms(argc - 1, argv + 1);
  if (!strcmp(cmd, "convert")) return kst_cmd_convert(argc - 1, argv + 1);
  fprintf(stderr, "kestrel: unknown command '%s'\n\n%s", cmd, usage);
  return 2;
}
