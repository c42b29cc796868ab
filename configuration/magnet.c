/* The magnet polarity file (LHCb polarity.bin: one f32, +1 or -1) as the magnet_polarity condition. */
#include <stdlib.h>
#include <string.h>

#include "configuration/binary_file.h"
#include "configuration/condition_types.h"
#include "configuration/file.h"
#include "device/event_model/magnet.h"

static kst_status load(void *host, const char *path) {
  uint8_t *data;
  size_t size;
  KST_TRY(kst_read_file(path, &data, &size));
  kst_bin_cursor c = {data, size, 0, path};
  float polarity = 0.0f;
  kst_status s = kst_bin_f32s(&c, "polarity", &polarity, 1);
  if (!s.code) s = kst_bin_end(&c);
  if (!s.code && polarity != 1.0f && polarity != -1.0f)
    s = kst_error(KST_ERR_FORMAT, "%s: polarity %g, expected +1 or -1", path, (double)polarity);
  free(data);
  if (!s.code) ((kst_magnet *)host)->polarity = polarity;
  return s;
}

/* The magnet polarity as a condition (see host/runtime/conditions.h); LHCb's file, so no shipped default. */
const kst_condition_type kst_condition_magnet_polarity = {
    .name = "magnet_polarity",
    .description = "magnet polarity, +1 (up) or -1 (down) (LHCb polarity.bin)",
    .beside_input = "detector/polarity.bin",
    .host_size = sizeof(kst_magnet),
    .load = load,
};
