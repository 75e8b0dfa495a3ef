// The built-in mechanisms: one file each, registered in the one explicit list in builtin.cpp.
//
// Each mechanism reads its typed parameters from the scenario table [mechanisms.<name>]
// (mostly one sub-table per cell type, e.g. [mechanisms.proliferation.tumour]); every key is
// declared with its unit, default and source in the mechanism's file (mechanism_docs.h); the
// table in docs/mechanisms/<name>.md is generated from that declaration.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "nksim/engine/mechanism.h"
#include "nksim/engine/simulation.h"
#include "nksim/io/toml_reader.h"
#include "nksim/mechanisms/mechanism_docs.h"

namespace nksim {

// What a mechanism may look at while reading its parameters.
struct SetupContext {
  const std::vector<CellType>& types;
  const FieldGrid& fields;
  const std::vector<std::string>& property_names;
  const SimulationSettings& settings;
  double end_time_min;                 // when the run ends (for inputs that would never act)
  std::vector<std::string>& warnings;  // printed by `run` and `validate` before anything runs
  std::set<std::string>& properties_read;
  // The scenario file's folder: files a mechanism names (systemic_supply's well-mixed scenario)
  // are found relative to it.
  std::filesystem::path scenario_dir{};

  // Column of the per-agent property `name`, -1 when no cell type declares it. Every mechanism
  // looks properties up through here, so that loading can flag a declared property that no
  // mechanism reads: usually a misspelling ("mhc" for "mhc_i") that would otherwise read 0.
  int property(const std::string& name) const;
};

using MechanismFactory =
    std::function<std::unique_ptr<Mechanism>(TableReader& table, const SetupContext& context)>;

struct MechanismEntry {
  const char* name;
  const char* summary;
  MechanismFactory make;
  std::span<const ParameterDoc> parameters;  // every key of [mechanisms.<name>], as data
};

// In scheduling order: within a phase, mechanisms run in this order.
std::span<const MechanismEntry> builtin_mechanisms();
std::vector<std::string> mechanism_names();

// Calls fn(type_index, sub_table) for every sub-table named after a cell type. Keys listed in
// `reserved` are left to the caller; any other key is an error naming the known types.
void for_each_type_table(TableReader& table, const SetupContext& context,
                         std::span<const std::string> reserved,
                         const std::function<void(int, TableReader&)>& fn);
// Reads a field name from `key` and returns its index (error when no such field).
int read_field(TableReader& table, std::string_view key, const SetupContext& context);

std::unique_ptr<Mechanism> make_mechanics(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_attach_kill(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_persistent_walk(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_chemotaxis(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_proliferation(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_death(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_secretion(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_nk_infusion(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_ifn_gamma_response(TableReader& table,
                                                   const SetupContext& context);
std::unique_ptr<Mechanism> make_ligand_mutation(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_ligand_shedding(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_t_cell_recruitment(TableReader& table,
                                                   const SetupContext& context);
std::unique_ptr<Mechanism> make_nk_recognition_kill(TableReader& table,
                                                    const SetupContext& context);
std::unique_ptr<Mechanism> make_systemic_supply(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_viral_infection(TableReader& table, const SetupContext& context);
std::unique_ptr<Mechanism> make_stellate_activation(TableReader& table,
                                                    const SetupContext& context);

}  // namespace nksim
