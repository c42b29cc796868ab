/* kestrel sequence check|show|graph and kestrel algorithms: sequences and algorithm types made visible. */
#include <stdio.h>
#include <string.h>

#include "host/cli.h"

static const char seq_usage[] =
    "usage: kestrel sequence check FILE   validate; exit 0, or print every problem and exit 1\n"
    "       kestrel sequence show FILE    instances, bindings, properties and buffer lifetimes\n"
    "       kestrel sequence graph FILE   the data flow as Graphviz dot\n";

static void show(const kst_sequence *seq) {
  printf("sequence %s: %u instances, %u buffers\n", seq->path, seq->n, seq->n_buffers);
  for (uint32_t i = 0; i < seq->n; ++i) {
    const kst_instance *in = &seq->inst[i];
    const kst_alg_desc *d = in->desc;
    printf("\n[%u] %s (%s)\n", i, in->name, d->name);
    for (uint32_t p = 0; p < d->n_params; ++p) {
      const kst_param_desc *pd = &d->params[p];
      const kst_buffer_info *b = &seq->buffers[in->buffer[p]];
      printf("    %-14s %-26s %-14s", kst_param_kind_name(pd->kind), pd->name, pd->type_name);
      if (kst_param_is_input(pd->kind))
        printf(" <- %s.%s\n", seq->inst[b->producer].name, seq->inst[b->producer].desc->params[b->param].name);
      else if (b->last >= seq->n) printf(" lives [%u, end of batch]\n", b->first);
      else printf(" lives [%u, %u]\n", b->first, b->last);
    }
    for (uint32_t p = 0; p < d->n_props; ++p) {
      char val[128], def[128];
      kst_property_format(&d->props[p], in->props + in->prop_offset[p], val, sizeof val);
      snprintf(def, sizeof def, "%s", d->props[p].default_json);
      printf("    property       %-26s = %s%s%s%s\n", d->props[p].name, val, in->prop_set[p] ? " (default " : "",
             in->prop_set[p] ? def : "", in->prop_set[p] ? ")" : "");
    }
  }
}

static void graph(const kst_sequence *seq) {
  printf("digraph sequence {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
  for (uint32_t i = 0; i < seq->n; ++i)
    printf("  i%u [label=\"%s\\n(%s)\"%s];\n", i, seq->inst[i].name, seq->inst[i].desc->name,
           seq->inst[i].desc->has_after_sync() ? ", style=rounded" : "");
  for (uint32_t i = 0; i < seq->n; ++i) {
    const kst_instance *in = &seq->inst[i];
    for (uint32_t p = 0; p < in->desc->n_params; ++p) {
      if (!kst_param_is_input(in->desc->params[p].kind)) continue;
      const kst_buffer_info *b = &seq->buffers[in->buffer[p]];
      printf("  i%u -> i%u [label=\"%s\"%s];\n", b->producer, i, in->desc->params[p].name,
             b->on_device ? "" : ", style=dashed");
    }
  }
  printf("}\n");
}

int kst_cmd_sequence(int argc, char **argv) {
  if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) return fputs(seq_usage, stdout), 0;
  if (argc != 3 || (strcmp(argv[1], "check") && strcmp(argv[1], "show") && strcmp(argv[1], "graph"))) {
    fputs(seq_usage, stderr);
    return 2;
  }
  kst_sequence seq;
  if (kst_cli_load_sequence(&seq, argv[2], 1)) return 1;
  if (!strcmp(argv[1], "check")) printf("%s: ok (%u instances)\n", argv[2], seq.n);
  else if (!strcmp(argv[1], "show")) show(&seq);
  else graph(&seq);
  kst_sequence_free(&seq);
  return 0;
}

int kst_cmd_algorithms(int argc, char **argv) {
  int markdown = argc > 1 && !strcmp(argv[1], "--markdown");
  if (argc > 1 && !markdown) {
    fputs("usage: kestrel algorithms [--markdown]\n", argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr);
    return !strcmp(argv[1], "--help") ? 0 : 2;
  }
  for (const kst_alg_desc *const *a = kst_algorithms; *a; ++a) {
    const kst_alg_desc *d = *a;
    printf(markdown ? "### %s\n\n%s.\n\n" : "%s: %s\n", d->name, d->description);
    for (uint32_t p = 0; p < d->n_params; ++p)
      printf(markdown ? "- `%s` %s, `%s`\n" : "    %-26s %-14s %s\n", d->params[p].name,
             kst_param_kind_name(d->params[p].kind), d->params[p].type_name);
    for (uint32_t p = 0; p < d->n_props; ++p) {
      const kst_prop_desc *q = &d->props[p];
      char type[48];
      snprintf(type, sizeof type, q->count > 1 ? "%s[%u]" : "%s", kst_prop_type_name(q->type), q->count);
      printf(markdown ? "- property `%s` (%s, default %s): %s\n" : "    property %-17s %-14s = %-8s %s\n", q->name, type,
             q->default_json, q->description);
    }
    for (uint32_t k = 0; k < KST_ALG_MAX_CONDITIONS && d->conditions[k]; ++k)
      printf(markdown ? "- condition `%s`\n" : "    condition %s\n", d->conditions[k]);
    printf("\n");
  }
  return 0;
}
