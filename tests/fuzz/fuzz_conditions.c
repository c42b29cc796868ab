/* libFuzzer harness: the same bytes through every condition type's loader and both VELO geometry readers. */
#include <stdlib.h>

#include "configuration/condition_types.h"
#include "configuration/geometry.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_file(data, size);
  for (const kst_condition_type *const *t = kst_condition_types; *t; ++t) {
    void *host = malloc((*t)->host_size);
    if (!host) return 0;
    (void)(*t)->load(host, path);
    free(host);
  }
  kst_velo_geometry *g = malloc(sizeof *g);
  if (!g) return 0;
  (void)kst_geometry_load_lhcb(g, path);
  (void)kst_geometry_load_json(g, path);
  free(g);
  return 0;
}
