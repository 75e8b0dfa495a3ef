// The keys of systemic_supply (docs/mechanisms/systemic_supply.md), as data for `nksim describe`
// and the generated doc table.
#include "nksim/mechanisms/builtin.h"
#include "nksim/mechanisms/mechanism_docs.h"

namespace nksim {

std::span<const ParameterDoc> systemic_supply_parameters() {
  static const ParameterDoc kSystemicSupplyParameters[] = {
      {"systemic", "file", "required",
       "a well-mixed scenario (engine = \"well_mixed\"), relative to this file; it must run at "
       "least as long as the tissue",
       "–", Evidence::kNotApplicable},
      {"blood_states", "state names", "required",
       "the systemic states whose sum is the blood level C (e.g. `[\"E\", \"M\"]` of "
       "nk_kinetics, cells/µL)",
       "–", Evidence::kNotApplicable},
      {"recruits", "cell type", "required", "the type of the recruited agents", "–",
       Evidence::kNotApplicable},
      {"k_recruit_ul_per_min", "µL/min per site (per cell/µL of C)", "required",
       "k in p = min(1, k·C·dt), the probability that one source site recruits a cell in an "
       "interval dt (spQSP-IO's rule)",
       "assumption", Evidence::kAssumption},
      {"interval_min", "min", "60",
       "coupling interval dt: a whole multiple of dt_phenotype_min", "–",
       Evidence::kNotApplicable},
      {"sources", "–", "`\"boundary\"`",
       "`\"boundary\"`: the lattice sites on the domain's edge (cells from vessels around the "
       "patch); `\"fraction\"`: a fraction of all sites, drawn once from the seed (vessels "
       "inside the patch); `\"agents\"`: every live agent of `source_type` (vessel agents), "
       "the cell appearing beside it",
       "–", Evidence::kNotApplicable},
      {"source_fraction", "–", "0.1 (fraction)",
       "share of the sites that are sources when sources = \"fraction\" (spQSP-IO: 10 % or "
       "30 % of the grid)",
       "assumption", Evidence::kAssumption},
      {"source_type", "cell type", "required (agents)",
       "the type whose live agents are the source sites when sources = \"agents\"", "–",
       Evidence::kNotApplicable},
      {"site_um", "µm", "20", "side of the site lattice; a recruited cell appears uniformly in "
       "its site", "assumption", Evidence::kAssumption},
      {"patch_scale", "–", "1",
       "whole tumour / patch (spQSP-IO's γ, 50 000 in its Fig. 5): scales both feedbacks",
       "assumption", Evidence::kAssumption},
      {"tumour_type", "cell type", "none", "the cells counted for the tumour feedback", "–",
       Evidence::kNotApplicable},
      {"tumour_state", "state name", "none",
       "systemic state set to (live tumour_type cells) × patch_scale at each coupling", "–",
       Evidence::kNotApplicable},
      {"blood_volume_ul", "µL", "none (no loss)",
       "when given, recruited × patch_scale / blood_volume_ul leaves the blood states (in "
       "cells/µL) in proportion to their levels; an adult has about 5·10⁶ µL",
       "assumption", Evidence::kAssumption},
  };
  return kSystemicSupplyParameters;
}

}  // namespace nksim
