// One integrator of a well-mixed model, stepped by the run (ode/well_mixed.cpp): CVODE's BDF
// (cvode_solver.h) or a Rosenbrock method, Rodas4 or Rodas5P (rosenbrock_solver.h), chosen by
// SolverOptions::method.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nksim/ode/ode_model.h"

namespace nksim {

// Which integrator a well-mixed run uses (docs/scenarios.md, [solver] method).
enum class SolverMethod {
  kAuto,     // Rodas5P for models with at most RosenbrockSolver::kMaxStates states, else CVODE
  kCvode,    // SUNDIALS CVODE, variable-order BDF with a dense direct linear solver
  kRodas4,   // Rodas4: 6-stage, order 4(3), L-stable Rosenbrock method
  kRodas5P,  // Rodas5P: 8-stage, order 5(4), L-stable Rosenbrock method
};
std::string_view solver_method_name(SolverMethod method);

struct SolverOptions {
  double rtol = 1e-8;        // relative tolerance
  double atol = 1e-6;        // absolute tolerance (cells, or the state's unit)
  long max_steps = 1000000;  // internal steps per run before giving up
  SolverMethod method = SolverMethod::kAuto;
};

// A root g(t, y) = y[state] - threshold, reported only when crossed in `direction`
// (-1: downward, +1: upward, 0: both).
struct RootSpec {
  std::size_t state = 0;
  double threshold = 0;
  int direction = 0;
};

class OdeStepper {
 public:
  enum class StepResult { kStep, kRoot, kStopTime };
  virtual ~OdeStepper() = default;

  // Restarts the integration at (t0, y0) with constant extra inputs dy/dt += rates (infusions).
  virtual void restart(double t0, std::span<const double> y0,
                       std::span<const double> input_rates) = 0;
  // One internal step, never past t_stop. After kRoot, time() is the crossing (located to
  // rounding) and state() the state there; the next step goes on from it.
  virtual StepResult step(double t_stop) = 0;
  virtual double time() const = 0;
  virtual std::span<const double> state() const = 0;
  // Dense output at t inside the last step (up to time()).
  virtual void interpolate(double t, std::span<double> out) const = 0;
  // For each root, +1/-1 if it was found at the last kRoot step (direction), else 0.
  virtual std::vector<int> roots_found() const = 0;
  virtual long steps_taken() const = 0;
  // The method in words, for summaries ("CVODE BDF, dense direct").
  virtual std::string_view description() const = 0;
};

// The integrator `options.method` names (kAuto resolved by the model's size).
std::unique_ptr<OdeStepper> make_stepper(const OdeModel& model, std::span<const double> parameters,
                                         const SolverOptions& options,
                                         std::vector<RootSpec> roots);

}  // namespace nksim
