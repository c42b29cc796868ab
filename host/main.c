/* kestrel: the command-line entry point (dispatches to sub-commands). */
#include <stdio.h>
#include <string.h>

#include "kst_backend.h"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    kst_device_props p;
    kst_status s = kst_device_properties(&p);
    printf("kestrel %s (%s backend, device: %s)\n", KST_VERSION, kst_backend_name(), s.code ? s.msg : p.name);
    return 0;
  }
  puts("usage: kestrel --version");
  return 0;
}
