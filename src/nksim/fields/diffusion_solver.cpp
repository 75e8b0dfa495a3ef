#include "nksim/fields/diffusion_solver.h"

#include <algorithm>

#include "nksim/core/text.h"
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

std::optional<std::string> diffusion_number_warning(const FieldGrid& grid, double dt_min,
                                                    double limit, const std::string& reason) {
  const double h2 = grid.spacing_um() * grid.spacing_um();
  for (std::size_t f = 0; f < grid.num_fields(); ++f) {
    const FieldSpec& s = grid.spec(f);
    const double number = s.diffusion_um2_per_min * dt_min / h2;
    if (number > limit) {
      return "field '" + s.name + "' has D dt/h^2 = " + format_number(number, 3) +
             " (dt_diffusion_min " + format_number(dt_min) + ", voxel_um " +
             format_number(grid.spacing_um()) + "), above the " + format_number(limit) +
             " up to which " + reason;
    }
  }
  return std::nullopt;
}

}  // namespace nksim
