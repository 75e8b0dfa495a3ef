// The scenario keys of a mechanism, declared as data beside the code that reads them.
//
// Each built-in mechanism lists every key of its table [mechanisms.<name>] with unit, default,
// meaning, source and evidence. `nksim describe <mechanism>` prints the list and
// docs/mechanisms/<name>.md embeds its Markdown table verbatim; tests check that the keys listed
// are exactly the keys the mechanism's reader asks for, and that the pages hold the tables.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace nksim {

// What a parameter's value rests on (the source tags of docs/nk_biology.md).
enum class Evidence {
  kNotApplicable,     // not a measured quantity: a choice, a name, a switch
  kAssumption,        // ours (a modelling choice or a calibration)
  kRecalled,          // [P]: from a source recalled, not re-verified
  kSeen,              // [V]: seen in the cited source
  kSimulatorDefault,  // the default of another simulator (PhysiCell, BioFVM)
  kSynthesis,         // a range synthesised from several sources in the biology notes
};

// "assumption", "[V] seen in source", ...
std::string_view evidence_label(Evidence evidence);

struct ParameterDoc {
  // Dotted path below [mechanisms.<name>]. <type>, <field> and <property> stand for a cell type,
  // a [[field]] and a cell property named in the scenario; "dose.count" is a key of each
  // [[mechanisms.nk_infusion.dose]] table.
  const char* key;
  const char* unit;           // "–" (or "") for a dimensionless number or a name
  const char* default_value;  // as written in a scenario; "required" when there is none
  const char* meaning;
  const char* source;  // reference or "assumption"; "–" for a key that is not a quantity
  Evidence evidence;
};

// The parameters of each built-in mechanism (defined in the mechanism's own file).
std::span<const ParameterDoc> mechanics_parameters();
std::span<const ParameterDoc> attach_kill_parameters();
std::span<const ParameterDoc> persistent_walk_parameters();
std::span<const ParameterDoc> chemotaxis_parameters();
std::span<const ParameterDoc> proliferation_parameters();
std::span<const ParameterDoc> death_parameters();
std::span<const ParameterDoc> secretion_parameters();
std::span<const ParameterDoc> nk_infusion_parameters();
std::span<const ParameterDoc> ifn_gamma_response_parameters();
std::span<const ParameterDoc> t_cell_recruitment_parameters();
std::span<const ParameterDoc> stellate_activation_parameters();
std::span<const ParameterDoc> nk_recognition_kill_parameters();
std::span<const ParameterDoc> ligand_mutation_parameters();
std::span<const ParameterDoc> ligand_shedding_parameters();
std::span<const ParameterDoc> systemic_supply_parameters();
std::span<const ParameterDoc> viral_infection_parameters();

// The parameters as one Markdown table (key, unit, default, meaning, source, evidence), as
// embedded in docs/mechanisms/<name>.md.
std::string parameters_markdown(std::span<const ParameterDoc> parameters);

// The parameters as plain text, one block per key (for the terminal).
std::string parameters_text(std::span<const ParameterDoc> parameters);

}  // namespace nksim
