// Each subcommand of `nksim` lives in its own file and registers itself on the app.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace nksim::cli {

// What a subcommand does once the command line is parsed; returns the exit code.
using Action = std::function<int()>;

// --threads: 0 (automatic) to this many; the error names the range in plain numbers.
inline constexpr int kMaxThreads = 1024;

void add_run_command(CLI::App& app, Action& action);
void add_validate_command(CLI::App& app, Action& action);
void add_describe_command(CLI::App& app, Action& action);
void add_trial_command(CLI::App& app, Action& action);
void add_dose_find_command(CLI::App& app, Action& action);
void add_report_command(CLI::App& app, Action& action);
void add_export_sbml_command(CLI::App& app, Action& action);
void add_fit_command(CLI::App& app, Action& action);
void add_personalise_command(CLI::App& app, Action& action);
void add_bench_command(CLI::App& app, Action& action);
void add_calibrate_command(CLI::App& app, Action& action);

}  // namespace nksim::cli
