#include "nksim/ode/ode_stepper.h"

#include "nksim/ode/cvode_solver.h"
#include "nksim/ode/rosenbrock_solver.h"

namespace nksim {

std::string_view solver_method_name(SolverMethod method) {
  switch (method) {
    case SolverMethod::kAuto:
      return "auto";
    case SolverMethod::kCvode:
      return "cvode";
    case SolverMethod::kRodas4:
      return "rodas4";
    case SolverMethod::kRodas5P:
      return "rodas5p";
  }
  return "?";
}

std::unique_ptr<OdeStepper> make_stepper(const OdeModel& model, std::span<const double> parameters,
                                         const SolverOptions& options,
                                         std::vector<RootSpec> roots) {
  const bool rodas =
      options.method == SolverMethod::kRodas4 || options.method == SolverMethod::kRodas5P ||
      (options.method == SolverMethod::kAuto && model.num_states() <= RosenbrockSolver::kMaxStates);
  if (rodas) {
    return std::make_unique<RosenbrockSolver>(model, parameters, options, std::move(roots));
  }
  return std::make_unique<CvodeSolver>(model, parameters, options, std::move(roots));
}

}  // namespace nksim
