// How strong the clinical or experimental support is for what a scenario simulates.
//
// One small table, kept in code so that every report shows the same words (source:
// docs BIOLOGY Part 1 "how sure the science is"). A report prints the notes that apply beside
// its result, so that a simulation never presents a hope as a fact.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nksim::report {

struct EvidenceNote {
  std::string_view key;    // model or mechanism name ("depillis2005", "nk_infusion", ...)
  std::string_view topic;  // what it is, in a few words
  std::string_view level;  // "strong", "preclinical", "early clinical", "weak", ...
  std::string_view text;   // what it rests on / what it is validated against
};

// The note for a model or mechanism name, or nullptr when there is none.
const EvidenceNote* find_evidence(std::string_view key);

// The key of the note for a model run with a parameter set: "<model>/<set>" where the table has
// one (the sets of viral_nk differ in evidence), else the model's name.
std::string model_evidence_key(std::string_view model, std::string_view parameter_set);

// The key of the note for an NK infusion into a model: "<model>/nk_infusion" where the table has
// one (an infusion against a virus), "" for the fibrosis, autoimmune and repair models (their own
// rows say what NK cells do there), else "nk_infusion" (against a tumour).
std::string infusion_evidence_key(std::string_view model);

// Every note (for documentation and tests).
const std::vector<EvidenceNote>& evidence_table();

}  // namespace nksim::report
