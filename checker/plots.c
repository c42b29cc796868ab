/* Checker plots: runs a matplotlib script from checker/plots/ on a checker JSON report. */
#include "checker/track_checker.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef KST_PYTHON
#define KST_PYTHON "/usr/bin/python3"
#endif
#ifndef KST_SOURCE_DIR
#define KST_SOURCE_DIR "."
#endif
#define PLOT_DIR KST_SOURCE_DIR "/checker/plots/"

/* Exit codes the scripts use to say why they stopped (see track_plots.py). */
enum { EXIT_NO_MATPLOTLIB = 3, EXIT_BAD_INPUT = 4 };

extern char **environ;

kst_status kst_checker_plot(const char *json_path, const char *dir) {
  return kst_checker_plot_script("track_plots.py", json_path, dir);
}

kst_status kst_checker_plot_script(const char *script, const char *json_path, const char *dir) {
  if (!script || !json_path || !dir)
    return kst_error(KST_ERR_INVALID, "checker plot: NULL script, JSON path or folder");
  if (strchr(script, '/')) return kst_error(KST_ERR_INVALID, "checker plot: script %s is not a bare name", script);
  char path[4096];
  if (snprintf(path, sizeof path, "%s%s", PLOT_DIR, script) >= (int)sizeof path)
    return kst_error(KST_ERR_INVALID, "checker plot: script path for %s is too long", script);
  if (access(KST_PYTHON, X_OK) != 0)
    return kst_error(KST_ERR_UNSUPPORTED,
                     "checker plot: %s not found; install python3, python3-matplotlib and python3-numpy",
                     KST_PYTHON);
  if (access(path, R_OK) != 0)
    return kst_error(KST_ERR_IO, "checker plot: script %s is missing", path);
  /* posix_spawn, not system(): paths reach python verbatim, with no shell to quote for. */
  char *argv[] = {KST_PYTHON, path, (char *)json_path, (char *)dir, NULL};
  pid_t pid;
  int rc = posix_spawn(&pid, KST_PYTHON, NULL, NULL, argv, environ);
  if (rc != 0) return kst_error(KST_ERR_IO, "checker plot: cannot start %s: %s", KST_PYTHON, strerror(rc));
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return kst_error(KST_ERR_IO, "checker plot: waitpid: %s", strerror(errno));
  if (!WIFEXITED(status))
    return kst_error(KST_ERR_IO, "checker plot: %s was killed by signal %d", path, WTERMSIG(status));
  switch (WEXITSTATUS(status)) {
  case 0:
    return kst_ok();
  case EXIT_NO_MATPLOTLIB:
    return kst_error(KST_ERR_UNSUPPORTED,
                     "checker plot: %s cannot import matplotlib/numpy; install python3-matplotlib and "
                     "python3-numpy", KST_PYTHON);
  case EXIT_BAD_INPUT:
    return kst_error(KST_ERR_FORMAT, "checker plot: %s is not a readable checker report", json_path);
  default:
    return kst_error(KST_ERR_IO, "checker plot: %s failed with exit code %d (writing into %s)",
                     path, WEXITSTATUS(status), dir);
  }
}
