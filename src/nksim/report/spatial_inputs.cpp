#include "nksim/report/spatial_inputs.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/hdf5_file.h"

namespace nksim::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::optional<std::string> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Candidate places of the scenario: the copy beside the outputs, the path as recorded, and
// the recorded path below each folder above the output directory (runs started elsewhere).
std::vector<fs::path> scenario_candidates(const fs::path& dir, const std::string& recorded) {
  std::vector<fs::path> candidates = {dir / "scenario.toml"};
  if (recorded.empty()) return candidates;
  candidates.emplace_back(recorded);
  for (fs::path up = fs::absolute(dir); up.has_relative_path(); up = up.parent_path()) {
    candidates.push_back(up / recorded);
  }
  return candidates;
}

json doses_of(const toml::table& root) {
  json doses = json::array();
  const toml::array* list = root.at_path("mechanisms.nk_infusion.dose").as_array();
  if (!list) return doses;
  for (const auto& node : *list) {
    const toml::table* t = node.as_table();
    if (!t) continue;
    json d = {{"type", (*t)["type"].value_or(std::string("?"))},
              {"time_min", (*t)["time_min"].value_or(0.0)},
              {"repeats", (*t)["repeats"].value_or(std::int64_t{1})},
              {"repeat_every_min", (*t)["repeat_every_min"].value_or(0.0)}};
    if (auto count = (*t)["count"].value<std::int64_t>()) d["count"] = *count;
    if (auto et = (*t)["effector_to_target"].value<double>()) d["effector_to_target"] = *et;
    doses.push_back(d);
  }
  return doses;
}

}  // namespace

std::vector<DoseMark> nk_doses(const json& scenario_doses, double end_min) {
  std::vector<DoseMark> marks;
  for (const auto& d : scenario_doses) {
    const std::string amount = d.contains("count")
                                   ? format_number(d["count"].get<double>())
                                   : "E:T " + format_number(d.value("effector_to_target", 0.0));
    const std::string what = amount + " " + d.value("type", std::string("?"));
    const auto repeats = d.value("repeats", std::int64_t{1});
    for (std::int64_t k = 0; k < repeats; ++k) {
      const double t =
          d.value("time_min", 0.0) + static_cast<double>(k) * d.value("repeat_every_min", 0.0);
      if (t > end_min + 1e-9) break;
      marks.push_back({t, "dose: " + what});
    }
  }
  std::stable_sort(marks.begin(), marks.end(),
                   [](const DoseMark& a, const DoseMark& b) { return a.time_min < b.time_min; });
  return marks;
}

ScenarioFacts read_scenario_facts(const fs::path& dir, const json& summary) {
  ScenarioFacts facts;
  const std::string hash = summary.value("scenario_hash", std::string());
  const std::string recorded = summary.value("scenario_file", std::string());
  if (hash.empty()) {
    facts.missing = "summary.json records no scenario_hash";
    return facts;
  }
  for (const auto& candidate : scenario_candidates(dir, recorded)) {
    const auto text = read_bytes(candidate);
    if (!text || fnv1a_hex(*text) != hash) continue;
    toml::table root;
    try {
      root = toml::parse(*text, candidate.string());
    } catch (const toml::parse_error&) {
      continue;
    }
    const double end = summary.value("end_time_min", HUGE_VAL);
    facts.doses = nk_doses(doses_of(root), end);
    if (const toml::array* lo = root.at_path("simulation.domain_min_um").as_array()) {
      for (std::size_t a = 0; a < std::min<std::size_t>(3, lo->size()); ++a) {
        facts.domain_min_um[a] = (*lo)[a].value_or(0.0);
      }
    }
    facts.voxel_um = root.at_path("simulation.voxel_um").value_or(20.0);
    return facts;
  }
  facts.missing = "the scenario " + (recorded.empty() ? std::string("file") : recorded) +
                  " was not found unchanged (its hash differs from summary.json's)";
  return facts;
}

std::map<std::string, std::string> csv_units(const fs::path& csv_file) {
  std::map<std::string, std::string> units;
  const fs::path sidecar = csv_file.string() + "-metadata.json";
  if (!fs::exists(sidecar)) return units;
  std::ifstream in(sidecar);
  const json metadata = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (metadata.is_discarded() || !metadata.is_object()) {
    throw InputError(sidecar.string() + ": not valid JSON");
  }
  const json columns = metadata.value("tableSchema", json::object()).value("columns", json());
  if (!columns.is_array()) {
    throw InputError(sidecar.string() + ": tableSchema.columns must be an array");
  }
  for (const auto& c : columns) {
    if (c.is_object() && c.contains("name") && c["name"].is_string() &&
        c.contains("schema:unitText") && c["schema:unitText"].is_string()) {
      units[c["name"].get<std::string>()] = c["schema:unitText"].get<std::string>();
    }
  }
  return units;
}

std::string readable_unit(std::string unit) {
  const std::pair<const char*, const char*> words[] = {
      {" x ", " × "}, {"um^3", "µm³"}, {"um^2", "µm²"}, {"um", "µm"}};
  for (const auto& [from, to] : words) {
    for (auto at = unit.find(from); at != std::string::npos; at = unit.find(from, at)) {
      unit.replace(at, std::string(from).size(), to);
      at += std::string(to).size();
    }
  }
  return unit;
}

SnapshotAgents read_snapshot_agents(const Hdf5File& h5, const fs::path& file) {
  SnapshotAgents a;
  a.time_min = h5.read_double_attribute("time_min");
  a.type_names = split_list(h5.read_string_attribute("type_names"));
  a.state_names = split_list(h5.read_string_attribute("state_names"));
  a.type = h5.read_int32("/agents/type");
  a.state = h5.read_int32("/agents/state");
  if (a.state.size() != a.type.size()) {
    throw InputError(file.string() + ": /agents/type and /agents/state differ in length");
  }
  return a;
}

NkSnapshot read_nk_snapshot(const fs::path& file, const std::vector<std::string>& effector_types) {
  const Hdf5File h5 = Hdf5File::open(file);
  const SnapshotAgents agents = read_snapshot_agents(h5, file);
  const auto& types = agents.type_names;
  const auto& states = agents.state_names;
  const auto& type = agents.type;
  const auto& state = agents.state;
  NkSnapshot s;
  s.time_min = agents.time_min;
  const std::size_t n = type.size();
  const auto column = [&](const char* path) {
    std::vector<double> v = h5.has_dataset(path) ? h5.read_double(path) : std::vector<double>();
    if (!v.empty() && v.size() != n) {
      throw InputError(file.string() + ": " + path + " must have one entry per agent");
    }
    return v;
  };
  const auto partner = column("/agents/nk_partner_id");
  const auto potency = column("/agents/nk_potency");
  const auto mhc = column("/agents/mhc_i");
  const std::size_t ne = effector_types.size();
  s.live.assign(ne, 0);
  s.conjugated.assign(ne, 0);
  s.exhausted.assign(ne, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const bool live = state[i] >= 0 && static_cast<std::size_t>(state[i]) < states.size() &&
                      (states[state[i]] == "live" || states[state[i]] == "alive");
    if (!live || type[i] < 0 || static_cast<std::size_t>(type[i]) >= types.size()) continue;
    const auto e = std::find(effector_types.begin(), effector_types.end(), types[type[i]]);
    if (e == effector_types.end()) {
      if (!mhc.empty()) s.mhc_i.emplace_back(types[type[i]], mhc[i]);
      continue;
    }
    const std::size_t k = static_cast<std::size_t>(e - effector_types.begin());
    ++s.live[k];
    if (!partner.empty() && partner[i] != 0) ++s.conjugated[k];
    if (!potency.empty() && potency[i] < kExhaustedPotency) ++s.exhausted[k];
  }
  return s;
}

}  // namespace nksim::report
