#include "nksim/api/dose_find.h"

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/io/dose_plausibility.h"
#include "nksim/io/output_dir.h"
#include "nksim/io/scenario.h"
#include "nksim/trial/dose_find.h"
#include "nksim/trial/run_plan.h"

namespace nksim {
namespace api_dose_find {

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

// One result as a row of summary.json's "results" and a line of dose_find.csv.
nlohmann::ordered_json result_row(const Found& f, bool critical, std::ostream& csv) {
  const DoseFindResult& r = f.result;
  nlohmann::ordered_json row = {
      {"patient", f.patient ? nlohmann::ordered_json(*f.patient) : nlohmann::ordered_json(nullptr)},
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
  return row;
}

// DIR/summary.json (the search and every result) and DIR/dose_find.csv (one row per result),
// written whole or not at all.
void write_dose_find(const std::filesystem::path& dir, nlohmann::ordered_json search,
                     const std::vector<Found>& found, bool critical) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::ostringstream csv;
  csv << "patient,result,"
      << (critical ? "lower_cells,upper_cells" : "lower_scale,upper_scale,reference,lower,upper")
      << ",simulations\n";
  for (const Found& f : found) results.push_back(result_row(f, critical, csv));
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

nlohmann::ordered_json search_description(const DoseFindRequest& o) {
  const auto name_or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
  };
  return {{"command", "dose-find"},
          {"nksim_version", kVersion},
          {"search", o.critical ? "critical_tumour" : "minimal_dose"},
          {"scenario", name_or_null(o.scenario)},
          {"trial", name_or_null(o.trial)},
          {"state", o.state},
          {"outcome", o.outcome},
          {"rel_tol", o.rel_tol},
          {"unit", o.critical ? "cells" : "scale of the doses on the state"}};
}

DoseFindResult search(const DoseFindRequest& o, const WellMixedScenario& scenario) {
  DoseFindOptions options;
  options.state = o.state;
  options.outcome = o.outcome;
  options.rel_tol = o.rel_tol;
  return o.critical ? find_critical_tumour(scenario, options)
                    : find_minimal_dose(scenario, options);
}

Found search_scenario(const DoseFindRequest& o) {
  const TomlDocument document = TomlDocument::parse_file(o.scenario);
  if (scenario_engine(document) != "well_mixed") {
    throw InputError(o.scenario + ": dose-find needs a well_mixed scenario");
  }
  const WellMixedScenario scenario = parse_well_mixed(document);
  Found found{std::nullopt, search(o, scenario)};
  const std::string what = o.critical ? "critical initial tumour" : "minimal dose scale";
  o.print(what + " for " + o.outcome + ": " + bracket_text(found.result));
  const DoseFindResult& r = found.result;
  if (!o.critical && r.found && !r.without_dose) {
    for (const auto& w : dose_warnings(scenario, o.state, r.upper)) o.warn(w);
  }
  return found;
}

std::vector<Found> search_cohort(const DoseFindRequest& o, nlohmann::ordered_json& description) {
  const TrialSpec spec = parse_trial_file(o.trial);
  const std::size_t arm = find_arm(spec, o.arm);
  description["arm"] = spec.arms[arm].name;
  o.print(std::string("patient,") +
          (o.critical ? "lower_cells,upper_cells" : "lower_scale,upper_scale") + ",result");
  std::vector<Found> found;
  for (const Patient& p : sample_patients(spec)) {
    found.push_back({p.index, search(o, plan_scenario(spec, p, arm))});
    const DoseFindResult& r = found.back().result;
    o.print(std::to_string(p.index) + "," + format_number(r.lower, 8) + "," +
            format_number(r.upper, 8) + "," + result_name(r));
  }
  return found;
}

}  // namespace api_dose_find

void run_dose_find(const DoseFindRequest& request) {
  using namespace api_dose_find;
  DoseFindRequest o = request;
  if (!o.print) o.print = [](const std::string&) {};
  if (!o.warn) o.warn = [](const std::string&) {};
  if (o.scenario.empty() == o.trial.empty()) {
    throw InputError("dose-find needs either a scenario file or --trial FILE");
  }
  if (!o.critical && o.state.empty()) {
    throw InputError("dose-find needs --state (the state whose doses are scaled)");
  }
  if (!o.out.empty()) OutputDirectory::check_target(o.out);  // before any work
  nlohmann::ordered_json description = search_description(o);
  std::vector<Found> found;
  if (!o.scenario.empty()) {
    found.push_back(search_scenario(o));
  } else {
    found = search_cohort(o, description);
  }
  if (!o.out.empty()) {
    write_dose_find(o.out, description, found, o.critical);
    o.print("Written " + o.out + "/summary.json and " + o.out + "/dose_find.csv");
  }
}

}  // namespace nksim
