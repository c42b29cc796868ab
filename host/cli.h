/* Shared helpers of the kestrel sub-commands. */
#ifndef KST_CLI_H
#define KST_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "configuration/sequence.h"
#include "host/runtime/conditions.h"
#include "host/runtime/runtime.h"

/* Loads a sequence and prints its problems to stderr; returns 0 when it has no errors. */
int kst_cli_load_sequence(kst_sequence *seq, const char *path, int show_warnings);
/* Loads a sequence (as kst_cli_load_sequence) and finds its conditions' files, so a misspelt --condition is refused
   before any event is read; returns 0 when both succeed (the sequence is then loaded), else the exit code. */
int kst_cli_load_run_setup(const char *command, kst_sequence *seq, const char *path, int show_warnings,
                           kst_conditions *planned, const kst_run_options *o, const char *first_input);
/* Prints the run's first rejected events in full on stderr, then how many more. */
void kst_cli_report_rejections(const char *command, const kst_run_result *r);
/* Prints every input error of src; returns 0 when src holds at least one valid event, else prints that none was read,
   naming the files, and returns 1. */
int kst_cli_report_events(const char *command, const kst_event_source *src);
/* Parses an unsigned number argument; prints an error naming the option and returns 0 on failure. */
int kst_cli_number(const char *option, const char *text, uint64_t lo, uint64_t hi, uint64_t *out);
/* Parses "on" or "off" into 1 or 0; prints an error naming the option and returns 0 on anything else. */
int kst_cli_on_off(const char *option, const char *text, int *out);
/* What graphs did in a run, for the summaries: "off (cpu backend)", "off (direct launches)" or "on: N batch runs
   replayed (U updated in place, I re-instantiated) after W direct warm-up runs", plus any that fell back to direct. */
void kst_cli_graphs_summary(char *buf, size_t size, const kst_run_options *o, const kst_run_result *r);

/* The sub-commands; each returns the process exit code. */
int kst_cmd_run(int argc, char **argv);
int kst_cmd_sequence(int argc, char **argv);
int kst_cmd_algorithms(int argc, char **argv);
int kst_cmd_convert(int argc, char **argv);
int kst_cmd_bench(int argc, char **argv);
int kst_cmd_generate(int argc, char **argv);

#endif
