#include "nksim/ode/well_mixed.h"

#include <algorithm>
#include <cmath>

#include "nksim/core/error.h"
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
      : problem_(problem),
        result_(result),
        tumour_(problem.model->tumour_state()),
        derived_(problem.model->derived_outputs()) {
    result_.num_derived = derived_.size();
  }

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
      cleared(t);
    }
    if (problem_.escape_above && before <= *problem_.escape_above &&
        after > *problem_.escape_above) {
      escaped(t);
    }
  }

  void eliminated(double t) {
    if (!result_.elimination_time_days) result_.elimination_time_days = t;
  }
  // A downward crossing during the run (not a start already below the threshold).
  void cleared(double t) {
    if (!result_.clearance_time_days) result_.clearance_time_days = t;
  }
  void escaped(double t) {
    if (!result_.escape_time_days) result_.escape_time_days = t;
  }

  void row(double t, std::span<const double> y) {
    result_.times_days.push_back(t);
    result_.values.insert(result_.values.end(), y.begin(), y.end());
    for (const auto& d : derived_) {
      result_.derived.push_back(evaluate(d.value, t, y.data(), problem_.parameters.data()));
    }
  }

 private:
  const WellMixedProblem& problem_;
  WellMixedResult& result_;
  std::size_t tumour_;
  std::vector<DerivedOutput> derived_;
  bool seen_ = false;
};

// The area under the target state's curve and the mean of its log10 over the final window, by
// Simpson's rule on each solver step [a, b] with the value at the middle interpolated.
struct TargetQuadrature {
  double window_start = 0;
  double last_t = 0, last_v = 0;
  double auc = 0;
  double log_integral = 0;
  bool log_valid = true;

  // The state at a segment's start (after its boluses): the next step starts here.
  void restart(double t, double v) {
    last_t = t;
    last_v = v;
  }
  // A step from last_t to t ending at v; at(x) interpolates the target state inside the step.
  template <class Interpolate>
  void step(double t, double v, Interpolate at) {
    if (t > last_t) {
      auc += (t - last_t) / 6 * (last_v + 4 * at(0.5 * (last_t + t)) + v);
      if (t > window_start) {
        const double a = std::max(last_t, window_start);
        const double va = a == last_t ? last_v : at(a);
        const double vm = at(0.5 * (a + t));
        if (va > 0 && vm > 0 && v > 0) {
          log_integral += (t - a) / 6 * (std::log10(va) + 4 * std::log10(vm) + std::log10(v));
        } else {
          log_valid = false;
        }
      }
    }
    restart(t, v);
  }
};

}  // namespace

// The run's state between calls: the solver, the segment between breakpoints it is in, the
// state at the segment's start, the infusion rates on it, the next output row.
struct WellMixedRun::Impl {
  Impl(const WellMixedProblem& problem, const std::vector<RootSpec>& roots)
      : solver(make_stepper(*problem.model, problem.parameters, problem.solver, roots)),
        breaks(breakpoints(problem)),
        y(problem.initial),
        rates(problem.model->num_states(), 0.0),
        out(problem.model->num_states()),
        mid(problem.model->num_states()) {
    quadrature.window_start = 0.9 * problem.end_time_days;
  }
  WellMixedResult result;
  std::optional<Recorder> recorder;
  std::unique_ptr<OdeStepper> solver;
  std::vector<double> breaks;
  std::vector<double> y;
  std::vector<double> rates;
  std::vector<double> out;
  std::vector<double> mid;  // the state inside a step, for the quadrature
  TargetQuadrature quadrature;
  std::size_t segment = 0;  // current segment [breaks[segment], breaks[segment + 1])
  bool open = false;
  std::size_t next_output = 0;
  int elimination_root = -1, escape_root = -1;
};

namespace {
std::vector<RootSpec> root_specs(const WellMixedProblem& problem, int& elimination, int& escape) {
  std::vector<RootSpec> roots;
  const std::size_t tumour = problem.model->tumour_state();
  if (problem.elimination_below) {
    elimination = static_cast<int>(roots.size());
    roots.push_back({tumour, *problem.elimination_below, -1});
  }
  if (problem.escape_above) {
    escape = static_cast<int>(roots.size());
    roots.push_back({tumour, *problem.escape_above, +1});
  }
  return roots;
}
}  // namespace

WellMixedRun::WellMixedRun(const WellMixedProblem& problem) : problem_(problem) { start(); }

void WellMixedRun::start() {
  const WellMixedProblem& problem = problem_;
  int elimination = -1, escape = -1;
  const std::vector<RootSpec> roots = root_specs(problem, elimination, escape);
  impl_ = std::make_unique<Impl>(problem, roots);
  impl_->elimination_root = elimination;
  impl_->escape_root = escape;
  impl_->result.num_states = problem.model->num_states();
  impl_->recorder.emplace(problem, impl_->result);
  const std::size_t tumour = problem.model->tumour_state();
  const std::vector<double>& y = impl_->y;
  // A threshold already met at the start counts at day 0: root finding sees crossings only.
  if (problem.elimination_below && y[tumour] < *problem.elimination_below) {
    impl_->recorder->eliminated(0);
  }
  if (problem.escape_above && y[tumour] > *problem.escape_above) impl_->recorder->escaped(0);
}

WellMixedRun::~WellMixedRun() = default;

// Applies the boluses at the segment's start, sets the infusion rates on it, writes the rows at
// its start (after the boluses: values are right-continuous) and restarts the solver there.
void WellMixedRun::open_segment() {
  Impl& s = *impl_;
  const double t0 = s.breaks[s.segment];
  const std::size_t tumour = problem_.model->tumour_state();
  std::fill(s.rates.begin(), s.rates.end(), 0.0);
  for (const auto& dose : problem_.doses) {
    if (dose.infusion) {
      if (dose.start_days <= t0 && t0 < dose.stop_days) s.rates[dose.state] += dose.rate_per_day;
    } else if (dose.start_days == t0) {
      const double before = s.y[dose.state];
      s.y[dose.state] += dose.amount;
      if (dose.state == tumour) s.recorder->jump(t0, before, s.y[dose.state]);
    }
  }
  s.recorder->extremes(t0, s.y);
  const auto& outputs = problem_.output_times_days;
  while (s.next_output < outputs.size() && outputs[s.next_output] <= t0) {
    s.recorder->row(outputs[s.next_output], s.y);
    ++s.next_output;
  }
  s.solver->restart(t0, s.y, s.rates);
  s.quadrature.restart(t0, s.y[tumour]);
  s.open = true;
}

// One solver step inside the open segment; false once the segment has ended (the state at its
// end is then in y, and the next segment is due).
bool WellMixedRun::step_once() {
  Impl& s = *impl_;
  const double t1 = s.breaks[s.segment + 1];
  throw_if_interrupted("well-mixed run");
  const OdeStepper::StepResult step = s.solver->step(t1);
  const double t = s.solver->time();
  // Rows strictly inside (previous t, t]; the row at t1 itself is written after the boluses at
  // t1 (next segment), except at the end of the run.
  const auto& outputs = problem_.output_times_days;
  while (s.next_output < outputs.size() && outputs[s.next_output] <= t &&
         (outputs[s.next_output] < t1 || t1 == problem_.end_time_days)) {
    s.solver->interpolate(outputs[s.next_output], s.out);
    s.recorder->row(outputs[s.next_output], s.out);
    ++s.next_output;
  }
  s.recorder->extremes(t, s.solver->state());
  const std::size_t tumour = problem_.model->tumour_state();
  s.quadrature.step(t, s.solver->state()[tumour], [&s, tumour](double x) {
    s.solver->interpolate(x, s.mid);
    return s.mid[tumour];
  });
  if (step == OdeStepper::StepResult::kRoot) {
    const std::vector<int> found = s.solver->roots_found();
    if (s.elimination_root >= 0 && found[s.elimination_root] != 0) {
      s.recorder->eliminated(t);
      s.recorder->cleared(t);
    }
    if (s.escape_root >= 0 && found[s.escape_root] != 0) s.recorder->escaped(t);
  }
  if (step != OdeStepper::StepResult::kStopTime && t < t1) return true;
  const auto state = s.solver->state();
  s.y.assign(state.begin(), state.end());
  s.open = false;
  ++s.segment;
  return false;
}

void WellMixedRun::advance_to(double t_days) {
  Impl& s = *impl_;
  const double target = std::min(t_days, problem_.end_time_days);
  while (s.segment + 1 < s.breaks.size()) {
    if (!s.open) {
      if (s.breaks[s.segment] > target) break;  // the next segment starts later
      open_segment();
    }
    if (s.solver->time() >= target && s.solver->time() > s.breaks[s.segment]) break;
    if (s.breaks[s.segment] >= target && s.solver->time() <= s.breaks[s.segment]) break;
    step_once();
  }
  time_ = std::max(time_, target);
}

std::vector<double> WellMixedRun::state() const {
  const Impl& s = *impl_;
  if (!s.open) return s.y;
  if (s.solver->time() <= time_) {
    const auto state = s.solver->state();
    return {state.begin(), state.end()};
  }
  std::vector<double> at(s.y.size());
  s.solver->interpolate(time_, at);
  return at;
}

void WellMixedRun::add_to_state(std::size_t index, double amount) {
  if (index >= problem_.model->num_states()) {
    throw InputError("add_to_state: the model has no state " + std::to_string(index));
  }
  if (!std::isfinite(amount)) throw InputError("add_to_state: the amount is not a number");
  ResolvedDose dose;
  dose.state = index;
  dose.start_days = dose.stop_days = time_;
  dose.amount = amount;
  problem_.doses.push_back(dose);
  const double now = time_;
  time_ = 0;
  start();
  advance_to(now);
}

WellMixedResult WellMixedRun::finish() {
  advance_to(problem_.end_time_days);
  WellMixedResult& result = impl_->result;
  result.solver_steps = impl_->solver->steps_taken();
  result.solver_method = std::string(impl_->solver->description());
  const TargetQuadrature& q = impl_->quadrature;
  const double window = problem_.end_time_days - q.window_start;
  result.tumour_final = impl_->y[problem_.model->tumour_state()];
  result.tumour_auc = q.auc;
  result.set_point_window_start_days = q.window_start;
  result.tumour_set_point_log10.reset();
  if (q.log_valid && window > 0) result.tumour_set_point_log10 = q.log_integral / window;
  if (result.elimination_time_days &&
      (!result.escape_time_days || *result.elimination_time_days <= *result.escape_time_days)) {
    result.outcome = Outcome::kEliminated;
  } else if (result.escape_time_days) {
    result.outcome = Outcome::kEscaped;
  }
  return result;
}

WellMixedResult simulate(const WellMixedProblem& problem) {
  WellMixedRun run(problem);
  return run.finish();
}

}  // namespace nksim
