#include "nksim/ode/well_mixed.h"

#include <algorithm>
#include <cmath>

#include "nksim/core/interrupt.h"

namespace nksim {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kEliminated: return "eliminated";
    case Outcome::kEscaped: return "escaped";
    default: return "neither";
  }
}

namespace {

// Times at which the right-hand side or the state jumps: the solver restarts at each.
std::vector<double> breakpoints(const WellMixedProblem& problem) {
  std::vector<double> times = {0.0, problem.end_time_days};
  for (const auto& dose : problem.doses) {
    times.push_back(dose.start_days);
    if (dose.infusion) times.push_back(std::min(dose.stop_days, problem.end_time_days));
  }
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

// Tracks tumour extremes and event crossings, and records output rows.
class Recorder {
 public:
  Recorder(const WellMixedProblem& problem, WellMixedResult& result)
      : problem_(problem), result_(result), tumour_(problem.model->tumour_state()) {}

  void extremes(double t, std::span<const double> y) {
    const double v = y[tumour_];
    if (!seen_ || v < result_.tumour_min) {
      result_.tumour_min = v;
      result_.tumour_min_time_days = t;
    }
    if (!seen_ || v > result_.tumour_max) {
      result_.tumour_max = v;
      result_.tumour_max_time_days = t;
    }
    seen_ = true;
  }

  // A jump of the tumour state (bolus) can cross a threshold too.
  void jump(double t, double before, double after) {
    if (problem_.elimination_below && before >= *problem_.elimination_below &&
        after < *problem_.elimination_below) {
      eliminated(t);
    }
    if (problem_.escape_above && before <= *problem_.escape_above &&
        after > *problem_.escape_above) {
      escaped(t);
    }
  }

  void eliminated(double t) {
    if (!result_.elimination_time_days) result_.elimination_time_days = t;
  }
  void escaped(double t) {
    if (!result_.escape_time_days) result_.escape_time_days = t;
  }

  void row(double t, std::span<const double> y) {
    result_.times_days.push_back(t);
    result_.values.insert(result_.values.end(), y.begin(), y.end());
  }

 private:
  const WellMixedProblem& problem_;
  WellMixedResult& result_;
  std::size_t tumour_;
  bool seen_ = false;
};

}  // namespace

WellMixedResult simulate(const WellMixedProblem& problem) {
  const OdeModel& model = *problem.model;
  const std::size_t n = model.num_states();
  const std::size_t tumour = model.tumour_state();
  WellMixedResult result;
  result.num_states = n;
  Recorder recorder(problem, result);

  std::vector<RootSpec> roots;
  int elimination_root = -1, escape_root = -1;
  if (problem.elimination_below) {
    elimination_root = static_cast<int>(roots.size());
    roots.push_back({tumour, *problem.elimination_below, -1});
  }
  if (problem.escape_above) {
    escape_root = static_cast<int>(roots.size());
    roots.push_back({tumour, *problem.escape_above, +1});
  }
  CvodeSolver solver(model, problem.parameters, problem.solver, roots);

  const std::vector<double> breaks = breakpoints(problem);
  std::vector<double> y = problem.initial;
  // A threshold already met at the start counts at day 0: root finding sees crossings only.
  if (problem.elimination_below && y[tumour] < *problem.elimination_below) recorder.eliminated(0);
  if (problem.escape_above && y[tumour] > *problem.escape_above) recorder.escaped(0);
  std::vector<double> rates(n, 0.0);
  std::vector<double> out(n);
  std::size_t next_output = 0;
  const auto& outputs = problem.output_times_days;

  for (std::size_t segment = 0; segment + 1 < breaks.size(); ++segment) {
    const double t0 = breaks[segment];
    const double t1 = breaks[segment + 1];
    // Apply boluses at t0 and set the infusion rates on [t0, t1).
    std::fill(rates.begin(), rates.end(), 0.0);
    for (const auto& dose : problem.doses) {
      if (dose.infusion) {
        if (dose.start_days <= t0 && t0 < dose.stop_days) rates[dose.state] += dose.rate_per_day;
      } else if (dose.start_days == t0) {
        const double before = y[dose.state];
        y[dose.state] += dose.amount;
        if (dose.state == tumour) recorder.jump(t0, before, y[dose.state]);
      }
    }
    recorder.extremes(t0, y);
    // Output rows at t0 (after the boluses: values are right-continuous).
    while (next_output < outputs.size() && outputs[next_output] <= t0) {
      recorder.row(outputs[next_output], y);
      ++next_output;
    }
    solver.restart(t0, y, rates);
    double t = t0;
    while (t < t1) {
      throw_if_interrupted("well-mixed run");
      const CvodeSolver::StepResult step = solver.step(t1);
      t = solver.time();
      // Rows strictly inside (previous t, t]; the row at t1 itself is written after the
      // boluses at t1 (next segment), except at the end of the run.
      while (next_output < outputs.size() && outputs[next_output] <= t &&
             (outputs[next_output] < t1 || t1 == problem.end_time_days)) {
        solver.interpolate(outputs[next_output], out);
        recorder.row(outputs[next_output], out);
        ++next_output;
      }
      recorder.extremes(t, solver.state());
      if (step == CvodeSolver::StepResult::kRoot) {
        const std::vector<int> found = solver.roots_found();
        if (elimination_root >= 0 && found[elimination_root] != 0) recorder.eliminated(t);
        if (escape_root >= 0 && found[escape_root] != 0) recorder.escaped(t);
      }
      if (step == CvodeSolver::StepResult::kStopTime) break;
    }
    const auto state = solver.state();
    y.assign(state.begin(), state.end());
  }
  result.solver_steps = solver.steps_taken();

  if (result.elimination_time_days &&
      (!result.escape_time_days || *result.elimination_time_days <= *result.escape_time_days)) {
    result.outcome = Outcome::kEliminated;
  } else if (result.escape_time_days) {
    result.outcome = Outcome::kEscaped;
  }
  return result;
}

}  // namespace nksim
