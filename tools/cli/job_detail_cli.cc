// job-detail: the native CLI. Reads files and arguments, calls the core, prints the core's lines.
#include <cstdio>
#include <string_view>

#include "job_detail/cost.h"

int main(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "format-cost") {
    std::puts(job_detail::FormatCostDisplay(job_detail::ParseCostJsonText(argv[2])).c_str());
    return 0;
  }
  std::fputs("usage: job-detail format-cost '<json value>'\n", stderr);
  return 2;
}
