#include "nksim/api/spatial_sweep.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nksim/api/spatial_run.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/output_dir.h"
#include "nksim/io/well_mixed_output.h"

namespace nksim {
namespace {

struct Sweep {
  std::string parameter;
  std::vector<double> values;
  bool specific_lysis = false;
};

Sweep read_sweep(const TomlDocument& document) {
  TableReader root = document.reader();
  TableReader t = root.table("sweep");
  Sweep s;
  s.parameter = t.string("parameter");
  s.values = t.number_array("values");
  if (s.values.empty()) t.fail("values", "must list at least one value");
  const std::vector<std::string> readouts = {"none", "specific_lysis"};
  s.specific_lysis = t.choice_or("readout", readouts, "none") == "specific_lysis";
  if (s.specific_lysis && s.values.front() != 0.0) {
    t.fail("values", "must start with the control value 0 when readout = \"specific_lysis\"");
  }
  t.finish();
  for (double v : s.values) with_parameter(document, s.parameter, v);  // path errors early
  return s;
}

std::string label(std::size_t k, double value) {
  std::string v = format_number(value);
  for (char& c : v) {
    if (c == '.') c = 'p';
  }
  return std::to_string(k + 1) + "_" + v;
}

void write_text_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out.flush()) throw Error("cannot write " + file.string());
}

}  // namespace

bool has_sweep(const TomlDocument& document) { return document.root().contains("sweep"); }

TomlDocument with_parameter(const TomlDocument& document, const std::string& dotted_path,
                            double value) {
  const auto fail = [&](const std::string& why) {
    return InputError(document.file() + ": sweep.parameter '" + dotted_path + "' " + why);
  };
  if (dotted_path.empty()) throw fail("is empty");
  if (dotted_path == "sweep" || dotted_path.starts_with("sweep.")) {
    throw fail("cannot be inside [sweep]");
  }
  toml::node_view<const toml::node> old;
  try {
    old = document.node(dotted_path);
  } catch (const InputError&) {
    throw fail("has a bad index (array elements are counted from 1: dose[1])");
  }
  if (!old.is_integer() && !old.is_floating_point()) {
    throw fail("must name an existing number in the scenario");
  }
  // A value edit, not text: an integer key stays an integer for whole values (a seed).
  return document.with_number(dotted_path, value).without_key("sweep");
}

double specific_lysis_percent(double dead_fraction, double control_dead_fraction) {
  if (control_dead_fraction >= 1.0) return 0.0;
  return 100.0 * (dead_fraction - control_dead_fraction) / (1.0 - control_dead_fraction);
}

RunReport run_spatial_sweep(const TomlDocument& document, const RunOptions& options) {
  const Sweep sweep = read_sweep(document);
  OutputDirectory::check_target(options.out_dir);
  OutputDirectory out(options.out_dir);
  nlohmann::json summary;
  summary["engine"] = "spatial";
  summary["scenario_file"] = document.file();
  summary["scenario_hash"] = fnv1a_hex(document.text());
  summary["sweep"] = {{"parameter", sweep.parameter}, {"values", sweep.values}};
  nlohmann::json conditions = nlohmann::json::array();
  for (std::size_t k = 0; k < sweep.values.size(); ++k) {
    RunOptions run = options;
    run.out_dir = out.staging() / "conditions" / label(k, sweep.values[k]);
    const TomlDocument condition = with_parameter(document, sweep.parameter, sweep.values[k]);
    run_spatial(condition, run);
    // The condition's own scenario (its hash is the one in its summary.json): what its report
    // reads the dose times from.
    write_text_file(run.out_dir / "scenario.toml", condition.edited_text());
    std::ifstream in(run.out_dir / "summary.json");
    const nlohmann::json child = nlohmann::json::parse(in);
    nlohmann::json c = {{"value", sweep.values[k]},
                        {"out_dir", "conditions/" + label(k, sweep.values[k])},
                        {"final_counts", child.value("final_counts", nlohmann::json::object())}};
    if (child.contains("readouts")) c["readouts"] = child["readouts"];
    conditions.push_back(c);
  }
  summary["conditions"] = conditions;
  std::string headline =
      "sweep of " + sweep.parameter + " over " + std::to_string(sweep.values.size()) + " values";
  if (sweep.specific_lysis) {
    const auto dead = [&](const nlohmann::json& c) -> double {
      const auto& r = c.value("readouts", nlohmann::json::object());
      if (!r.contains("nk_recognition_kill")) {
        throw InputError(document.file() +
                         ": readout = \"specific_lysis\" needs [mechanisms.nk_recognition_kill]");
      }
      return r["nk_recognition_kill"]["targets"]["dead_fraction"].get<double>();
    };
    const double control = dead(conditions[0]);
    nlohmann::json lysis = nlohmann::json::array();
    headline += "; specific lysis %:";
    for (std::size_t k = 1; k < conditions.size(); ++k) {
      const double percent = specific_lysis_percent(dead(conditions[k]), control);
      lysis.push_back({{"value", sweep.values[k]},
                       {"dead_fraction", dead(conditions[k])},
                       {"specific_lysis_percent", percent}});
      headline += " " + format_number(sweep.values[k]) + " -> " + format_number(percent, 3);
    }
    summary["specific_lysis"] = {{"control_dead_fraction", control}, {"by_value", lysis}};
  }
  write_json(out.file("summary.json"), summary);
  out.commit();
  RunReport report;
  report.engine = "spatial";
  report.out_dir = options.out_dir;
  report.headline = headline;
  return report;
}

std::string validate_spatial_sweep(const TomlDocument& document) {
  const Sweep sweep = read_sweep(document);
  std::string last;
  for (double v : sweep.values)
    last = validate_spatial(with_parameter(document, sweep.parameter, v));
  return last + "; sweep of " + sweep.parameter + " over " + std::to_string(sweep.values.size()) +
         " values";
}

}  // namespace nksim
