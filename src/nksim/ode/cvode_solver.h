// A thin RAII wrapper around SUNDIALS CVODE (BDF, dense direct linear solver) for one OdeModel.
//
// One SUNContext per solver, so solvers on different threads share nothing. The solver advances
// one internal step at a time towards a stop time; callers read dense output inside the last
// step and the roots CVODE located. Every failure becomes a NumericalError naming the model, time
// and state.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nksim/ode/ode_stepper.h"

namespace nksim {

class CvodeSolver final : public OdeStepper {
 public:
  CvodeSolver(const OdeModel& model, std::span<const double> parameters,
              const SolverOptions& options, std::vector<RootSpec> roots);
  ~CvodeSolver();
  CvodeSolver(const CvodeSolver&) = delete;
  CvodeSolver& operator=(const CvodeSolver&) = delete;

  // Restarts the integration at (t0, y0) with constant extra inputs dy/dt += rates (infusions).
  void restart(double t0, std::span<const double> y0,
               std::span<const double> input_rates) override;
  // One internal step, never past t_stop.
  StepResult step(double t_stop) override;

  double time() const override { return t_; }
  std::span<const double> state() const override;
  // Dense output at t inside the last step.
  void interpolate(double t, std::span<double> out) const override;
  // For each root, +1/-1 if it was found at the last kRoot step (direction), else 0.
  std::vector<int> roots_found() const override;
  long steps_taken() const override;
  std::string_view description() const override { return "CVODE BDF, dense direct"; }

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
