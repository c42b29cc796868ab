/* Shared helpers of the kestrel sub-commands. */
#ifndef KST_CLI_H
#define KST_CLI_H

#include <stdint.h>

#include "configuration/sequence.h"

/* Loads a sequence and prints its problems to stderr; returns 0 when it has no errors. */
int kst_cli_load_sequence(kst_sequence *seq, const char *path, int show_warnings);
/* Parses an unsigned number argument; prints an error naming the option and returns 0 on failure. */
int kst_cli_number(const char *option, const char *text, uint64_t lo, uint64_t hi, uint64_t *out);

/* The sub-commands; each returns the process exit code. */
int kst_cmd_run(int argc, char **argv);
int kst_cmd_sequence(int argc, char **argv);
int kst_cmd_algorithms(int argc, char **argv);
int kst_cmd_convert(int argc, char **argv);
int kst_cmd_bench(int argc, char **argv);
int kst_cmd_generate(int argc, char **argv);

#endif
