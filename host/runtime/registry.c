/* The registry: every algorithm type Kestrel knows, and lookups over descriptors. */
#include <string.h>

#include "kst_status.h"

#include "device/common/kst_algorithm.h"

/* One line per algorithm type; its descriptor kst_alg_<name> is defined in the algorithm's .c file. */
#define KST_ALGORITHM_LIST(X) \
  X(data_provider)            \
  X(event_list_init)          \
  X(event_list_summary)       \
  X(global_event_cut)         \
  X(velo_track_filter)        \
  X(bank_stats)               \
  X(bank_stats_summary)         \
  X(bank_item_offsets)          \
  X(velo_count_hits)            \
  X(velo_decode)                \
  X(velo_hit_checker)           \
  X(ut_count_hits)              \
  X(ut_decode)                  \
  X(scifi_count_hits)           \
  X(scifi_decode)               \
  X(ut_hit_checker)             \
  X(scifi_hit_checker)          \
  X(ut_hit_dump)                \
  X(scifi_hit_dump)             \
  X(mc_particle_dump)           \
  X(long_track_dump)            \
  X(velo_search_by_triplet)     \
  X(velo_consolidate)            \
  X(velo_track_checker)          \
  X(velo_track_dump)             \
  X(velo_summary)               \
  X(forward_tracking)           \
  X(long_track_checker)         \
  X(pv_beamline)                \
  X(pv_summary)                 \
  X(pv_checker)                 \
  X(velo_pv_ip)                 \
  X(long_track_fit)             \
  X(track_network)              \
  X(track_feature_dump)         \
  X(two_track_vertices)         \
  X(sv_network)                 \
  X(sv_feature_dump)            \
  X(event_network)              \
  X(event_feature_dump)         \
  X(sv_summary)                 \
  X(vertex_checker)             \
  X(vertex_dump)                \
  X(odin_decode)                \
  X(selections_init)            \
  X(passthrough_line)           \
  X(velo_micro_bias_line)       \
  X(beam_gas_line)              \
  X(displaced_velo_line)        \
  X(material_vertex_seed_line)  \
  X(track_mva_line)             \
  X(high_pt_track_line)         \
  X(two_track_line)             \
  X(two_track_ks_line)          \
  X(d0_hh_line)                 \
  X(two_track_nn_line)          \
  X(anomaly_line)               \
  X(dec_reporter)               \
  X(mdf_writer)                 \
  X(reduced_writer)             \
  X(selected_objects_check)     \
  X(selection_report)           \
  X(dec_report_dump)            \
  X(line_efficiency)

#define KST__DECLARE(name) extern const kst_alg_desc kst_alg_##name;
KST_ALGORITHM_LIST(KST__DECLARE)
#define KST__ENTRY(name) &kst_alg_##name,
const kst_alg_desc *const kst_algorithms[] = {KST_ALGORITHM_LIST(KST__ENTRY) NULL};

/* Types registered at run time, after the built-in ones. */
static const kst_alg_desc *registered[KST_MAX_REGISTERED_ALGORITHMS];
static uint32_t n_registered;

const kst_alg_desc *kst_algorithm_find(const char *name) {
  for (const kst_alg_desc *const *a = kst_algorithms; *a; ++a)
    if (strcmp((*a)->name, name) == 0) return *a;
  for (uint32_t i = 0; i < n_registered; ++i)
    if (strcmp(registered[i]->name, name) == 0) return registered[i];
  return NULL;
}

kst_status kst_algorithm_register(const kst_alg_desc *desc) {
  const kst_alg_desc *known = kst_algorithm_find(desc->name);
  if (known == desc) return kst_ok();
  if (known) return kst_error(KST_ERR_CONFIG, "an algorithm type called %s is already registered", desc->name);
  if (n_registered == KST_MAX_REGISTERED_ALGORITHMS)
    return kst_error(KST_ERR_CAPACITY, "%s: at most %d algorithm types can be registered", desc->name,
                     KST_MAX_REGISTERED_ALGORITHMS);
  registered[n_registered++] = desc;
  return kst_ok();
}

int kst_param_index(const kst_alg_desc *desc, const char *name) {
  for (uint32_t i = 0; i < desc->n_params; ++i)
    if (strcmp(desc->params[i].name, name) == 0) return (int)i;
  return -1;
}

int kst_prop_index(const kst_alg_desc *desc, const char *name) {
  for (uint32_t i = 0; i < desc->n_props; ++i)
    if (strcmp(desc->props[i].name, name) == 0) return (int)i;
  return -1;
}

kst_status kst_expect_count(const char *param, uint64_t have, uint64_t want) {
  if (have == want) return kst_ok();
  return kst_error(KST_ERR_CONFIG, "input %s has %llu elements where %llu are needed: check its binding", param,
                   (unsigned long long)have, (unsigned long long)want);
}

kst_status kst_expect_event_list(const char *param, uint64_t words, uint64_t events) {
  if (words >= 1 && words - 1 <= events) return kst_ok();
  return kst_error(KST_ERR_CONFIG, "input %s is not an event list of at most %llu events (%llu words): check its binding",
                   param, (unsigned long long)events, (unsigned long long)words);
}

bool kst_param_is_input(kst_param_kind kind) {
  return kind == KST_HOST_INPUT || kind == KST_DEVICE_INPUT || kind == KST_DEVICE_TO_HOST;
}

bool kst_param_on_device(kst_param_kind kind) { return kind != KST_HOST_INPUT && kind != KST_HOST_OUTPUT; }

const char *kst_param_kind_name(kst_param_kind kind) {
  switch (kind) {
    case KST_HOST_INPUT: return "host input";
    case KST_HOST_OUTPUT: return "host output";
    case KST_DEVICE_INPUT: return "device input";
    case KST_DEVICE_OUTPUT: return "device output";
    case KST_DEVICE_SCRATCH: return "device scratch";
    case KST_DEVICE_TO_HOST: return "device to host";
  }
  return "?";
}

const char *kst_prop_type_name(kst_prop_type type) {
  switch (type) {
    case KST_PROP_BOOL: return "bool";
    case KST_PROP_INT: return "integer";
    case KST_PROP_UINT: return "unsigned integer";
    case KST_PROP_FLOAT: return "float";
    case KST_PROP_STRING: return "string";
  }
  return "?";
}
