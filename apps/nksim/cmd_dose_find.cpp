// nksim dose-find: the minimal dose (scale of the doses on a state) that achieves an outcome,
// for one scenario or for every patient of a trial cohort; or the critical initial tumour size.
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "commands.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/io/dose_plausibility.h"
#include "nksim/io/output_dir.h"
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

std::size_t find_arm(const TrialSpec& spec, const std::string& name) {
  if (name.empty()) return 0;
  for (std::size_t a = 0; a < spec.arms.size(); ++a) {
    if (spec.arms[a].name == name) return a;
  }
  std::vector<std::string> names;
  for (const ArmSpec& a : spec.arms) names.push_back(a.name);
  throw InputError("--arm '" + name + "' is not an arm of the trial (arms: " + join(names) + ")" +
                   did_you_mean(name, names));
}

const char* result_name(const DoseFindResult& r) {
  return r.without_dose ? "no_dose_needed" : r.found ? "found" : "not_found";
}

// A bound that may be infinite (not found up to the search range): null in JSON, empty in CSV.
nlohmann::ordered_json bound_json(double v) {
  return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}
std::string bound_csv(double v) { return std::isfinite(v) ? format_number(v, 17) : ""; }

struct Found {
  std::optional<std::size_t> patient;  // cohort searches only
  DoseFindResult result;
};

// DIR/summary.json (the search and every result) and DIR/dose_find.csv (one row per result),
// written whole or not at all.
void write_dose_find(const std::filesystem::path& dir, nlohmann::ordered_json search,
                     const std::vector<Found>& found, bool critical) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::ostringstream csv;
  csv << "patient,result,"
      << (critical ? "lower_cells,upper_cells" : "lower_scale,upper_scale,reference,lower,upper")
      << ",simulations\n";
  for (const Found& f : found) {
    const DoseFindResult& r = f.result;
    nlohmann::ordered_json row = {{"patient", f.patient ? nlohmann::ordered_json(*f.patient)
                                                        : nlohmann::ordered_json(nullptr)},
                                  {"result", result_name(r)},
                                  {"lower", bound_json(r.lower)},
                                  {"upper", bound_json(r.upper)}};
    csv << (f.patient ? std::to_string(*f.patient) : "") << "," << result_name(r) << ","
        << bound_csv(r.lower) << "," << bound_csv(r.upper);
    if (!critical) {
      row["reference"] = r.reference;
      row["lower_amount"] = bound_json(r.lower * r.reference);
      row["upper_amount"] = bound_json(r.upper * r.reference);
      csv << "," << format_number(r.reference, 17) << "," << bound_csv(r.lower * r.reference) << ","
          << bound_csv(r.upper * r.reference);
    }
    row["simulations"] = r.simulations;
    row["note"] = r.note;
    csv << "," << r.simulations << "\n";
    results.push_back(row);
  }
  search["results"] = results;
  OutputDirectory out(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream file(out.file(name));
    file << text;
    if (!file.flush()) throw Error("cannot write " + (out.target() / name).string());
  };
  write("summary.json", search.dump(1) + "\n");
  write("dose_find.csv", csv.str());
  out.commit();
}

}  // namespace

void add_dose_find_command(CLI::App& app, Action& action) {
  struct Options {
    std::string scenario;
    std::string trial;
    std::string arm;
    std::string out;
    DoseFindOptions find;
    bool critical = false;
  };
  auto options = std::make_shared<Options>();
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
  cmd->add_option("--state", options->find.state, "state whose doses are scaled (e.g. N)");
  cmd->add_option("--outcome", options->find.outcome, "eliminated (default) or not_escaped");
  cmd->add_option("--rel-tol", options->find.rel_tol, "relative width of the final bracket")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--critical-tumour", options->critical,
                "find the largest initial tumour that is still eliminated");
  cmd->add_option("-o,--out", options->out,
                  "also write DIR/summary.json and DIR/dose_find.csv (whole or not at all)");
  cmd->callback([&action, options] {
    action = [options] {
      const Options& o = *options;
      if (o.scenario.empty() == o.trial.empty()) {
        throw InputError("dose-find needs either a scenario file or --trial FILE");
      }
      if (!o.critical && o.find.state.empty()) {
        throw InputError("dose-find needs --state (the state whose doses are scaled)");
      }
      if (!o.out.empty()) OutputDirectory::check_target(o.out);  // before any work
      const auto search = [&](const WellMixedScenario& s) {
        return o.critical ? find_critical_tumour(s, o.find) : find_minimal_dose(s, o.find);
      };
      const std::string what = o.critical ? "critical initial tumour" : "minimal dose scale";
      nlohmann::ordered_json description = {
          {"command", "dose-find"},
          {"nksim_version", kVersion},
          {"search", o.critical ? "critical_tumour" : "minimal_dose"},
          {"scenario", o.scenario.empty() ? nlohmann::ordered_json(nullptr)
                                          : nlohmann::ordered_json(o.scenario)},
          {"trial",
           o.trial.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(o.trial)},
          {"state", o.find.state},
          {"outcome", o.find.outcome},
          {"rel_tol", o.find.rel_tol},
          {"unit", o.critical ? "cells" : "scale of the doses on the state"}};
      std::vector<Found> found;
      if (!o.scenario.empty()) {
        const TomlDocument document = TomlDocument::parse_file(o.scenario);
        if (scenario_engine(document) != "well_mixed") {
          throw InputError(o.scenario + ": dose-find needs a well_mixed scenario");
        }
        const WellMixedScenario scenario = parse_well_mixed(document);
        found.push_back({std::nullopt, search(scenario)});
        std::cout << what << " for " << o.find.outcome << ": " << bracket_text(found[0].result)
                  << "\n";
        const DoseFindResult& r = found[0].result;
        if (!o.critical && r.found && !r.without_dose) {
          for (const auto& w : dose_warnings(scenario, o.find.state, r.upper)) {
            std::cerr << "nksim: warning: " << w << "\n";
          }
        }
      } else {
        const TrialSpec spec = parse_trial_file(o.trial);
        const std::size_t arm = find_arm(spec, o.arm);
        description["arm"] = spec.arms[arm].name;
        std::cout << "patient,"
                  << (o.critical ? "lower_cells,upper_cells" : "lower_scale,upper_scale")
                  << ",result\n";
        for (const Patient& p : sample_patients(spec)) {
          found.push_back({p.index, search(plan_scenario(spec, p, arm))});
          const DoseFindResult& r = found.back().result;
          std::cout << p.index << "," << format_number(r.lower, 8) << ","
                    << format_number(r.upper, 8) << "," << result_name(r) << "\n";
        }
      }
      if (!o.out.empty()) {
        write_dose_find(o.out, description, found, o.critical);
        std::cout << "Written " << o.out << "/summary.json and " << o.out << "/dose_find.csv\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
