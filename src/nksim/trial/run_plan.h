// Run plans: one (patient, arm) of a trial with its resolved scenario. A plan is a pure value;
// running it touches no shared state, so plans run on any thread or rank in any order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nksim/trial/endpoints.h"
#include "nksim/trial/trial_spec.h"

namespace nksim {

// One virtual patient: a value per distribution (for labels, the index of the label).
struct Patient {
  std::size_t index = 0;
  std::vector<double> values;
};

struct RunPlan {
  std::size_t patient = 0;
  std::size_t arm = 0;
  std::uint64_t seed = 0;  // per plan, derived from the trial seed (recorded)
};

struct PlanResult {
  std::size_t patient = 0;
  std::size_t arm = 0;
  bool ok = true;
  std::string message;  // why the run failed (numerical error), when !ok
  Endpoints endpoints;
  // Stored time series of every state, when requested: values[i * states.size() + s] is state
  // s at times_days[i].
  std::vector<std::string> states;
  std::vector<double> times_days;
  std::vector<double> values;
};

// Samples every patient (deterministic in the trial seed).
std::vector<Patient> sample_patients(const TrialSpec& spec);

// The sampled value of a distribution as text (labels) or a number, for storage and reports.
std::string patient_value_text(const TrialSpec& spec, const Patient& patient, std::size_t d);

// All plans in (patient, arm) order.
std::vector<RunPlan> make_run_plans(const TrialSpec& spec);

// The base scenario with an arm's doses (its own list, or the base's) times its dose_scale; no
// patient values.
WellMixedScenario arm_scenario(const TrialSpec& spec, std::size_t arm);

// Plausibility warnings (io/dose_plausibility.h) for every arm's doses as the arm gives them,
// each prefixed with "arm 'NAME' (dose_scale S): "; none for a spatial trial.
std::vector<std::string> arm_dose_warnings(const TrialSpec& spec);

// The scenario of one plan: base + patient's values + the arm's doses.
WellMixedScenario plan_scenario(const TrialSpec& spec, const Patient& patient, std::size_t arm);

// Runs one plan. Numerical failures are reported in the result (ok = false), not thrown.
PlanResult run_plan(const TrialSpec& spec, const Patient& patient, const RunPlan& plan);

}  // namespace nksim
