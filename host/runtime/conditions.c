/* Conditions: load once, upload once; workers only read them. */
#include "host/runtime/conditions.h"

#include <stdio.h>
#include <string.h>

#include "kst_backend.h"

kst_status kst_conditions_load(kst_conditions *c, const char *path) {
  memset(c, 0, sizeof *c);
  if (!path || !*path) path = KST_SOURCE_DIR "/configuration/velo_ideal_geometry.json";
  snprintf(c->geometry_path, sizeof c->geometry_path, "%s", path);
  KST_TRY(kst_error_wrap(kst_geometry_load(&c->geometry, path), "geometry"));
  kst_stream *s;
  void *dev = NULL;
  KST_TRY(kst_stream_create(&s));
  kst_status st = kst_device_alloc(&dev, sizeof c->geometry);
  if (!st.code) st = kst_copy_h2d(dev, &c->geometry, sizeof c->geometry, s);
  if (!st.code) st = kst_stream_sync(s);
  kst_stream_destroy(s);
  if (st.code) {
    kst_device_free(dev);
    return kst_error_wrap(st, "uploading the geometry");
  }
  c->dev_geometry = (const kst_velo_geometry *)dev;
  return kst_ok();
}

void kst_conditions_free(kst_conditions *c) {
  kst_device_free((void *)c->dev_geometry);
  c->dev_geometry = NULL;
}
