// What a program driving nksim sets up once per process: the version it reports, the size
// limits (--allow-large-run) and the Ctrl-C / SIGTERM handlers that stop runs cleanly.
#pragma once

namespace nksim {

// "1.2.3", set by the build.
const char* version_string();

struct ProcessOptions {
  // false lifts the size limits on output rows, snapshot bytes and agents (docs/scenarios.md,
  // "Limits"); physiological bounds and the machine's memory still apply.
  bool enforce_size_limits = true;
  // Long runs poll SIGINT and SIGTERM between steps and stop with InterruptedError.
  bool handle_interrupts = true;
};

void prepare_process(const ProcessOptions& options);

}  // namespace nksim
