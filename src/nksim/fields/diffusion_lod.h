// Implicit locally one-dimensional (LOD) solver, as in BioFVM (Ghaffarizadeh, Friedman &
// Macklin, Bioinformatics 32 (2016) 1256).
//
// Each step solves, axis after axis, the backward-Euler system
//   (1 + 2r + lambda dt / d) c_i - r (c_{i-1} + c_{i+1}) = c_i^old,  r = D dt / h^2
// along every grid line with the Thomas algorithm (the matrix is constant, so its factorisation
// is computed once per field, axis and dt). Unconditionally stable; first order in time.
// Boundaries: Neumann (zero flux) uses the ghost c_{-1} = c_0; Dirichlet uses a ghost held at
// the boundary value one voxel outside. Mass balance (Neumann, no sources): the matrix is
// symmetric with column sums 1 + lambda dt/d, so M^{n+1} = M^n / (1 + lambda dt / d)^d exactly.
// Discrete variance: each 1-D sweep adds exactly 2 r h^2 = 2 D dt to the variance along its axis.
#pragma once

#include <vector>

#include "nksim/fields/diffusion_solver.h"

namespace nksim {

class ImplicitLodSolver final : public DiffusionSolver {
 public:
  const char* name() const override { return "implicit_lod"; }
  std::optional<std::string> check_step(const FieldGrid&, double) const override {
    return std::nullopt;
  }
  // Above kAccurateDiffusionNumber, the steady state near a point-like source errs by > 2 %.
  std::optional<std::string> accuracy_warning(const FieldGrid& grid, double dt_min) const override;
  static constexpr double kAccurateDiffusionNumber = 0.02;
  void step(FieldGrid& grid, double dt_min, int threads) override;

 private:
  struct Factor {  // Thomas factorisation along one axis of one field
    double r = 0;
    // Both padded with zeros to a multiple of 4 plus 4, so vector code may read whole blocks of
    // 4 past the end of a line (the padding lanes then compute zeros that are never stored).
    std::vector<double> m;  // 1 / pivot
    std::vector<double> e;  // r / pivot (back substitution)
  };
  void factorise(const FieldGrid& grid, double dt_min);
  double factor_dt_ = -1;
  std::vector<Factor> factors_;  // field * 3 + axis
  std::vector<std::vector<double>> adds_;  // field * 3 + axis: Dirichlet terms, set each step
};

}  // namespace nksim
