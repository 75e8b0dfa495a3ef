#include "nksim/fields/diffusion_solver.h"

#include "nksim/fields/diffusion_explicit.h"
#include "nksim/fields/diffusion_lod.h"

namespace nksim {

std::unique_ptr<DiffusionSolver> make_diffusion_solver(const std::string& name) {
  if (name == "explicit") return std::make_unique<ExplicitSolver>();
  return std::make_unique<ImplicitLodSolver>();
}

}  // namespace nksim
