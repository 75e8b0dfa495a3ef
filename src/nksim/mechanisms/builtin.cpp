#include "nksim/mechanisms/builtin.h"

#include <algorithm>

#include "nksim/core/text.h"

namespace nksim {

std::span<const MechanismEntry> builtin_mechanisms() {
  // The one registration list. Order = order within a phase.
  static const MechanismEntry kEntries[] = {
      {"mechanics", "pairwise repulsion/adhesion, contact pressure (move)", make_mechanics,
       mechanics_parameters()},
      {"attach_kill", "effector attaches, kills, detaches (PhysiCell cancer-immune rule; move)",
       make_attach_kill, attach_kill_parameters()},
      {"persistent_walk", "persistent random walk (move)", make_persistent_walk,
       persistent_walk_parameters()},
      {"chemotaxis", "drift up a field gradient (move)", make_chemotaxis, chemotaxis_parameters()},
      {"proliferation", "division at a rate, pressure-limited, heritable noise (decide)",
       make_proliferation, proliferation_parameters()},
      {"death", "apoptosis and lysis, removal after a delay (decide)", make_death,
       death_parameters()},
      {"nk_infusion", "doses of effector cells: when, how many, where (decide)", make_nk_infusion,
       nk_infusion_parameters()},
      {"ifn_gamma_response",
       "IFN-gamma from activated effectors; MHC-I rise, macrophage/DC switches (decide)",
       make_ifn_gamma_response, ifn_gamma_response_parameters()},
      {"stellate_activation",
       "hepatic stellate cells: TGF-beta activation, senescence, collagen per voxel (decide, "
       "exchange)",
       make_stellate_activation, stellate_activation_parameters()},
      {"t_cell_recruitment", "arrival of T cells brought by mature DCs (decide)",
       make_t_cell_recruitment, t_cell_recruitment_parameters()},
      {"systemic_supply",
       "a systemic well-mixed run stepped with the tissue: recruitment from blood, feedback "
       "(decide)",
       make_systemic_supply, systemic_supply_parameters()},
      {"nk_recognition_kill",
       "effector-target contact, recognition, conjugate, delayed kill, capacity (decide)",
       make_nk_recognition_kill, nk_recognition_kill_parameters()},
      {"viral_infection",
       "infection of target cells from a virus field: eclipse, virion release, IFN (decide)",
       make_viral_infection, viral_infection_parameters()},
      {"ligand_mutation", "heritable lognormal ligand/MHC-I variation at division",
       make_ligand_mutation, ligand_mutation_parameters()},
      {"ligand_shedding", "NKG2D-ligand shedding into a soluble field (exchange)",
       make_ligand_shedding, ligand_shedding_parameters()},
      {"secretion", "secretion into and uptake from fields (exchange)", make_secretion,
       secretion_parameters()},
  };
  return kEntries;
}

std::vector<std::string> mechanism_names() {
  std::vector<std::string> names;
  for (const auto& e : builtin_mechanisms()) names.emplace_back(e.name);
  return names;
}

void for_each_type_table(TableReader& table, const SetupContext& context,
                         std::span<const std::string> reserved,
                         const std::function<void(int, TableReader&)>& fn) {
  std::vector<std::string> type_names;
  for (const auto& t : context.types) type_names.push_back(t.name);
  for (const std::string& key : table.keys()) {
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) continue;
    const auto it = std::find(type_names.begin(), type_names.end(), key);
    if (it == type_names.end()) {
      table.fail(key, "is not a cell type (types: " + join(type_names) + ")" +
                          did_you_mean(key, type_names));
    }
    TableReader sub = table.table(key);
    fn(static_cast<int>(it - type_names.begin()), sub);
    sub.finish();
  }
}

int SetupContext::property(const std::string& name) const {
  properties_read.insert(name);
  const auto it = std::find(property_names.begin(), property_names.end(), name);
  return it == property_names.end() ? -1 : static_cast<int>(it - property_names.begin());
}

int read_field(TableReader& table, std::string_view key, const SetupContext& context) {
  std::vector<std::string> names;
  for (std::size_t f = 0; f < context.fields.num_fields(); ++f) {
    names.push_back(context.fields.spec(f).name);
  }
  if (names.empty()) table.fail(key, "names a field, but the scenario defines no [[field]]");
  return context.fields.find(table.choice(key, names));
}

}  // namespace nksim
