/* libFuzzer harness: bytes as the words of a selected-objects bank through its parser, which checks every count and
   index before use; a parsed bank's objects are then read whole. */
#include <stdlib.h>
#include <string.h>

#include "host/output/selected_objects.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const size_t n = size / 4;
  uint32_t *words = malloc(n * 4 + 4);
  if (!words) return 0;
  memcpy(words, data, n * 4);
  kst_selected_objects so;
  if (!kst_selected_objects_parse(words, n, &so).code) {
    volatile uint32_t sink = 0;
    for (uint32_t t = 0; t < so.n_tracks; ++t)
      for (uint32_t h = 0; h < so.tracks[t].n_velo + so.tracks[t].n_scifi; ++h) sink += so.tracks[t].ids[h];
    for (uint32_t l = 0; l < so.n_lines; ++l)
      for (uint32_t j = 0; j < so.lines[l].n; ++j) sink += so.lines[l].objects[j];
    for (uint32_t v = 0; v < so.n_vertices; ++v) sink += so.vertices[v].a + so.vertices[v].b;
    (void)sink;
    kst_selected_objects_free(&so);
  }
  free(words);
  return 0;
}
