/* Tests of the backend interface on the CPU build: allocation errors, copies, streams and events. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "kst_backend.h"

Test(backend, impossible_allocation_is_an_error_with_message) {
  void *p = (void *)1;
  kst_status s = kst_device_alloc(&p, SIZE_MAX - 8);
  cr_assert_eq(s.code, KST_ERR_NOMEM);
  cr_assert(strstr(s.msg, "kst_device_alloc") != NULL, "message names the call: %s", s.msg);
  cr_assert_null(p);
  s = kst_host_alloc(&p, SIZE_MAX / 2);
  cr_assert_eq(s.code, KST_ERR_NOMEM);
  cr_assert(strlen(s.msg) > 0);
  /* A terabyte arena: refused with the machine's size, also where a sanitizer's allocator would abort instead. */
  s = kst_device_alloc(&p, (size_t)1 << 50);
  cr_assert_eq(s.code, KST_ERR_NOMEM);
  cr_assert(strstr(s.msg, "more than this machine's") != NULL, "%s", s.msg);
}

Test(backend, copies_and_memset_round_trip) {
  kst_stream *st;
  cr_assert_eq(kst_stream_create(&st).code, KST_OK);
  uint32_t host[100], back[100];
  for (int i = 0; i < 100; ++i) host[i] = (uint32_t)i * 7u;
  void *dev, *dev2;
  cr_assert_eq(kst_device_alloc(&dev, sizeof host).code, KST_OK);
  cr_assert_eq(kst_device_alloc(&dev2, sizeof host).code, KST_OK);
  cr_assert_eq(kst_copy_h2d(dev, host, sizeof host, st).code, KST_OK);
  cr_assert_eq(kst_copy_d2d(dev2, dev, sizeof host, st).code, KST_OK);
  cr_assert_eq(kst_memset(dev2, 0xff, 4 * sizeof(uint32_t), st).code, KST_OK);
  cr_assert_eq(kst_copy_d2h(back, dev2, sizeof back, st).code, KST_OK);
  cr_assert_eq(kst_stream_sync(st).code, KST_OK);
  for (int i = 0; i < 4; ++i) cr_assert_eq(back[i], 0xffffffffu);
  for (int i = 4; i < 100; ++i) cr_assert_eq(back[i], host[i]);
  cr_assert_eq(kst_stream_sync_count(st), 1);
  cr_assert_eq(kst_copy_h2d(NULL, host, 4, st).code, KST_ERR_INVALID);
  kst_device_free(dev);
  kst_device_free(dev2);
  kst_stream_destroy(st);
}

Test(backend, events_measure_elapsed_time) {
  kst_stream *st;
  kst_event *a, *b;
  float ms = -1;
  cr_assert_eq(kst_stream_create(&st).code, KST_OK);
  cr_assert_eq(kst_event_create(&a).code, KST_OK);
  cr_assert_eq(kst_event_create(&b).code, KST_OK);
  cr_assert_eq(kst_event_elapsed_ms(&ms, a, b).code, KST_ERR_INVALID, "unrecorded events are an error");
  cr_assert_eq(kst_event_record(a, st).code, KST_OK);
  cr_assert_eq(kst_event_record(b, st).code, KST_OK);
  cr_assert_eq(kst_stream_wait_event(st, a).code, KST_OK);
  cr_assert_eq(kst_event_sync(b).code, KST_OK);
  cr_assert_eq(kst_event_elapsed_ms(&ms, a, b).code, KST_OK);
  cr_assert(ms >= 0.0f);
  kst_event_destroy(a);
  kst_event_destroy(b);
  kst_stream_destroy(st);
}

Test(backend, properties_name_the_backend) {
  kst_device_props p;
  cr_assert_eq(kst_backend_init(0).code, KST_OK);
  cr_assert_eq(kst_backend_init(3).code, KST_ERR_INVALID);
  cr_assert_eq(kst_device_properties(&p).code, KST_OK);
  cr_assert_str_eq(p.backend, "cpu");
  cr_assert_eq(p.warp_size, 1);
  cr_assert(p.multiprocessors >= 1);
}

Test(backend, graph_region_refuses_what_a_capture_cannot_hold) {
  kst_stream *st, *other;
  kst_graph_cache *cache;
  uint32_t *host, *back;
  void *dev[2], *p = (void *)1;
  cr_assert_eq(kst_graph_supported(), strcmp(kst_backend_name(), "cpu") != 0, "nothing is captured on the CPU");
  cr_assert_eq(kst_stream_create(&st).code, KST_OK);
  cr_assert_eq(kst_stream_create(&other).code, KST_OK);
  cr_assert_eq(kst_graph_cache_create(&cache).code, KST_OK);
  cr_assert_eq(kst_host_alloc((void **)&host, 4 * sizeof *host).code, KST_OK);
  cr_assert_eq(kst_host_alloc((void **)&back, 4 * sizeof *back).code, KST_OK);
  for (int i = 0; i < 4; ++i) host[i] = (uint32_t)i + 1;
  cr_assert_eq(kst_device_alloc(&dev[0], 4 * sizeof *host).code, KST_OK);
  cr_assert_eq(kst_device_alloc(&dev[1], 4 * sizeof *host).code, KST_OK);

  cr_assert_eq(kst_graph_begin(st).code, KST_OK);
  cr_assert_eq(kst_graph_begin(st).code, KST_ERR_UNSUPPORTED, "captures do not nest");
  kst_status s = kst_device_alloc(&p, 64);
  cr_assert_eq(s.code, KST_ERR_UNSUPPORTED);
  cr_assert(strstr(s.msg, "kst_device_alloc inside a graph capture"), "%s", s.msg);
  cr_assert_null(p);
  cr_assert_eq(kst_host_alloc(&p, 64).code, KST_ERR_UNSUPPORTED);
  cr_assert_eq(kst_device_free(NULL).code, KST_ERR_UNSUPPORTED);
  cr_assert_eq(kst_stream_sync(st).code, KST_ERR_UNSUPPORTED);
  cr_assert_eq(kst_stream_sync_count(st), 0, "a refused synchronisation is not counted");
  cr_assert_eq(kst_device_sync().code, KST_ERR_UNSUPPORTED);
  s = kst_copy_h2d(dev[0], host, 4 * sizeof *host, other);
  cr_assert_eq(s.code, KST_ERR_UNSUPPORTED);
  cr_assert(strstr(s.msg, "another stream"), "%s", s.msg);
  /* Work on the captured stream is accepted (on the CPU it has already run). */
  cr_assert_eq(kst_copy_h2d(dev[0], host, 4 * sizeof *host, st).code, KST_OK);
  cr_assert_eq(kst_copy_d2h(back, dev[0], 4 * sizeof *back, st).code, KST_OK);
  cr_assert_eq(kst_graph_end_and_launch(other, cache, 0).code, KST_ERR_INVALID, "not the captured stream");
  cr_assert_eq(kst_graph_end_and_launch(st, cache, 0).code, KST_OK);
  cr_assert_eq(kst_stream_sync(st).code, KST_OK, "allowed again after the region");
  cr_assert_eq(back[3], 4u);

  /* The same work on another buffer: the same topology, so a GPU updates the executable graph in place. */
  host[3] = 40;
  cr_assert_eq(kst_graph_begin(st).code, KST_OK);
  cr_assert_eq(kst_copy_h2d(dev[1], host, 4 * sizeof *host, st).code, KST_OK);
  cr_assert_eq(kst_copy_d2h(back, dev[1], 4 * sizeof *back, st).code, KST_OK);
  cr_assert_eq(kst_graph_end_and_launch(st, cache, 0).code, KST_OK);
  cr_assert_eq(kst_stream_sync(st).code, KST_OK);
  cr_assert_eq(back[3], 40u);
  const kst_graph_stats stats = kst_graph_cache_stats(cache);
  cr_assert_eq(stats.instantiated, kst_graph_supported() ? 1u : 0u, "nothing replayed on the CPU, nothing counted");
  cr_assert_eq(stats.updated, kst_graph_supported() ? 1u : 0u);

  /* Abort and a bad shape close the region too. */
  cr_assert_eq(kst_graph_end_and_launch(st, cache, 0).code, KST_ERR_INVALID, "no capture open");
  cr_assert_eq(kst_graph_begin(st).code, KST_OK);
  kst_graph_abort(st);
  cr_assert_eq(kst_host_alloc(&p, 64).code, KST_OK);
  kst_host_free(p);
  cr_assert_eq(kst_graph_begin(st).code, KST_OK);
  cr_assert_eq(kst_graph_end_and_launch(st, cache, KST_GRAPH_SHAPES).code, KST_ERR_INVALID);
  cr_assert_eq(kst_stream_sync(st).code, KST_OK);

  kst_graph_cache_destroy(cache);
  kst_device_free(dev[0]);
  kst_device_free(dev[1]);
  kst_host_free(host);
  kst_host_free(back);
  kst_stream_destroy(st);
  kst_stream_destroy(other);
}
