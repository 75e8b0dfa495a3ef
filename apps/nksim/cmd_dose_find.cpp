// nksim dose-find: the minimal dose (scale of the doses on a state) that achieves an outcome,
// for one scenario or for every patient of a trial cohort; or the critical initial tumour size.
#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/scenario.h"
#include "nksim/trial/dose_find.h"
#include "nksim/trial/run_plan.h"

namespace nksim::cli {
namespace {

std::string bracket_text(const DoseFindResult& r) {
  if (r.without_dose) return "achieved without any dose";
  if (!r.found)
    return r.note + " (bracket [" + format_number(r.lower, 6) + ", " + format_number(r.upper, 6) +
           "])";
  std::string text = "[" + format_number(r.lower, 6) + ", " + format_number(r.upper, 6) + "]";
  if (r.unit == "scale") {
    text += " x reference " + format_number(r.reference, 6) + " = [" +
            format_number(r.lower * r.reference, 6) + ", " +
            format_number(r.upper * r.reference, 6) + "]";
  } else {
    text += " cells";
  }
  return text + " (" + std::to_string(r.simulations) + " runs)";
}

}  // namespace

void add_dose_find_command(CLI::App& app, Action& action) {
  struct Options {
    std::string scenario;
    std::string trial;
    std::string arm;
    DoseFindOptions find;
    bool critical = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "dose-find",
      "Minimal dose that achieves an outcome, by bracketing and log-scale bisection.\n"
      "  nksim dose-find scenarios/trial_nk_dose_base.toml --state N --outcome eliminated\n"
      "  nksim dose-find --trial scenarios/trial_nk_dose.toml --arm nk_1e6 --state N\n"
      "  nksim dose-find scenarios/trial_nk_dose_base.toml --critical-tumour\n"
      "Prints the final bracket: the outcome fails at the lower end and is achieved at the\n"
      "upper end (for --critical-tumour: achieved at the lower size, fails at the upper).");
  cmd->add_option("scenario", options->scenario, "well-mixed scenario file (one patient)");
  cmd->add_option("--trial", options->trial, "trial file: search for every patient of its cohort");
  cmd->add_option("--arm", options->arm,
                  "arm of the trial whose doses are scaled (default: first)");
  cmd->add_option("--state", options->find.state, "state whose doses are scaled (e.g. N)");
  cmd->add_option("--outcome", options->find.outcome, "eliminated (default) or not_escaped");
  cmd->add_option("--rel-tol", options->find.rel_tol, "relative width of the final bracket")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--critical-tumour", options->critical,
                "find the largest initial tumour that is still eliminated");
  cmd->callback([&action, options] {
    action = [options] {
      const Options& o = *options;
      if (o.scenario.empty() == o.trial.empty()) {
        throw InputError("dose-find needs either a scenario file or --trial FILE");
      }
      if (!o.critical && o.find.state.empty()) {
        throw InputError("dose-find needs --state (the state whose doses are scaled)");
      }
      const auto search = [&](const WellMixedScenario& s) {
        return o.critical ? find_critical_tumour(s, o.find) : find_minimal_dose(s, o.find);
      };
      const std::string what = o.critical ? "critical initial tumour" : "minimal dose scale";
      if (!o.scenario.empty()) {
        const TomlDocument document = TomlDocument::parse_file(o.scenario);
        if (scenario_engine(document) != "well_mixed") {
          throw InputError(o.scenario + ": dose-find needs a well_mixed scenario");
        }
        const DoseFindResult r = search(parse_well_mixed(document));
        std::cout << what << " for " << o.find.outcome << ": " << bracket_text(r) << "\n";
        return 0;
      }
      const TrialSpec spec = parse_trial_file(o.trial);
      std::size_t arm = 0;
      if (!o.arm.empty()) {
        const auto it = std::find_if(spec.arms.begin(), spec.arms.end(),
                                     [&](const ArmSpec& a) { return a.name == o.arm; });
        if (it == spec.arms.end())
          throw InputError("--arm '" + o.arm + "' is not an arm of the trial");
        arm = static_cast<std::size_t>(it - spec.arms.begin());
      }
      std::cout << "patient,"
                << (o.critical ? "lower_cells,upper_cells" : "lower_scale,upper_scale")
                << ",result\n";
      for (const Patient& p : sample_patients(spec)) {
        const DoseFindResult r = search(plan_scenario(spec, p, arm));
        std::cout << p.index << "," << format_number(r.lower, 8) << "," << format_number(r.upper, 8)
                  << ","
                  << (r.without_dose ? "no_dose_needed"
                      : r.found      ? "found"
                                     : "not_found")
                  << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
