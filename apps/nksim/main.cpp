// nksim: simulate NK-cell therapy (well-mixed ODE models, spatial tissue, virtual trials).
#include <iostream>

#include "commands.h"
#include "nksim/api/errors.h"
#include "nksim/api/process.h"

int main(int argc, char** argv) {
  CLI::App app{
      "nksim " + std::string(nksim::version_string()) +
      ": simulate NK-cell therapy.\n\n"
      "Scenarios are TOML files (see docs/scenarios.md). Typical use:\n"
      "  nksim run scenarios/default.toml --out results/default --report\n"
      "  nksim report results/default\n"
      "  nksim validate my_scenario.toml\n"
      "  nksim describe depillis2005\n"
      "  nksim trial run scenarios/trial_nk_dose.toml --out results/trial\n\n"
      "Exit codes: 0 ok, 1 unexpected failure, 2 bad input, 3 numerical failure,\n"
      "130 interrupted (Ctrl-C), 143 terminated (SIGTERM)."};
  app.set_version_flag("--version", std::string("nksim ") + nksim::version_string());
  app.require_subcommand(1);
  // Accepted after the subcommand too (nksim run x.toml --allow-large-run).
  app.fallthrough();
  bool allow_large_run = false;
  app.add_flag("--allow-large-run", allow_large_run,
               "lift the size limits on output rows, snapshot bytes and agents "
               "(docs/scenarios.md, \"Limits\"); physiological bounds and the machine's "
               "memory still apply");

  nksim::cli::Action action;
  nksim::cli::add_run_command(app, action);
  nksim::cli::add_validate_command(app, action);
  nksim::cli::add_describe_command(app, action);
  nksim::cli::add_trial_command(app, action);
  nksim::cli::add_dose_find_command(app, action);
  nksim::cli::add_report_command(app, action);
  nksim::cli::add_export_sbml_command(app, action);
  nksim::cli::add_fit_command(app, action);
  nksim::cli::add_personalise_command(app, action);
  nksim::cli::add_bench_command(app, action);
  nksim::cli::add_calibrate_command(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return static_cast<int>(nksim::ExitCode::kBadInput);
  }

  nksim::ProcessOptions process;
  process.enforce_size_limits = !allow_large_run;
  nksim::prepare_process(process);
  try {
    return action();
  } catch (const nksim::Error& e) {
    std::cerr << "nksim: error: " << e.what() << "\n";
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::cerr << "nksim: internal error: " << e.what() << "\n";
    return static_cast<int>(nksim::ExitCode::kFailure);
  }
}
