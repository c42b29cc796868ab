/* The run's accounting from the reader's and the workers' counts, and its one-line form. */
#include "host/runtime/accounting.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* Appends a reason (summing into an existing one of the same name). */
static void add_reason(kst_accounting *a, const char *by, const char *reason, uint64_t events) {
  if (!events) return;
  a->rejected += events;
  for (uint32_t k = 0; k < a->n_reasons; ++k)
    if (!strcmp(a->reasons[k].by, by) && !strcmp(a->reasons[k].reason, reason)) {
      a->reasons[k].events += events;
      return;
    }
  /* Past the table the events still count in a->rejected; the last slot gathers them. */
  kst_accounting_reason *slot = &a->reasons[a->n_reasons < KST_ACCOUNTING_REASONS ? a->n_reasons++ : KST_ACCOUNTING_REASONS - 1];
  if (slot->events && a->n_reasons == KST_ACCOUNTING_REASONS) {
    snprintf(slot->by, sizeof slot->by, "several");
    snprintf(slot->reason, sizeof slot->reason, "other reasons");
    slot->events += events;
    return;
  }
  snprintf(slot->by, sizeof slot->by, "%s", by);
  snprintf(slot->reason, sizeof slot->reason, "%s", reason);
  slot->events = events;
}

kst_status kst_run_accounting(const kst_run_result *r, const kst_sequence *seq, kst_accounting *a) {
  memset(a, 0, sizeof *a);
  a->read = r->records_read;
  add_reason(a, "input", "malformed_record", r->malformed.count);
  add_reason(a, "runtime", "too_big_for_the_arenas", r->events_too_big);
  uint64_t by_algorithms = 0;
  for (uint32_t i = 0; r->counters && i < seq->n; ++i)
    for (uint32_t k = 0; k < r->counters[i].n; ++k) {
      const kst_counter *c = &r->counters[i].items[k];
      if (strncmp(c->name, "rejected:", 9) != 0 || c->n != 1) continue;
      add_reason(a, seq->inst[i].name, c->name + 9, c->values[0]);
      by_algorithms += c->values[0];
    }
  /* The workers' events (too big ones included) against the reader's records: independent counts. */
  const uint64_t processed = r->events - r->events_too_big;
  if (r->events < r->events_too_big || processed < by_algorithms ||
      a->read != processed - by_algorithms + a->rejected)
    return kst_error(KST_ERR_INVALID,
                     "accounting does not balance (a bug): %llu records read, %llu events run (%llu too big), %llu malformed, "
                     "%llu rejected by algorithms",
                     (unsigned long long)a->read, (unsigned long long)r->events, (unsigned long long)r->events_too_big,
                     (unsigned long long)r->malformed.count, (unsigned long long)by_algorithms);
  a->accepted = processed - by_algorithms;
  return kst_ok();
}

void kst_accounting_format(const kst_accounting *a, char *out, size_t size) {
  int n = snprintf(out, size, "%llu record%s read = %llu accepted + %llu rejected", (unsigned long long)a->read,
                   a->read == 1 ? "" : "s", (unsigned long long)a->accepted, (unsigned long long)a->rejected);
  for (uint32_t k = 0; k < a->n_reasons && n > 0 && (size_t)n < size; ++k)
    n += snprintf(out + n, size - (size_t)n, "%s%llu %s by %s", k ? ", " : " (", (unsigned long long)a->reasons[k].events,
                  a->reasons[k].reason, a->reasons[k].by);
  if (a->n_reasons && n > 0 && (size_t)n < size) snprintf(out + n, size - (size_t)n, ")");
}

/* The lines of e as a JSON array under key, with how many there were in all. */
static void add_lines(cJSON *o, const char *key, const kst_input_errors *e) {
  cJSON *a = cJSON_AddArrayToObject(o, key);
  for (uint32_t k = 0; a && k < e->n_lines; ++k) cJSON_AddItemToArray(a, cJSON_CreateString(e->lines[k]));
}

kst_status kst_accounting_json(const kst_run_result *r, const kst_sequence *seq, char **json) {
  *json = NULL;
  kst_accounting a;
  KST_TRY(kst_run_accounting(r, seq, &a));
  cJSON *o = cJSON_CreateObject();
  if (!o) return kst_error(KST_ERR_NOMEM, "accounting JSON: out of memory");
  cJSON_AddNumberToObject(o, "records_read", (double)a.read);
  cJSON_AddNumberToObject(o, "accepted", (double)a.accepted);
  cJSON_AddNumberToObject(o, "rejected", (double)a.rejected);
  cJSON *reasons = cJSON_AddArrayToObject(o, "reasons");
  for (uint32_t k = 0; reasons && k < a.n_reasons; ++k) {
    cJSON *x = cJSON_CreateObject();
    if (!x) break;
    cJSON_AddStringToObject(x, "by", a.reasons[k].by);
    cJSON_AddStringToObject(x, "reason", a.reasons[k].reason);
    cJSON_AddNumberToObject(x, "events", (double)a.reasons[k].events);
    cJSON_AddItemToArray(reasons, x);
  }
  add_lines(o, "malformed_records", &r->malformed);
  add_lines(o, "rejected_events", &r->rejected);
  *json = cJSON_PrintUnformatted(o);
  cJSON_Delete(o);
  return *json ? kst_ok() : kst_error(KST_ERR_NOMEM, "accounting JSON: out of memory");
}
