// Diffusion-decay solvers: one time step of dc/dt = D lap(c) - lambda c for every field, with
// each field's Dirichlet or Neumann (zero-flux) boundary. Sources and sinks from agents are
// applied separately (mechanisms/secretion.cpp) before each step.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nksim/fields/field_grid.h"

namespace nksim {

class DiffusionSolver {
 public:
  virtual ~DiffusionSolver() = default;
  virtual const char* name() const = 0;
  // Why `dt_min` cannot be taken stably on this grid, or nothing when it can.
  virtual std::optional<std::string> check_step(const FieldGrid& grid, double dt_min) const = 0;
  virtual void step(FieldGrid& grid, double dt_min, int threads) = 0;
};

std::vector<std::string> diffusion_solver_names();  // "implicit_lod", "explicit"
std::unique_ptr<DiffusionSolver> make_diffusion_solver(const std::string& name);

}  // namespace nksim
