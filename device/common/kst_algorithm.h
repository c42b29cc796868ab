/* The algorithm model: static descriptors (parameters, properties, hooks) and the X-macros that declare them. */
#ifndef KST_ALGORITHM_H
#define KST_ALGORITHM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kst_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a parameter lives and which way it flows. Scratch is device memory private to one run. A device-to-host
   parameter binds like a device input, but the runtime copies it back with the batch's results: the algorithm
   sees a host pointer, valid in its after_sync hook. */
typedef enum kst_param_kind {
  KST_HOST_INPUT,
  KST_HOST_OUTPUT,
  KST_DEVICE_INPUT,
  KST_DEVICE_OUTPUT,
  KST_DEVICE_SCRATCH,
  KST_DEVICE_TO_HOST
} kst_param_kind;

typedef enum kst_prop_type { KST_PROP_BOOL, KST_PROP_INT, KST_PROP_UINT, KST_PROP_FLOAT, KST_PROP_STRING } kst_prop_type;

/* One parameter: a typed buffer an algorithm reads or writes. */
typedef struct kst_param_desc {
  const char *name;
  kst_param_kind kind;
  const char *type_name; /* element type as written in the declaration, compared when binding */
  uint32_t elem_size;
} kst_param_desc;

/* One property: a typed setting with a default (as JSON text), a range and a description. */
typedef struct kst_prop_desc {
  const char *name;
  kst_prop_type type;
  uint32_t count;       /* 1 for a scalar, N for a fixed-size array */
  uint32_t size;        /* bytes of the value (count * element size) */
  const char *default_json;
  double min, max;      /* inclusive range for numbers; min > max means unbounded */
  const char *description;
} kst_prop_desc;

typedef struct kst_ctx kst_ctx;
typedef struct kst_batch kst_batch;

/* A validator compares with MC truth; it runs only with `kestrel run --validate`. */
#define KST_ALG_VALIDATOR 1u
/* A dumper writes outputs as files; it runs only with `kestrel run --dump DIR`. */
#define KST_ALG_DUMP 2u
/* A transfer algorithm copies batch data to the device; with no_transfer it runs on the first repetition only. */
#define KST_ALG_TRANSFER 4u
/* An output algorithm writes the accepted events to the run's output file (kst_ctx_output); it runs only with
   `kestrel run --output FILE` in its mode (--output-mode full or reduced). */
#define KST_ALG_OUTPUT_FULL 8u
#define KST_ALG_OUTPUT_REDUCED 16u

/* Options for an accumulator's final report. */
typedef struct kst_report_options {
  const char *json_path; /* write a JSON report here, or NULL */
  const char *plots_dir; /* write plots here, or NULL */
  /* The run's conditions, for the report to name (filled by kst_run_report): names and files, n of each. */
  const char *const *condition_names, *const *condition_files;
  unsigned n_conditions;
  const char *input_json; /* the run's input accounting, a JSON object (filled by kst_run_report) */
} kst_report_options;

/* State an instance accumulates over batches (a checker's tallies): one per worker, merged at the end. */
typedef struct kst_accumulator_ops {
  void *(*create)(void);
  kst_status (*merge)(void *into, const void *from);
  kst_status (*report)(const void *acc, const char *instance, const kst_report_options *opt);
  void (*destroy)(void *acc);
} kst_accumulator_ops;

/* Most conditions an algorithm may declare. */
#define KST_ALG_MAX_CONDITIONS 4

/* An algorithm type, declared with designated initialisers through KST_ALGORITHM (fields left out are defaults:
   no flags, no accumulator, no conditions, no bank type). set_sizes fixes output counts from host-known quantities;
   run queues work on the worker's stream; after_sync runs on the host after the batch's one synchronisation. The
   hooks are the runtime's thunks over the algorithm's typed ones, each a no-op where the algorithm gave none. */
typedef struct kst_alg_desc {
  const char *name;
  const char *description;
  const kst_param_desc *params;
  uint32_t n_params;
  const kst_prop_desc *props;
  uint32_t n_props;
  const char *bank_type_prop; /* name of a property holding a bank type this algorithm reads, or NULL */
  uint32_t flags;             /* KST_ALG_* */
  const kst_accumulator_ops *accumulator; /* NULL, or how to keep per-run state (see kst_ctx_accumulator) */
  const char *conditions[KST_ALG_MAX_CONDITIONS]; /* names of the conditions it reads (see conditions.h) */
  kst_status (*set_sizes)(kst_ctx *ctx);
  kst_status (*run)(kst_ctx *ctx);
  kst_status (*after_sync)(kst_ctx *ctx);
  bool (*has_after_sync)(void); /* whether after_sync does anything (its buffers then live to the batch end) */
  /* Checks an instance's properties together (the rules a range cannot say): prop(src, i) gives property i's value
     bytes. The sequence loader calls it, so `kestrel sequence check` refuses what a run would. */
  kst_status (*check)(const void *(*prop)(const void *src, uint32_t i), const void *src);
  uint32_t line_shape; /* a selection line's candidates (kst_line_shape in event_model/selections.h); 0 otherwise */
} kst_alg_desc;

/* ---- What an algorithm may ask of its context (host side). */
/* Buffer of parameter i (device or host pointer; NULL during set_sizes). */
void *kst_ctx_data(const kst_ctx *ctx, uint32_t param);
/* Element count of parameter i. */
uint64_t kst_ctx_count(const kst_ctx *ctx, uint32_t param);
/* Sets the element count of output parameter i (only in set_sizes). */
void kst_ctx_set_count(kst_ctx *ctx, uint32_t param, uint64_t count);
/* The value bytes of property i. */
const void *kst_ctx_prop(const kst_ctx *ctx, uint32_t prop);
/* The batch being processed (host algorithms: its MDF records and bank blocks, see input/batch.h). */
const kst_batch *kst_ctx_batch(const kst_ctx *ctx);
/* Events in the batch: the capacity of its event lists and of per-event outputs. */
uint32_t kst_ctx_events(const kst_ctx *ctx);
/* Items (count words summed while building the batch) of the batch's banks of this type; 0 when it has none. */
uint64_t kst_ctx_bank_items(const kst_ctx *ctx, uint32_t bank_type);
/* The worker's stream. */
kst_stream *kst_ctx_stream(const kst_ctx *ctx);
/* The device copy of the condition called name (its typed view for kernels), or NULL unless the algorithm declares it
   in .conditions: an undeclared condition would not be loaded for a sequence without another user of it. */
const void *kst_ctx_condition_device(const kst_ctx *ctx, const char *name);
/* The host copy of the condition called name, on the same terms. */
const void *kst_ctx_condition_host(const kst_ctx *ctx, const char *name);
/* Adds values to this instance's counter `name` (an array of n entries); summed over batches and workers. A name
   must keep one length: another length is an error, not a silent truncation. */
kst_status kst_ctx_count_add(kst_ctx *ctx, const char *name, const uint64_t *values, uint32_t n);
/* Says that event e of the batch is rejected (by decoding: its raw data cannot be trusted) for reason, a short key
   such as "velo_sensor", with detail naming the bank ("bank type 73 source 250: sensor out of range"). In after_sync
   only. An event counts once, for the first instance in sequence order that rejects it, in this instance's counter
   "rejected:REASON"; the run adds the file, record and byte to the first few details and balances its accounting
   (records read = accepted + rejected, per reason) with these counters. */
kst_status kst_ctx_reject_event(kst_ctx *ctx, uint32_t e, const char *reason, const char *detail);
/* Whether event e of the batch was rejected by an instance before this one (in after_sync). */
int kst_ctx_event_rejected(const kst_ctx *ctx, uint32_t e);
/* The run's output file (a struct kst_output, host/runtime/output.h) for output algorithms; NULL without --output. */
void *kst_ctx_output(const kst_ctx *ctx);
/* The --dump directory (NULL when not dumping). */
const char *kst_ctx_dump_dir(const kst_ctx *ctx);
/* This worker's accumulator for the instance (NULL when its type has none). */
void *kst_ctx_accumulator(const kst_ctx *ctx);
/* KST_ERR_CONFIG naming the parameter when an input bound in the sequence does not have the count the algorithm
   needs (a binding to the wrong buffer of the right element type); for set_sizes hooks. */
kst_status kst_expect_count(const char *param, uint64_t have, uint64_t want);
/* KST_ERR_CONFIG naming the parameter unless an input of `words` words is an event list of at most `events` events
   (the batch's); for set_sizes hooks. */
kst_status kst_expect_event_list(const char *param, uint64_t words, uint64_t events);
/* The instance name, for messages. */
const char *kst_ctx_instance_name(const kst_ctx *ctx);
/* The instances whose outputs chain into input param (each producer's own input of the same type leads to the one
   before it), first to last, at most max of them: their names, and their types when descs is not NULL; returns how
   many. The selection lines of a decision report. */
uint32_t kst_ctx_chain(const kst_ctx *ctx, uint32_t param, const char **names, const kst_alg_desc **descs,
                       uint32_t max);

/* ---- Declaration X-macros.
   An algorithm header lists its parameters as P(name, KIND, element type) and its properties as
   Q(name, TYPE, count, default JSON, min, max, description) (min > max: no range), then says
   KST_ALGORITHM_ARGS(alg, PARAMS, PROPS), which defines `alg_args` (one {data, count} member per parameter plus
   `props` with one member per property) and `alg_hooks` (its typed hooks). Its .c file defines the hooks it needs
   and declares the type:
     static const alg_hooks hooks = {.set_sizes = sizes, .run = run};
     KST_ALGORITHM(alg, PARAMS, PROPS, hooks, .description = "...", .conditions = {"velo_geometry"});
   where
     kst_status sizes(kst_ctx *, alg_args *)             sets the outputs' .count fields
     kst_status run(kst_ctx *, const alg_args *)         queues the device work
     kst_status after_sync(kst_ctx *, const alg_args *)  reads results on the host
     kst_status check(const alg_props *)                 checks properties together, when the sequence loads */
#define KST_CTYPE_BOOL bool
#define KST_CTYPE_INT int32_t
#define KST_CTYPE_UINT uint32_t
#define KST_CTYPE_FLOAT float
#define KST_CTYPE_STRING const char *
#define KST_ARRAY_1
#define KST_ARRAY_2 [2]
#define KST_ARRAY_3 [3]
#define KST_ARRAY_4 [4]
#define KST_ARRAY_8 [8]
#define KST_QUAL_HOST_INPUT const
#define KST_QUAL_HOST_OUTPUT
#define KST_QUAL_DEVICE_INPUT const
#define KST_QUAL_DEVICE_OUTPUT
#define KST_QUAL_DEVICE_SCRATCH
#define KST_QUAL_DEVICE_TO_HOST const

#define KST__ARG_MEMBER(name, kind, type) \
  struct {                                \
    KST_QUAL_##kind type *data;           \
    uint64_t count;                       \
  } name;
#define KST__PROP_MEMBER(name, type, n, def, lo, hi, desc) KST_CTYPE_##type name KST_ARRAY_##n;

#define KST_ALGORITHM_ARGS(alg, PARAMS, PROPS)                           \
  typedef struct alg##_props {                                           \
    PROPS(KST__PROP_MEMBER)                                              \
    char kst_unused; /* keeps the struct non-empty */                    \
  } alg##_props;                                                         \
  typedef struct alg##_args {                                            \
    PARAMS(KST__ARG_MEMBER)                                              \
    alg##_props props;                                                   \
  } alg##_args;                                                          \
  typedef struct alg##_hooks {                                           \
    kst_status (*set_sizes)(kst_ctx *ctx, alg##_args *a);                \
    kst_status (*run)(kst_ctx *ctx, const alg##_args *a);                \
    kst_status (*after_sync)(kst_ctx *ctx, const alg##_args *a);         \
    kst_status (*check)(const alg##_props *p);                           \
  } alg##_hooks;

#define KST__PARAM_DESC(name, kind, type) {#name, KST_##kind, #type, (uint32_t)sizeof(type)},
#define KST__PROP_DESC(name, type, n, def, lo, hi, desc) \
  {#name, KST_PROP_##type, n, (uint32_t)sizeof(KST_CTYPE_##type KST_ARRAY_##n), def, lo, hi, desc},
#define KST__ARG_GET(name, kind, type)                   \
  a.name.data = (KST_QUAL_##kind type *)kst_ctx_data(ctx, i); \
  a.name.count = kst_ctx_count(ctx, i);                  \
  ++i;
#define KST__ARG_PUT(name, kind, type) kst_ctx_set_count(ctx, i++, a.name.count);
#define KST__PROP_GET(name, type, n, def, lo, hi, desc) memcpy(&a.props.name, kst_ctx_prop(ctx, j++), sizeof a.props.name);
#define KST__PROP_FROM(name, type, n, def, lo, hi, desc) memcpy(&props.name, prop(src, j++), sizeof props.name);
#define KST_NO_PROPS(Q)

/* Defines the descriptor kst_alg_<alg> from the typed hooks and the designated initialisers that follow them. */
#define KST_ALGORITHM(alg, PARAMS, PROPS, hooks, ...)                                                  \
  static const kst_param_desc alg##__params[] = {PARAMS(KST__PARAM_DESC)};                           \
  static const kst_prop_desc alg##__props[] = {PROPS(KST__PROP_DESC){NULL, KST_PROP_BOOL, 0, 0, NULL, 0, 0, NULL}}; \
  static alg##_args alg##__get(const kst_ctx *ctx) {                                                 \
    alg##_args a;                                                                                    \
    uint32_t i = 0, j = 0;                                                                           \
    memset(&a, 0, sizeof a);                                                                         \
    PARAMS(KST__ARG_GET)                                                                             \
    PROPS(KST__PROP_GET)                                                                             \
    (void)j;                                                                                         \
    return a;                                                                                        \
  }                                                                                                  \
  static kst_status alg##__set_sizes(kst_ctx *ctx) {                                                 \
    alg##_args a = alg##__get(ctx);                                                                  \
    uint32_t i = 0;                                                                                  \
    kst_status s = (hooks).set_sizes ? (hooks).set_sizes(ctx, &a) : kst_ok();                        \
    PARAMS(KST__ARG_PUT)                                                                             \
    return s;                                                                                        \
  }                                                                                                  \
  static kst_status alg##__run(kst_ctx *ctx) {                                                       \
    alg##_args a = alg##__get(ctx);                                                                  \
    return (hooks).run ? (hooks).run(ctx, &a) : kst_ok();                                            \
  }                                                                                                  \
  static kst_status alg##__after(kst_ctx *ctx) {                                                     \
    alg##_args a = alg##__get(ctx);                                                                  \
    return (hooks).after_sync ? (hooks).after_sync(ctx, &a) : kst_ok();                              \
  }                                                                                                  \
  static bool alg##__has_after(void) { return (hooks).after_sync != NULL; }                          \
  static kst_status alg##__check(const void *(*prop)(const void *, uint32_t), const void *src) {     \
    alg##_props props;                                                                               \
    uint32_t j = 0;                                                                                  \
    memset(&props, 0, sizeof props);                                                                 \
    PROPS(KST__PROP_FROM)                                                                            \
    (void)j, (void)prop, (void)src;                                                                  \
    return (hooks).check ? (hooks).check(&props) : kst_ok();                                         \
  }                                                                                                  \
  const kst_alg_desc kst_alg_##alg = {.name = #alg,                                                  \
                                      .params = alg##__params,                                       \
                                      .n_params = (uint32_t)(sizeof alg##__params / sizeof alg##__params[0]), \
                                      .props = alg##__props,                                         \
                                      .n_props = (uint32_t)(sizeof alg##__props / sizeof alg##__props[0]) - 1u, \
                                      .set_sizes = alg##__set_sizes,                                 \
                                      .run = alg##__run,                                             \
                                      .after_sync = alg##__after,                                    \
                                      .has_after_sync = alg##__has_after,                            \
                                      .check = alg##__check,                                         \
                                      __VA_ARGS__}

/* ---- The registry. */
/* Every algorithm type, NULL-terminated. */
extern const kst_alg_desc *const kst_algorithms[];
/* The type called name (built in, or registered), or NULL. */
const kst_alg_desc *kst_algorithm_find(const char *name);
/* Most types kst_algorithm_register takes. */
#define KST_MAX_REGISTERED_ALGORITHMS 32
/* Makes a type defined outside the registry's list (a test's, or an application's own) known to sequences; call it
   before loading them, from one thread. KST_ERR_CONFIG when another type has its name. */
kst_status kst_algorithm_register(const kst_alg_desc *desc);
/* Index of parameter name in desc, or -1. */
int kst_param_index(const kst_alg_desc *desc, const char *name);
/* Index of property name in desc, or -1. */
int kst_prop_index(const kst_alg_desc *desc, const char *name);
/* True for the two input kinds. */
bool kst_param_is_input(kst_param_kind kind);
/* True for parameters in device memory. */
bool kst_param_on_device(kst_param_kind kind);
/* Human name of a kind ("device input", ...). */
const char *kst_param_kind_name(kst_param_kind kind);
/* Human name of a property type ("unsigned integer", ...). */
const char *kst_prop_type_name(kst_prop_type type);

#ifdef __cplusplus
}
#endif
#endif
