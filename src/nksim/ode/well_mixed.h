// Running a well-mixed model: doses as discontinuities, outputs at chosen times, events found by
// root finding.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nksim/ode/ode_stepper.h"
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
  std::shared_ptr<const OdeModel> model_owner;  // keeps an imported (SBML) model alive
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
  // Time to clearance: the first downward crossing of elimination_below during the run. Unlike
  // elimination_time_days it is not day 0 for a target that starts below the threshold (an
  // inoculum of virus smaller than the detection limit): it needs the target to cross it.
  std::optional<double> clearance_time_days;
  std::optional<double> escape_time_days;       // first upward crossing of escape_above
  double tumour_min = 0, tumour_min_time_days = 0;
  double tumour_max = 0, tumour_max_time_days = 0;
  // Read-outs of the target state y over the run [0, end] (docs/cli.md, summary.json "tumour"):
  // its value at the end; its area under the curve, the integral of y dt (Simpson's rule on
  // every solver step, the mid-step value from the solver's interpolating polynomial); and its
  // set point, the mean of log10 y over the final tenth of the run [0.9 end, end] (the same
  // quadrature), none when y is not positive somewhere in that window.
  double tumour_final = 0;
  double tumour_auc = 0;
  std::optional<double> tumour_set_point_log10;
  double set_point_window_start_days = 0;
  long solver_steps = 0;
  std::string solver_method;  // the integrator in words (OdeStepper::description)
  // The model's derived outputs (OdeModel::derived_outputs) at each output time, row-major:
  // derived[i * num_derived + k] at times_days[i].
  std::size_t num_derived = 0;
  std::vector<double> derived;

  double value(std::size_t row, std::size_t state) const { return values[row * num_states + state]; }
  double derived_value(std::size_t row, std::size_t k) const { return derived[row * num_derived + k]; }
};

// Integrates the problem. Throws NumericalError when the model cannot be integrated.
WellMixedResult simulate(const WellMixedProblem& problem);

// A well-mixed run that can be stepped: advance_to(t), read the state, change it (a dose given
// now), go on. simulate() is advance_to(end) then finish(). How a run is cut into advance_to
// calls does not change it: the solver takes the same steps as in one go and the state at t is
// interpolated from them. add_to_state() gives a bolus now: the run continues exactly as the
// scenario with that bolus among its doses would (it is added to the run's own copy of the
// problem, and the run is replayed to now; a well-mixed run takes milliseconds).
class WellMixedRun {
 public:
  explicit WellMixedRun(const WellMixedProblem& problem);
  ~WellMixedRun();
  WellMixedRun(const WellMixedRun&) = delete;
  WellMixedRun& operator=(const WellMixedRun&) = delete;

  double time_days() const { return time_; }
  double end_time_days() const { return problem_.end_time_days; }
  bool finished() const { return time_ >= problem_.end_time_days; }

  // Integrates to min(t_days, end); output rows, extremes and events up to there are recorded.
  // Throws NumericalError; polls for Ctrl-C / SIGTERM between solver steps.
  void advance_to(double t_days);
  // The state at time_days().
  std::vector<double> state() const;
  // Adds `amount` to state `index` now (a bolus between steps).
  void add_to_state(std::size_t index, double amount);
  const WellMixedProblem& problem() const { return problem_; }
  // Runs to the end and returns the result with its outcome.
  WellMixedResult finish();

 private:
  struct Impl;
  void open_segment();
  bool step_once();
  void start();
  WellMixedProblem problem_;
  double time_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nksim
