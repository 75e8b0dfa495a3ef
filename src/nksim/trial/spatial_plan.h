// A patient of a trial whose base is a spatial scenario: the base document with the patient's
// sampled values, the arm's dose scale, the plan's seed and the follow-up set, run as a spatial
// session on one thread; its counts.csv columns are the stored series and the live count of
// [trial] tumour_type is the tumour the endpoints are computed from (docs/trials.md, "Spatial
// trials").
#pragma once

#include <vector>

#include "nksim/trial/run_plan.h"

namespace nksim {

// The [[mechanisms.nk_infusion.dose]] tables of a spatial scenario (none: empty).
std::vector<const toml::table*> spatial_doses(const TomlDocument& document);

// The scenario of one plan, as a value.
TomlDocument spatial_plan_scenario(const TrialSpec& spec, const Patient& patient,
                                   const RunPlan& plan);

// Runs one plan. A numerical failure, or sampled values the scenario refuses, are reported in
// the result (ok = false) with the message, not thrown.
PlanResult run_spatial_plan(const TrialSpec& spec, const Patient& patient, const RunPlan& plan);

}  // namespace nksim
