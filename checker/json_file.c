/* Writing a JSON report to a file: every failure (memory, open, write, close) is an error naming the file. */
#include "checker/json_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

kst_status kst_json_write_file(cJSON *root, const char *path, const char *what, const kst_report_files *files) {
  if (root && files && files->n) {
    cJSON *conditions = cJSON_AddObjectToObject(root, "conditions");
    for (unsigned i = 0; conditions && i < files->n; ++i) cJSON_AddStringToObject(conditions, files->names[i], files->files[i]);
  }
  if (root && files && files->input_json) {
    cJSON *input = cJSON_Parse(files->input_json);
    if (input) cJSON_AddItemToObject(root, "input", input);
  }
  char *text = root ? cJSON_Print(root) : NULL;
  cJSON_Delete(root);
  if (!text) return kst_error(KST_ERR_NOMEM, "%s: no memory to build %s", what, path);
  FILE *f = fopen(path, "w");
  if (!f) {
    int e = errno;
    free(text);
    return kst_error(KST_ERR_IO, "%s: cannot open %s: %s", what, path, strerror(e));
  }
  const size_t n = strlen(text);
  int bad = fwrite(text, 1, n, f) != n || fputc('\n', f) == EOF;
  bad |= fclose(f) != 0;
  free(text);
  if (bad) return kst_error(KST_ERR_IO, "%s: cannot write %s", what, path);
  return kst_ok();
}
