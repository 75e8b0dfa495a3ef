#include "nksim/trial/run_plan.h"

#include <cmath>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/dose_plausibility.h"
#include "nksim/trial/spatial_plan.h"

namespace nksim {

std::vector<Patient> sample_patients(const TrialSpec& spec) {
  const std::size_t d = spec.distributions.size();
  std::vector<double> unit = sample_unit_cube(spec.sampler, spec.patients, d, spec.seed);
  if (!spec.correlated.empty()) {
    const auto lower = cholesky(spec.correlation, spec.correlated.size());
    apply_gaussian_copula(unit, d, spec.correlated, lower);
  }
  std::vector<Patient> patients(spec.patients);
  for (std::size_t i = 0; i < spec.patients; ++i) {
    patients[i].index = i;
    patients[i].values.resize(d);
    for (std::size_t j = 0; j < d; ++j) {
      const Distribution& dist = spec.distributions[j];
      const double u = unit[i * d + j];
      patients[i].values[j] =
          dist.is_label() ? static_cast<double>(dist.discrete_index(u)) : dist.quantile(u);
      if (dist.whole_numbers) patients[i].values[j] = std::round(patients[i].values[j]);
    }
  }
  return patients;
}

std::string patient_value_text(const TrialSpec& spec, const Patient& patient, std::size_t d) {
  const Distribution& dist = spec.distributions[d];
  if (dist.is_label()) return dist.labels[static_cast<std::size_t>(patient.values[d])];
  return format_number(patient.values[d], 17);
}

std::vector<RunPlan> make_run_plans(const TrialSpec& spec) {
  std::vector<RunPlan> plans;
  plans.reserve(spec.patients * spec.arms.size());
  for (std::size_t p = 0; p < spec.patients; ++p) {
    for (std::size_t a = 0; a < spec.arms.size(); ++a) {
      RunPlan plan;
      plan.patient = p;
      plan.arm = a;
      plan.seed = static_cast<std::uint64_t>(
          std::stoull(fnv1a_hex(std::to_string(spec.seed) + ":" + std::to_string(p)), nullptr, 16));
      plans.push_back(plan);
    }
  }
  return plans;
}

WellMixedScenario arm_scenario(const TrialSpec& spec, std::size_t arm) {
  WellMixedScenario s = spec.base;
  const ArmSpec& a = spec.arms[arm];
  if (a.doses) s.doses = *a.doses;
  for (DoseSpec& dose : s.doses) {
    dose.amount *= a.dose_scale;
    dose.rate_per_day *= a.dose_scale;
  }
  return s;
}

std::vector<std::string> arm_dose_warnings(const TrialSpec& spec) {
  std::vector<std::string> warnings;
  if (spec.engine != "well_mixed") return warnings;
  for (std::size_t arm = 0; arm < spec.arms.size(); ++arm) {
    const ArmSpec& a = spec.arms[arm];
    std::string prefix = "arm '" + a.name + "'";
    if (a.dose_scale != 1) prefix += " (dose_scale " + format_number(a.dose_scale, 3) + ")";
    for (const auto& w : dose_warnings(arm_scenario(spec, arm))) {
      warnings.push_back(prefix + ": " + w);
    }
  }
  return warnings;
}

WellMixedScenario plan_scenario(const TrialSpec& spec, const Patient& patient, std::size_t arm) {
  WellMixedScenario s = arm_scenario(spec, arm);
  for (std::size_t j = 0; j < spec.distributions.size(); ++j) {
    const Distribution& dist = spec.distributions[j];
    if (dist.target == "parameter_set") {
      s.parameter_set = dist.labels[static_cast<std::size_t>(patient.values[j])];
    } else if (dist.target.rfind("initial.", 0) == 0) {
      s.initial[dist.target.substr(8)] = patient.values[j];
    } else {
      s.parameters[dist.target] = patient.values[j];
    }
  }
  s.elimination_below = spec.endpoints.elimination_below;
  s.escape_above = spec.endpoints.death_above;
  return s;
}

PlanResult run_plan(const TrialSpec& spec, const Patient& patient, const RunPlan& plan) {
  if (spec.engine == "spatial") return run_spatial_plan(spec, patient, plan);
  PlanResult out;
  out.patient = plan.patient;
  out.arm = plan.arm;
  const WellMixedProblem problem = resolve(plan_scenario(spec, patient, plan.arm));
  const std::size_t tumour = problem.model->tumour_state();
  const int peak = spec.endpoints.peak_state.empty()
                       ? -1
                       : problem.model->state_index(spec.endpoints.peak_state);
  std::vector<std::size_t> threshold_states;
  for (const ThresholdSpec& th : spec.endpoints.thresholds) {
    threshold_states.push_back(static_cast<std::size_t>(problem.model->state_index(th.state)));
  }
  try {
    const WellMixedResult result = simulate(problem);
    out.endpoints = compute_endpoints(result, tumour, peak, spec.endpoints, threshold_states);
    if (spec.endpoints.store_timeseries) {
      for (const StateInfo& state : problem.model->states()) out.states.emplace_back(state.name);
      out.times_days = result.times_days;
      out.values = result.values;
    }
  } catch (const NumericalError& e) {
    out.ok = false;
    out.message = e.what();
  }
  return out;
}

}  // namespace nksim
