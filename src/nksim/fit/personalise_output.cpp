// Files written by `nksim personalise` (docs/personalise.md, "Choosing a schedule") and its
// printed summary.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/core/version.h"
#include "nksim/fit/fit_files.h"
#include "nksim/fit/personalise.h"
#include "nksim/io/csv_metadata.h"
#include "nksim/io/well_mixed_output.h"

namespace nksim {
namespace {

using fit_files::check;
using fit_files::csv_number;
using fit_files::open;

constexpr const char* kNotAdvice =
    "These are predictions of the fitted model under its assumptions, not medical advice.";

std::string dominated_by(const PersonaliseResult& r, const ScheduleSummary& s) {
  std::vector<std::string> names;
  for (const std::size_t k : s.dominated_by) names.push_back(r.schedules[k].name);
  return join(names, ";");
}

const char* reference_name(ProgressionReference reference) {
  return reference == ProgressionReference::kBaseline ? "baseline" : "nadir";
}

std::string unit_or_one(const std::string& unit) {
  return unit.empty() || unit == "-" ? "1" : unit;
}

}  // namespace

void write_personalise_outputs(const std::filesystem::path& dir, const PersonaliseSpec& spec,
                               const PersonaliseResult& r) {
  const OutcomeSpec& o = spec.outcomes;
  const std::string target_unit = unit_or_one(o.target_unit);
  const std::string tox_unit = unit_or_one(o.toxicity_unit);
  {
    const auto file = dir / "schedules.csv";
    auto out = open(file);
    out << "schedule,members,responders,response_probability,response_ci_lower,"
           "response_ci_upper,ttp_median_days,ttp_p10_days,ttp_p90_days,progressed,"
           "toxicity_peak_median,toxicity_peak_p10,toxicity_peak_p90,dominated,dominated_by\n";
    for (const auto& s : r.schedules) {
      out << s.name << ',' << s.members << ',' << s.responders << ','
          << csv_number(s.response_probability) << ',' << csv_number(s.response_interval.lower)
          << ',' << csv_number(s.response_interval.upper) << ',' << csv_number(s.ttp_median) << ','
          << csv_number(s.ttp_p10) << ',' << csv_number(s.ttp_p90) << ',' << s.progressed << ','
          << csv_number(s.toxicity_median) << ',' << csv_number(s.toxicity_p10) << ','
          << csv_number(s.toxicity_p90) << ',' << (s.dominated() ? "yes" : "no") << ','
          << dominated_by(r, s) << '\n';
    }
    check(out, file);
    write_csv_metadata(
        file,
        {{"schedule", "1", "the candidate schedule's name"},
         {"members", "1", "ensemble members simulated"},
         {"responders", "1", "members with the target at or below response_below on response_day"},
         {"response_probability", "1", "responders / members"},
         {"response_ci_lower", "1", "Wilson 95 % interval of the response probability, lower"},
         {"response_ci_upper", "1", "Wilson 95 % interval of the response probability, upper"},
         {"ttp_median_days", "days", "median time to progression (the horizon when none)"},
         {"ttp_p10_days", "days", "10th percentile of the time to progression"},
         {"ttp_p90_days", "days", "90th percentile of the time to progression"},
         {"progressed", "1", "members that progressed within the horizon"},
         {"toxicity_peak_median", tox_unit, "median peak of " + o.toxicity_state},
         {"toxicity_peak_p10", tox_unit, "10th percentile of the peak of " + o.toxicity_state},
         {"toxicity_peak_p90", tox_unit, "90th percentile of the peak of " + o.toxicity_state},
         {"dominated", "1",
          "yes when another schedule is at least as good on every criterion "
          "and strictly better on one"},
         {"dominated_by", "1", "the schedules that dominate it, separated by ';'"}});
  }
  {
    const auto file = dir / "members.csv";
    auto out = open(file);
    out << "member,schedule,target_at_response_day,response,ttp_days,progressed,toxicity_peak\n";
    for (std::size_t m = 0; m < r.ensemble.members.size(); ++m) {
      for (std::size_t s = 0; s < r.schedules.size(); ++s) {
        const MemberOutcome& x = r.outcomes[s][m];
        out << m << ',' << r.schedules[s].name << ',' << csv_number(x.target_at_response_day) << ','
            << (x.response ? "true" : "false") << ',' << csv_number(x.ttp_days) << ','
            << (x.progressed ? "true" : "false") << ',' << csv_number(x.toxicity_peak) << '\n';
      }
    }
    check(out, file);
    write_csv_metadata(
        file,
        {{"member", "1", "ensemble member (0: the best fit), as in ensemble.csv"},
         {"schedule", "1", "the candidate schedule"},
         {"target_at_response_day", target_unit, o.target + " on response_day"},
         {"response", "1", "target_at_response_day <= response_below"},
         {"ttp_days", "days", "time to progression (the horizon when none)"},
         {"progressed", "1", "progression happened within the horizon"},
         {"toxicity_peak", tox_unit, "peak of " + o.toxicity_state + " over the output times"}});
  }
  {
    const auto file = dir / "ensemble.csv";
    auto out = open(file);
    out << "member,candidate";
    for (const auto& p : spec.fit.parameters) out << ',' << p.name;
    out << ",objective,delta_objective\n";
    for (std::size_t m = 0; m < r.ensemble.members.size(); ++m) {
      const EnsembleMember& e = r.ensemble.members[m];
      out << m << ',' << (e.best_fit ? std::string("best") : std::to_string(e.candidate));
      for (const double v : e.values) out << ',' << format_number(v);
      out << ',' << csv_number(e.objective) << ','
          << csv_number(e.objective - r.ensemble.best_objective) << '\n';
    }
    check(out, file);
    std::vector<CsvColumn> columns{{"member", "1", "ensemble member (0: the best fit)"},
                                   {"candidate", "1", "index of the draw it came from ('best')"}};
    for (const auto& p : spec.fit.parameters) {
      columns.push_back({p.name, unit_or_one(p.unit), "fitted parameter"});
    }
    columns.push_back({"objective", "1", "negative log-likelihood plus priors"});
    columns.push_back({"delta_objective", "1", "objective minus the best fit's"});
    write_csv_metadata(file, columns);
  }
  {
    const auto file = dir / "trajectories.csv";
    auto out = open(file);
    out << "schedule,time_days,target_median,target_p10,target_p90\n";
    for (std::size_t s = 0; s < r.schedules.size(); ++s) {
      for (std::size_t i = 0; i < r.times.size(); ++i) {
        std::vector<double> column;
        for (const auto& series : r.target_series[s]) column.push_back(series[i]);
        out << r.schedules[s].name << ',' << format_number(r.times[i]) << ','
            << csv_number(quantile(column, 0.5)) << ',' << csv_number(quantile(column, 0.1)) << ','
            << csv_number(quantile(column, 0.9)) << '\n';
      }
    }
    check(out, file);
    write_csv_metadata(file,
                       {{"schedule", "1", "the candidate schedule"},
                        {"time_days", "days", "time"},
                        {"target_median", target_unit, "median of " + o.target + " over members"},
                        {"target_p10", target_unit, "10th percentile over members"},
                        {"target_p90", target_unit, "90th percentile over members"}});
  }

  nlohmann::json j;
  j["command"] = "personalise";
  j["engine"] = "personalise";
  j["nksim_version"] = kVersion;
  j["spec"] = std::filesystem::path(spec.file).filename().string();
  j["spec_hash"] = fnv1a_hex(spec.text);
  j["fit_spec"] = std::filesystem::path(spec.fit_file).filename().string();
  j["model"] = std::string(scenario_model(spec.fit.scenario)->name());
  j["patient"] = spec.fit.patient ? nlohmann::json(*spec.fit.patient) : nlohmann::json(nullptr);
  j["note"] = kNotAdvice;
  nlohmann::json best = nlohmann::json::object();
  for (std::size_t k = 0; k < spec.fit.parameters.size(); ++k) {
    best[spec.fit.parameters[k].name] = r.fit.estimate[k];
  }
  j["fit"] = {{"objective", r.fit.objective}, {"parameters", best}, {"warnings", r.fit.warnings}};
  j["ensemble"] = {{"members", r.ensemble.members.size()}, {"candidates", r.ensemble.tries},
                   {"threshold", r.ensemble.threshold},    {"proposal", r.ensemble.proposal},
                   {"seed", spec.ensemble.seed},           {"box_widen", spec.ensemble.box_widen}};
  j["outcomes"] = {{"horizon_days", o.horizon_days},
                   {"target", o.target},
                   {"target_unit", o.target_unit},
                   {"response_below", o.response_below},
                   {"response_day", o.response_day},
                   {"progression_factor", o.progression_factor},
                   {"progression_from", reference_name(o.progression_from)},
                   {"progression_after_day", o.progression_after_day},
                   {"toxicity_state", o.toxicity_state},
                   {"toxicity_unit", o.toxicity_unit}};
  nlohmann::json schedules = nlohmann::json::array();
  for (const auto& s : r.schedules) {
    nlohmann::json names = nlohmann::json::array();
    for (const std::size_t k : s.dominated_by) names.push_back(r.schedules[k].name);
    schedules.push_back(
        {{"name", s.name},
         {"response_probability", s.response_probability},
         {"response_ci", {s.response_interval.lower, s.response_interval.upper}},
         {"ttp_days", {{"median", s.ttp_median}, {"p10", s.ttp_p10}, {"p90", s.ttp_p90}}},
         {"progressed", s.progressed},
         {"toxicity_peak",
          {{"median", s.toxicity_median}, {"p10", s.toxicity_p10}, {"p90", s.toxicity_p90}}},
         {"dominated", s.dominated()},
         {"dominated_by", names}});
  }
  j["schedules"] = std::move(schedules);
  j["personalise"] = {{"schedules", "schedules.csv"},
                      {"members", "members.csv"},
                      {"ensemble", "ensemble.csv"},
                      {"trajectories", "trajectories.csv"}};
  write_json(dir / "summary.json", j);
}

std::string personalise_summary_text(const PersonaliseSpec& spec, const PersonaliseResult& r) {
  const OutcomeSpec& o = spec.outcomes;
  std::ostringstream s;
  s << "Schedules for " << scenario_model(spec.fit.scenario)->name();
  if (spec.fit.patient) s << " patient " << *spec.fit.patient;
  s << ", fitted to " << count_of(spec.fit.measurements.size(), "measurement")
    << " (best objective " << format_number(r.fit.objective, 8) << ")\n";
  s << "Ensemble: " << count_of(r.ensemble.members.size(), "acceptable fit")
    << " (objective within " << format_number(r.ensemble.threshold, 4) << " of the best; "
    << r.ensemble.members.size() - 1 << " of " << count_of(r.ensemble.tries, "draw")
    << " accepted)\n";
  s << "Response: " << o.target << " <= " << format_number(o.response_below, 6) << " on day "
    << format_number(o.response_day) << "; progression: " << o.target << " above "
    << format_number(o.progression_factor) << "x its " << reference_name(o.progression_from)
    << " from day " << format_number(o.progression_after_day) << "; toxicity: peak "
    << o.toxicity_state << (o.toxicity_unit.empty() ? "" : " (" + o.toxicity_unit + ")") << "\n";
  std::size_t width = 8;
  for (const auto& x : r.schedules) width = std::max(width, x.name.size());
  for (const auto& x : r.schedules) {
    std::string name = x.name;
    name.resize(width, ' ');
    s << "  " << name << "  P(response) " << format_number(x.response_probability, 3) << " ["
      << format_number(x.response_interval.lower, 2) << ", "
      << format_number(x.response_interval.upper, 2) << "]  TTP " << format_number(x.ttp_median, 4)
      << " d [" << format_number(x.ttp_p10, 4) << "-" << format_number(x.ttp_p90, 4) << "]  peak "
      << format_number(x.toxicity_median, 3) << " [" << format_number(x.toxicity_p10, 3) << "-"
      << format_number(x.toxicity_p90, 3) << "]"
      << (x.dominated() ? "  dominated by " + dominated_by(r, x) : std::string()) << '\n';
  }
  for (const auto& w : r.fit.warnings) s << "warning: " << w << '\n';
  s << kNotAdvice << '\n';
  return s.str();
}

}  // namespace nksim
