// Two Rosenbrock methods for small well-mixed models, both L-stable and stiffly accurate:
//   Rodas4 (Hairer & Wanner 1996, "Solving Ordinary Differential Equations II", section VI.4):
//     6 stages, order 4 with an embedded order-3 solution, continuous extension of order 3;
//   Rodas5P (Steinebach 2023, "Construction of Rosenbrock-Wanner method Rodas5P and numerical
//     benchmarks within the Julia Differential Equations package", BIT Numer. Math. 63:27):
//     8 stages, order 5 with an embedded order-4 solution, continuous extension of order 4.
//
// Each step solves one linear system per stage with one LU factorisation of (I/(h gamma) - J); J
// is the model's analytic Jacobian when it has one, else forward differences. Dense output is the
// method's own continuous extension, roots are located on it by the Illinois method. The linear
// algebra is instantiated for each method and state count up to 8 (fixed-size Eigen matrices,
// unrolled) and sized once for at most kMaxStates states above that: a step allocates nothing.
// Failures are NumericalErrors naming the model, time and state, like CvodeSolver's.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nksim/ode/ode_stepper.h"

namespace nksim {

class RosenbrockSolver final : public OdeStepper {
 public:
  static constexpr std::size_t kMaxStates = 16;

  // Rodas5P when options.method is kRodas5P, else Rodas4. Throws InputError for a model with more
  // than kMaxStates states.
  RosenbrockSolver(const OdeModel& model, std::span<const double> parameters,
                   const SolverOptions& options, std::vector<RootSpec> roots);
  ~RosenbrockSolver() override;
  RosenbrockSolver(const RosenbrockSolver&) = delete;
  RosenbrockSolver& operator=(const RosenbrockSolver&) = delete;

  void restart(double t0, std::span<const double> y0,
               std::span<const double> input_rates) override;
  StepResult step(double t_stop) override;
  double time() const override { return t_; }
  std::span<const double> state() const override;
  void interpolate(double t, std::span<double> out) const override;
  std::vector<int> roots_found() const override { return found_; }
  long steps_taken() const override { return steps_; }
  std::string_view description() const override {
    return rodas5p_ ? "Rodas5P Rosenbrock, order 5(4), L-stable"
                    : "Rodas4 Rosenbrock, order 4(3), L-stable";
  }
  std::string_view method_name() const { return rodas5p_ ? "Rodas5P" : "Rodas4"; }
  // Steps tried and thrown away (error too large, or a stage that was not finite).
  long steps_rejected() const { return rejected_; }
  // One step of exactly h from the current state, kept whatever its error, without root finding
  // (for tests of the method's order): `estimate` receives the error estimate, the solution minus
  // the embedded solution.
  void fixed_step(double h, std::span<double> estimate);

  // The step's vector arithmetic, instantiated per state count (rosenbrock_solver.cpp).
  class Kernel;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  void rhs(double t, const double* y, double* dydt) const;
  bool locate_roots();

  const OdeModel& model_;
  std::vector<double> parameters_;
  std::vector<double> input_rates_;
  std::vector<RootSpec> roots_;
  std::vector<int> found_;
  double rtol_ = 0, atol_ = 0;
  long max_steps_ = 0;
  bool rodas5p_ = false;       // Rodas5P, else Rodas4
  double error_exponent_ = 0;  // 1 / (order of the embedded solution + 1)
  bool reads_time_ = false;
  double t_ = 0;
  double h_ = 0;  // the next step size to try; 0: choose one
  bool previous_rejected_ = false;
  bool derivatives_current_ = false;  // the kernel's f, f_t and J belong to (t_, state)
  double dense_t0_ = 0, dense_h_ = 0;  // the last accepted step, for interpolate()
  std::vector<double> crossing_;      // per root, where it was crossed in the last step
  long steps_ = 0, rejected_ = 0;
  std::unique_ptr<Kernel> kernel_;  // the linear algebra, fixed-size for small models
};

}  // namespace nksim
