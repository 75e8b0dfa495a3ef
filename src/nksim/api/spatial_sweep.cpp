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

namespace {

// Byte offset of a 1-based (line, column) position in `text` (columns counted in bytes; the
// result is checked by re-parsing).
std::size_t offset_of(const std::string& text, std::size_t line, std::size_t column) {
  std::size_t pos = 0;
  for (std::size_t l = 1; l < line && pos != std::string::npos; ++l) {
    pos = text.find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  return pos == std::string::npos ? text.size() : std::min(text.size(), pos + column - 1);
}

// Comments out the [sweep] table (header form: up to the next table header; inline form: its
// line), so that every other line keeps its number and errors still point at the right line.
std::string without_sweep(std::string text, const toml::node& sweep) {
  std::size_t line = sweep.source().begin.line;
  std::size_t pos = offset_of(text, line, 1);
  bool header = true;
  for (bool first = true; pos < text.size(); first = false) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::size_t content = text.find_first_not_of(" \t", pos);
    const bool starts_table = content < end && text[content] == '[';
    if (first) header = starts_table;
    if (!first && (!header || starts_table)) break;
    text.insert(pos, "#");
    pos = std::min(text.find('\n', pos), text.size()) + 1;
  }
  return text;
}

const toml::node* find_number(const toml::table& root, const std::vector<std::string>& names,
                              const std::function<InputError(const std::string&)>& fail) {
  const toml::table* table = &root;
  for (std::size_t n = 0; n + 1 < names.size(); ++n) {
    std::string key = names[n];
    long index = 0;
    if (const auto open = key.find('['); open != std::string::npos) {
      index = std::strtol(key.c_str() + open + 1, nullptr, 10);
      key = key.substr(0, open);
      if (index < 1) throw fail("has a bad index in '" + names[n] + "' (1-based)");
    }
    const toml::node* node = table->get(key);
    if (!node) throw fail("names no table '" + key + "'");
    if (index > 0) {
      const toml::array* array = node->as_array();
      if (!array || static_cast<std::size_t>(index) > array->size()) {
        throw fail("has no element " + names[n]);
      }
      node = array->get(static_cast<std::size_t>(index - 1));
    }
    table = node ? node->as_table() : nullptr;
    if (!table) throw fail("goes through '" + names[n] + "', which is not a table");
  }
  const toml::node* old = table->get(names.back());
  if (!old || !(old->is_integer() || old->is_floating_point())) {
    throw fail("must name an existing number in the scenario");
  }
  return old;
}

}  // namespace

TomlDocument with_parameter(const TomlDocument& document, const std::string& dotted_path,
                            double value) {
  const auto fail = [&](const std::string& why) {
    return InputError(document.file() + ": sweep.parameter '" + dotted_path + "' " + why);
  };
  std::stringstream parts(dotted_path);
  std::string part;
  std::vector<std::string> names;
  while (std::getline(parts, part, '.')) names.push_back(part);
  if (names.empty()) throw fail("is empty");
  if (names.front() == "sweep") throw fail("cannot be inside [sweep]");
  const toml::node* old = find_number(document.root(), names, fail);
  // The new value as TOML text: integers stay integers for whole values (a seed).
  std::ostringstream literal;
  const bool integer = old->is_integer() && value == std::floor(value);
  if (integer) {
    literal << toml::value<std::int64_t>(static_cast<std::int64_t>(value));
  } else {
    literal << toml::value<double>(value);
  }
  // Splice it over the old value in the original text, so line numbers are kept.
  std::string text = document.text();
  const std::size_t begin = offset_of(text, old->source().begin.line, old->source().begin.column);
  const std::size_t end = offset_of(text, old->source().end.line, old->source().end.column);
  text.replace(begin, end - begin, literal.str());
  if (const toml::node* sweep = document.root().get("sweep")) text = without_sweep(text, *sweep);
  TomlDocument changed = TomlDocument::parse_string(text, document.file());
  const toml::node* now = find_number(changed.root(), names, fail);
  if (now->value<double>() != std::optional<double>(value) || changed.root().contains("sweep")) {
    throw fail("could not be replaced in the text (unusual formatting around the value)");
  }
  return changed;
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
    // The condition's own scenario text (its hash is the one in its summary.json): what its
    // report reads the dose times from.
    write_text_file(run.out_dir / "scenario.toml", condition.text());
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
