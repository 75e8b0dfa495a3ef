// A thin RAII wrapper around SUNDIALS CVODE (BDF, dense direct linear solver) for one OdeModel.
//
// One SUNContext per solver, so solvers on different threads share nothing. The solver advances
// one internal step at a time towards a stop time; callers read dense output inside the last
// step and the roots CVODE located. States are constrained to stay >= 0 (populations and
// concentrations). Every failure becomes a NumericalError naming the model, time and state.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nksim/ode/ode_model.h"

namespace nksim {

struct SolverOptions {
  double rtol = 1e-8;        // relative tolerance
  double atol = 1e-6;        // absolute tolerance (cells, or the state's unit)
  long max_steps = 1000000;  // internal steps per run before giving up
};

// A root g(t, y) = y[state] - threshold, reported only when crossed in `direction`
// (-1: downward, +1: upward, 0: both).
struct RootSpec {
  std::size_t state = 0;
  double threshold = 0;
  int direction = 0;
};

class CvodeSolver {
 public:
  enum class StepResult { kStep, kRoot, kStopTime };

  CvodeSolver(const OdeModel& model, std::span<const double> parameters,
              const SolverOptions& options, std::vector<RootSpec> roots);
  ~CvodeSolver();
  CvodeSolver(const CvodeSolver&) = delete;
  CvodeSolver& operator=(const CvodeSolver&) = delete;

  // Restarts the integration at (t0, y0) with constant extra inputs dy/dt += rates (infusions).
  void restart(double t0, std::span<const double> y0, std::span<const double> input_rates);
  // One internal step, never past t_stop.
  StepResult step(double t_stop);

  double time() const { return t_; }
  std::span<const double> state() const;
  // Dense output at t inside the last step.
  void interpolate(double t, std::span<double> out) const;
  // For each root, +1/-1 if it was found at the last kRoot step (direction), else 0.
  std::vector<int> roots_found() const;
  long steps_taken() const;

  // Called by the C callbacks.
  struct Callbacks;

 private:
  [[noreturn]] void fail(const std::string& what, int flag) const;

  const OdeModel& model_;
  std::vector<double> parameters_;
  std::vector<double> input_rates_;
  std::vector<RootSpec> roots_;
  std::string last_message_;
  // The state CVODE last accepted, at t_. CVODE works in the output vector (Newton iterates,
  // step-size trials), so after a failure that vector holds no state the model ever had.
  std::vector<double> accepted_;
  double t_ = 0;
  long steps_before_restart_ = 0;
  long max_steps_ = 0;

  struct Handles;
  std::unique_ptr<Handles> handles_;
};

}  // namespace nksim
