// Explicit (forward Euler) finite-volume solver, kept as a second implementation for the
// conformance suite and small problems.
//   c_i' = c_i + r sum_axes (c_{i+1} - 2 c_i + c_{i-1}) - lambda dt c_i,  r = D dt / h^2
// Stable (and positivity-preserving) iff 2 d r + lambda dt <= 1, i.e.
//   dt <= 1 / (2 d D / h^2 + lambda);
// check_step() reports a step above this bound. Mass balance (Neumann): M' = (1 - lambda dt) M.
#pragma once

#include <vector>

#include "nksim/fields/diffusion_solver.h"

namespace nksim {

class ExplicitSolver final : public DiffusionSolver {
 public:
  const char* name() const override { return "explicit"; }
  std::optional<std::string> check_step(const FieldGrid& grid, double dt_min) const override;
  void step(FieldGrid& grid, double dt_min, int threads) override;

 private:
  std::vector<double> next_;
};

}  // namespace nksim
