// Convention checks: every registered mechanism has its page docs/mechanisms/<name>.md, and the
// page names the mechanism (STYLE.md: one chain of names from registration to documentation);
// every mechanism declares exactly the scenario keys its reader asks for, each with a unit, a
// default, a meaning and a source consistent with its evidence level.
//
// The keys asked for are recorded by the scenario reader (TomlDocument::record_keys_asked) while
// the shipped spatial scenarios and one scenario that takes every branch of every reader (each
// role, each dose placement, each optional table) are loaded. Names from the scenario are written
// as the declarations write them: <type>, <field>, <property>; "dose[2]" as "dose".
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/io/spatial_scenario.h"
#include "nksim/io/toml_reader.h"
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/nk_effector_params.h"

namespace nksim {
namespace {

TEST(MechanismDocs, EveryRegisteredMechanismHasAPage) {
  for (const std::string& name : mechanism_names()) {
    const std::filesystem::path page =
        std::filesystem::path(NKSIM_SOURCE_DIR) / "docs" / "mechanisms" / (name + ".md");
    std::ifstream in(page);
    ASSERT_TRUE(in.good()) << "missing " << page;
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find(name), std::string::npos) << page << " does not name " << name;
  }
}

// Every reader branch: all roles of nk_recognition_kill and ifn_gamma_response, every optional
// inline table (empty ones still have all their keys asked for), every dose placement, a pair
// override in mechanics, both ways of giving a division rate.
const char* const kEveryBranch = R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [200, 200]
end_time_min = 60
dt_diffusion_min = 0.5
dt_mechanics_min = 0.5
dt_phenotype_min = 6
voxel_um = 20
seed = 1
threads = 1
[[cell_type]]
name = "tumour"
radius_um = 8
properties = { nkg2d_ligand = 1.0, other_ligand = 0.5, mhc_i = 0.5, antigen = 1.0 }
[[cell_type]]
name = "nk"
radius_um = 4
[[cell_type]]
name = "cd8"
radius_um = 4
[[cell_type]]
name = "dc_immature"
radius_um = 6
[[cell_type]]
name = "dc_mature"
radius_um = 6
[[field]]
name = "ifn_gamma"
diffusion_um2_per_min = 1000
decay_per_min = 0.01
[[field]]
name = "il2"
diffusion_um2_per_min = 1000
decay_per_min = 0.01
[[field]]
name = "mica"
diffusion_um2_per_min = 1000
decay_per_min = 0.01
[[population]]
type = "tumour"
shape = "box"
min_um = [80, 80]
max_um = [120, 120]
count = 4
[mechanisms.mechanics]
tumour = {}
[[mechanisms.mechanics.pair]]
first = "tumour"
second = "nk"
repulsion_um_per_min = 5
adhesion_um_per_min = 0.1
adhesion_range = 1.2
[mechanisms.persistent_walk]
nk = { speed_um_per_min = 1, persistence_time_min = 5 }
[mechanisms.chemotaxis]
nk = { field = "il2", speed_um_per_min = 0.5 }
[mechanisms.proliferation]
tumour = { rate_per_min = 0.001, pressure_max = 1, mutation_sd = { antigen = 0.01 } }
dc_mature = { cycle_duration_min = 1000 }
[mechanisms.death]
tumour = {}
[mechanisms.secretion]
tumour = { il2 = { secretion_per_min = 1 } }
[[mechanisms.nk_infusion.dose]]
type = "nk"
count = 2
where = "sphere"
center_um = [100, 100]
radius_um = 20
[[mechanisms.nk_infusion.dose]]
type = "nk"
effector_to_target = 1
relative_to = "tumour"
where = "points"
points_um = [50, 50, 150, 150]
time_min = 6
repeats = 2
repeat_every_min = 12
[[mechanisms.nk_infusion.dose]]
type = "cd8"
count = 1
where = "box"
min_um = [0, 0]
max_um = [50, 50]
[mechanisms.ifn_gamma_response]
field = "ifn_gamma"
tumour = { role = "responder" }
nk = { role = "secretor", export_per_min = 1 }
dc_immature = { role = "switch", becomes = "dc_mature" }
[mechanisms.t_cell_recruitment]
dc_mature = { recruits = "cd8", rate_per_min = 0.001 }
[mechanisms.nk_recognition_kill]
tumour = { role = "target" }
nk = { role = "nk", cytokine_field = "il2", soluble_ligand_field = "mica", nkg2d = {}, recognition = {}, delay = {}, capacity = {}, exhaustion = {} }
cd8 = { role = "t_cell", cytokine_level = 1, recognition = {} }
[mechanisms.ligand_mutation]
tumour = { nkg2d_ligand = { sigma = 0.1 } }
[mechanisms.ligand_shedding]
field = "mica"
tumour = { shed_per_min = 0.001 }
)";

// The names a scenario gives to cell types, fields and cell properties.
struct ScenarioNames {
  std::set<std::string> types, fields, properties;
};

ScenarioNames names_in(const TomlDocument& document) {
  ScenarioNames names;
  if (const toml::array* types = document.root()["cell_type"].as_array()) {
    for (const toml::node& type : *types) {
      names.types.insert(type.as_table()->at("name").value_or(std::string()));
      if (const toml::table* properties = type.as_table()->get_as<toml::table>("properties")) {
        for (const auto& [key, value] : *properties) names.properties.insert(std::string(key));
      }
    }
  }
  if (const toml::array* fields = document.root()["field"].as_array()) {
    for (const toml::node& field : *fields) {
      names.fields.insert(field.as_table()->at("name").value_or(std::string()));
    }
  }
  return names;
}

// "mechanisms.secretion.tumour.il2.target" -> "secretion" and "<type>.<field>.target".
std::pair<std::string, std::string> declared_form(const std::string& path,
                                                  const ScenarioNames& names) {
  std::vector<std::string> parts;
  std::stringstream in(path);
  for (std::string part; std::getline(in, part, '.');) {
    if (const auto bracket = part.find('['); bracket != std::string::npos) part.resize(bracket);
    parts.push_back(part);
  }
  std::string rest;
  for (std::size_t i = 2; i < parts.size(); ++i) {
    std::string part = parts[i];
    if (names.types.count(part) != 0) {
      part = "<type>";
    } else if (names.fields.count(part) != 0) {
      part = "<field>";
    } else if (names.properties.count(part) != 0) {
      part = "<property>";
    }
    rest += (rest.empty() ? "" : ".") + part;
  }
  return {parts.size() > 1 ? parts[1] : "", rest};
}

TEST(MechanismDocs, DeclaredKeysAreTheKeysTheReadersAskFor) {
  std::vector<std::pair<std::string, TomlDocument>> scenarios;
  scenarios.emplace_back("every branch", TomlDocument::parse_string(kEveryBranch, "test.toml"));
  for (const auto& file :
       std::filesystem::directory_iterator(std::filesystem::path(NKSIM_SOURCE_DIR) / "scenarios")) {
    if (file.path().extension() != ".toml") continue;
    const TomlDocument document = TomlDocument::parse_file(file.path());
    if (document.root()["simulation"]["engine"].value_or(std::string()) != "spatial") continue;
    // A [sweep] is read by the sweep runner, which loads the scenario without it.
    toml::table without_sweep = document.root();
    without_sweep.erase("sweep");
    std::ostringstream text;
    text << without_sweep;
    scenarios.emplace_back(file.path().filename().string(),
                           TomlDocument::parse_string(text.str(), file.path().string()));
  }
  ASSERT_GT(scenarios.size(), 5u);

  std::map<std::string, std::set<std::string>> asked;  // mechanism -> keys in declared form
  for (auto& [name, document] : scenarios) {
    document.record_keys_asked();
    ASSERT_NO_THROW(load_spatial(document, 1)) << name;
    const ScenarioNames names = names_in(document);
    for (const std::string& path : document.keys_asked()) {
      if (path.rfind("mechanisms.", 0) != 0) continue;
      auto [mechanism, key] = declared_form(path, names);
      if (!key.empty()) asked[mechanism].insert(key);
    }
  }
  for (const MechanismEntry& entry : builtin_mechanisms()) {
    // A table whose keys were asked for is not itself a parameter ("<type>", "<type>.nkg2d").
    std::set<std::string> read;
    const std::set<std::string>& keys = asked[entry.name];
    for (const std::string& key : keys) {
      const auto next = keys.upper_bound(key + ".");
      if (next == keys.end() || next->rfind(key + ".", 0) != 0) read.insert(key);
    }
    std::set<std::string> declared;
    for (const ParameterDoc& p : entry.parameters) {
      EXPECT_TRUE(declared.insert(p.key).second) << entry.name << ": " << p.key << " twice";
    }
    EXPECT_EQ(declared, read) << entry.name << ": the declared keys (first) differ from the keys "
                              << "its reader asks for (second)";
  }
}

TEST(MechanismDocs, EveryParameterHasItsTextAndAnEvidenceMatchingItsSource) {
  for (const MechanismEntry& entry : builtin_mechanisms()) {
    ASSERT_FALSE(entry.parameters.empty()) << entry.name;
    for (const ParameterDoc& p : entry.parameters) {
      const std::string where = std::string(entry.name) + ": " + p.key;
      const std::string source = p.source;
      EXPECT_NE(std::string(p.default_value), "") << where;
      EXPECT_NE(std::string(p.meaning), "") << where;
      EXPECT_NE(source, "") << where;
      EXPECT_EQ(source == "–", p.evidence == Evidence::kNotApplicable) << where;
      switch (p.evidence) {
        case Evidence::kAssumption:
          EXPECT_EQ(source.rfind("assumption", 0), 0u) << where;
          break;
        case Evidence::kSeen:
          EXPECT_NE(source.find("[V]"), std::string::npos) << where;
          break;
        case Evidence::kRecalled:
          EXPECT_NE(source.find("[P]"), std::string::npos) << where;
          break;
        case Evidence::kSimulatorDefault:
          EXPECT_NE(source.find("PhysiCell"), std::string::npos) << where;
          break;
        case Evidence::kSynthesis:
          EXPECT_NE(source.find("synthesis"), std::string::npos) << where;
          break;
        case Evidence::kNotApplicable:
          break;
      }
    }
  }
}

// A declared default written as a number ("0.45", "1/360"); nothing for "required", "geometric".
std::optional<double> number_in(const std::string& text) {
  const auto slash = text.find('/');
  try {
    std::size_t used = 0;
    if (slash != std::string::npos) {
      const double num = std::stod(text.substr(0, slash), &used);
      if (used != slash) return std::nullopt;
      const std::string rest = text.substr(slash + 1);
      const double den = std::stod(rest, &used);
      return used == rest.size() ? std::optional<double>(num / den) : std::nullopt;
    }
    const double value = std::stod(text, &used);
    return used == text.size() ? std::optional<double>(value) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// nk_recognition_kill has the most keys, most of them in inline tables: its declared numeric
// defaults are the values its reader gives an effector whose table sets nothing.
TEST(MechanismDocs, NkRecognitionKillDeclaresTheDefaultsItsReaderUses) {
  const TomlDocument document = TomlDocument::parse_string("[nk]\n", "defaults.toml");
  std::vector<CellType> types;
  FieldGrid fields;
  std::vector<std::string> properties, warnings;
  SimulationSettings settings;
  std::set<std::string> properties_read;
  const SetupContext context{types,    fields,   properties,      settings,
                             0.0,      warnings, properties_read, {}};
  TableReader root = document.reader();
  TableReader nk = root.table("nk");
  const EffectorParams p = read_effector_params(nk, false, context);
  EXPECT_EQ(p.t_cell.p_max, p.recognition.p_max);  // one key, one default for both roles
  const std::map<std::string, double> code = {
      {"<type>.contact_distance_factor", p.contact_distance_factor},
      {"<type>.failed_contact_min", p.failed_contact_min},
      {"<type>.refractory_min", p.refractory_min},
      {"<type>.cytokine_level", p.cytokine_level},
      {"<type>.nkg2d.recovery_per_min", p.nkg2d.recovery_per_min},
      {"<type>.nkg2d.internalisation_per_min", p.nkg2d.internalisation_per_min},
      {"<type>.nkg2d.soluble_half_saturation", p.nkg2d.soluble_half_saturation},
      {"<type>.recognition.w_nkg2d", p.recognition.w_nkg2d},
      {"<type>.recognition.k_nkg2d", p.recognition.k_nkg2d},
      {"<type>.recognition.w_other", p.recognition.w_other},
      {"<type>.recognition.k_other", p.recognition.k_other},
      {"<type>.recognition.w_car", p.recognition.w_car},
      {"<type>.recognition.k_car", p.recognition.k_car},
      {"<type>.recognition.w_cd16", p.recognition.w_cd16},
      {"<type>.recognition.k_cd16", p.recognition.k_cd16},
      {"<type>.recognition.w_mhc", p.recognition.w_mhc},
      {"<type>.recognition.k_mhc", p.recognition.k_mhc},
      {"<type>.recognition.p_max", p.recognition.p_max},
      {"<type>.recognition.s_half", p.recognition.s_half},
      {"<type>.recognition.s_width", p.recognition.s_width},
      {"<type>.recognition.mhc_half", p.t_cell.mhc_half},
      {"<type>.recognition.mhc_hill", p.t_cell.mhc_hill},
      {"<type>.recognition.antigen_half", p.t_cell.antigen_half},
      {"<type>.delay.granzyme_mean_min", p.delay.granzyme_mean_min},
      {"<type>.delay.granzyme_shape", p.delay.granzyme_shape},
      {"<type>.delay.death_receptor_mean_min", p.delay.death_receptor_mean_min},
      {"<type>.delay.death_receptor_shape", p.delay.death_receptor_shape},
      {"<type>.capacity.non_killer_fraction", p.capacity.non_killer_fraction},
      {"<type>.capacity.mean_kills_if_killer", p.capacity.mean_if_killer},
      {"<type>.capacity.max_kills", p.capacity.max_kills},
      {"<type>.capacity.granzyme_kills", p.granules.granzyme_kills},
      {"<type>.capacity.dr_kills_without_perforin", p.granules.dr_kills_without_perforin},
      {"<type>.capacity.perforin_deficient_fraction", p.perforin_deficient_fraction},
      {"<type>.exhaustion.potency_loss_per_kill", p.exhaustion.potency_loss_per_kill},
      {"<type>.exhaustion.recovery_basal_per_min", p.exhaustion.recovery_basal_per_min},
      {"<type>.exhaustion.recovery_max_per_min", p.exhaustion.recovery_max_per_min},
      {"<type>.exhaustion.cytokine_half_saturation", p.exhaustion.cytokine_half_saturation},
      {"<type>.exhaustion.cytokine_hill", p.exhaustion.cytokine_hill},
      {"<type>.exhaustion.granule_restock_max_per_min", p.granules.restock_max_per_min},
  };
  std::size_t numeric = 0;
  for (const ParameterDoc& doc : nk_recognition_kill_parameters()) {
    const auto declared = number_in(doc.default_value);
    if (!declared) continue;
    ++numeric;
    const auto it = code.find(doc.key);
    ASSERT_NE(it, code.end()) << doc.key << ": add its value in the code to this test";
    EXPECT_NEAR(*declared, it->second, 1e-12 * std::abs(it->second)) << doc.key;
  }
  EXPECT_EQ(numeric, code.size());
}

}  // namespace
}  // namespace nksim
