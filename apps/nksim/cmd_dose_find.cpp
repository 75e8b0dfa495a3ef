// nksim dose-find: the minimal dose (scale of the doses on a state) that achieves an outcome,
// for one scenario or for every patient of a trial cohort; or the critical initial tumour size.
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/dose_find.h"

namespace nksim::cli {

void add_dose_find_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<DoseFindRequest>();
  CLI::App* cmd = app.add_subcommand(
      "dose-find",
      "Minimal dose that achieves an outcome, by bracketing and log-scale bisection.\n"
      "  nksim dose-find scenarios/trial_nk_dose_base.toml --state N --outcome eliminated\n"
      "  nksim dose-find --trial scenarios/trial_nk_dose.toml --arm nk_1e6 --state N --out DIR\n"
      "  nksim dose-find scenarios/trial_nk_dose_base.toml --critical-tumour\n"
      "Prints the final bracket: the outcome fails at the lower end and is achieved at the\n"
      "upper end (for --critical-tumour: achieved at the lower size, fails at the upper).\n"
      "With --out DIR also writes DIR/summary.json and DIR/dose_find.csv.");
  cmd->add_option("scenario", options->scenario, "well-mixed scenario file (one patient)");
  cmd->add_option("--trial", options->trial, "trial file: search for every patient of its cohort");
  cmd->add_option("--arm", options->arm,
                  "arm of the trial whose doses are scaled (default: first)");
  cmd->add_option("--state", options->state, "state whose doses are scaled (e.g. N)");
  cmd->add_option("--outcome", options->outcome, "eliminated (default) or not_escaped");
  cmd->add_option("--rel-tol", options->rel_tol, "relative width of the final bracket")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--critical-tumour", options->critical,
                "find the largest initial tumour that is still eliminated");
  cmd->add_option("-o,--out", options->out,
                  "also write DIR/summary.json and DIR/dose_find.csv (whole or not at all)");
  cmd->callback([&action, options] {
    action = [options] {
      DoseFindRequest request = *options;
      request.print = [](const std::string& line) { std::cout << line << "\n"; };
      request.warn = [](const std::string& w) { std::cerr << "nksim: warning: " << w << "\n"; };
      run_dose_find(request);
      return 0;
    };
  });
}

}  // namespace nksim::cli
