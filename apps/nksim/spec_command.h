// A command that reads one specification file and writes an output directory (fit, personalise,
// calibrate): spec, --out, --threads, --quiet and optionally --report, then the summary.
#pragma once

#include <functional>
#include <string>

#include "commands.h"
#include "nksim/api/fit.h"

namespace nksim::cli {

struct SpecCommand {
  std::string name;
  std::string description;
  std::string spec_help;     // e.g. "fit specification (TOML)"
  std::string threads_help;  // what the threads share
  std::string report_help;   // empty: no --report option
  std::function<SpecRunResult(const SpecRunOptions&)> run;
};

void add_spec_command(CLI::App& app, Action& action, const SpecCommand& command);

}  // namespace nksim::cli
