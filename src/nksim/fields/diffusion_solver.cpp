#include "nksim/fields/diffusion_solver.h"

#include <algorithm>

#include "nksim/fields/diffusion_adi.h"
#include "nksim/fields/diffusion_explicit.h"
#include "nksim/fields/diffusion_lod.h"

namespace nksim {

std::unique_ptr<DiffusionSolver> make_diffusion_solver(const std::string& name) {
  if (name == "explicit") return std::make_unique<ExplicitSolver>();
  if (name == "implicit_adi") return std::make_unique<ImplicitAdiSolver>(1);
  if (name == "implicit_adi_bdf2") return std::make_unique<ImplicitAdiSolver>(2);
  return std::make_unique<ImplicitLodSolver>();
}

std::vector<std::string> diffusion_solver_names() {
  return {"implicit_lod", "explicit", "implicit_adi", "implicit_adi_bdf2"};
}

double max_diffusion_number(const FieldGrid& grid, double dt_min) {
  double most = 0.0;
  const double h2 = grid.spacing_um() * grid.spacing_um();
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    most = std::max(most, grid.spec(f).diffusion_um2_per_min * dt_min / h2);
  }
  return most;
}

}  // namespace nksim
