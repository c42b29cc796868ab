/* libFuzzer harness: sequence JSON through the loader, its type checks and every algorithm's property checks. */
#include <stdlib.h>
#include <string.h>

#include "configuration/sequence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *json = malloc(size + 1);
  if (!json) return 0;
  memcpy(json, data, size);
  json[size] = '\0';
  kst_sequence seq;
  kst_problems pb;
  if (kst_sequence_parse(&seq, json, "fuzz.json", &pb).code == KST_OK) kst_sequence_free(&seq);
  kst_problems_free(&pb);
  free(json);
  return 0;
}
