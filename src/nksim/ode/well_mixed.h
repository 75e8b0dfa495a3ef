// Running a well-mixed model: doses as discontinuities, outputs at chosen times, events found by
// root finding.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nksim/ode/cvode_solver.h"
#include "nksim/ode/ode_model.h"

namespace nksim {

// A dose resolved to a state index. A bolus adds `amount` to the state at `start_days`; an
// infusion adds `rate_per_day` to dy/dt on [start_days, stop_days).
struct ResolvedDose {
  std::size_t state = 0;
  bool infusion = false;
  double start_days = 0;
  double stop_days = 0;
  double amount = 0;        // bolus only
  double rate_per_day = 0;  // infusion only
};

// Everything simulate() needs, with names already resolved to indices and values validated.
struct WellMixedProblem {
  const OdeModel* model = nullptr;
  std::string parameter_set;
  std::vector<double> parameters;
  std::vector<double> initial;
  std::vector<ResolvedDose> doses;
  double end_time_days = 0;
  std::vector<double> output_times_days;  // sorted, in [0, end_time_days]
  std::optional<double> elimination_below;
  std::optional<double> escape_above;
  SolverOptions solver;
};

enum class Outcome { kEliminated, kEscaped, kNeither };
const char* outcome_name(Outcome outcome);

struct WellMixedResult {
  std::size_t num_states = 0;
  std::vector<double> times_days;
  std::vector<double> values;  // row-major: values[i * num_states + s] at times_days[i]
  // Outcome: the first of the two events (elimination, escape) that happened, if any.
  Outcome outcome = Outcome::kNeither;
  std::optional<double> elimination_time_days;  // first downward crossing of elimination_below
  std::optional<double> escape_time_days;       // first upward crossing of escape_above
  double tumour_min = 0, tumour_min_time_days = 0;
  double tumour_max = 0, tumour_max_time_days = 0;
  long solver_steps = 0;

  double value(std::size_t row, std::size_t state) const { return values[row * num_states + state]; }
};

// Integrates the problem. Throws NumericalError when the model cannot be integrated.
WellMixedResult simulate(const WellMixedProblem& problem);

}  // namespace nksim
