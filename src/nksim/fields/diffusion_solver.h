// Diffusion-decay solvers: one time step of dc/dt = D lap(c) - lambda c for every field, with
// each field's Dirichlet or Neumann (zero-flux) boundary. Sources and sinks from agents are
// applied separately (mechanisms/secretion.cpp) before each step, except for solvers that take
// them into the solve (takes_exchange()): those get them through set_exchange() instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nksim/fields/field_grid.h"

namespace nksim {

class StateWriter;
class StateReader;

// The agents' exchange with one field over one diffusion step, as the backward-Euler map of each
// touched voxel on its own, c -> alpha c + beta (alpha in [0, 1]): the same map the secretion
// mechanism applies before the step for other solvers. Read as rates, it is a sink
// k = (1 - alpha) / (alpha dt) and a source s = beta / (alpha dt) per voxel. Voxels are distinct;
// alpha and beta of voxel i are alpha[i * stride], beta[i * stride].
struct ExchangeView {
  const std::uint32_t* voxels = nullptr;
  const double* alpha = nullptr;
  const double* beta = nullptr;
  std::size_t count = 0;
  std::size_t stride = 1;
};

class DiffusionSolver {
 public:
  virtual ~DiffusionSolver() = default;
  virtual const char* name() const = 0;
  // Why `dt_min` cannot be taken stably on this grid, or nothing when it can.
  virtual std::optional<std::string> check_step(const FieldGrid& grid, double dt_min) const = 0;
  // Why `dt_min` is stable but outside the step range where this solver is accurate near
  // point-like sources (docs/spatial.md, "Accuracy of the solvers"), or nothing.
  virtual std::optional<std::string> accuracy_warning(const FieldGrid&, double) const {
    return std::nullopt;
  }
  virtual void step(FieldGrid& grid, double dt_min, int threads) = 0;
  // Whether the agents' exchange is solved with the diffusion (set_exchange before each step)
  // rather than applied to the field before the step.
  virtual bool takes_exchange() const { return false; }
  // The exchange of field `f` for the next step() only; the arrays must stay valid until then.
  virtual void set_exchange(std::size_t /*f*/, const ExchangeView& /*exchange*/) {}
  // State carried from one step to the next beyond the fields (a multistep method's history),
  // for checkpoints; most solvers have none.
  virtual void save_state(StateWriter&) const {}
  virtual void restore_state(const StateReader&) {}
};

// "implicit_lod", "explicit", "implicit_adi", "implicit_adi_bdf2"
std::vector<std::string> diffusion_solver_names();
std::unique_ptr<DiffusionSolver> make_diffusion_solver(const std::string& name);

// D dt / h^2 of the fastest-diffusing field: the step measure of the accuracy table.
double max_diffusion_number(const FieldGrid& grid, double dt_min);

// The accuracy warning of a solver accurate up to D dt/h^2 = `limit`: for the first field above
// it, "field 'F' has D dt/h^2 = ... (dt_diffusion_min ..., voxel_um ...), above the LIMIT up to
// which " followed by `reason`; nothing when every field is within it.
std::optional<std::string> diffusion_number_warning(const FieldGrid& grid, double dt_min,
                                                    double limit, const std::string& reason);

}  // namespace nksim
