// The lattice Laplacian at one voxel, as every diffusion solver writes it: the sum over the
// voxel's face neighbours of (neighbour - centre), in the order -x, +x, -y, +y, -z, +z. A
// neighbour outside the grid is the boundary value (Dirichlet) or the voxel itself (Neumann, zero
// flux). Multiply by D/h^2 for the diffusion rate. One definition, so that solvers which compare
// their results (the explicit step, the ADI residual) add the same terms in the same order.
#pragma once

#include <cstddef>

namespace nksim {

// The grid's shape and boundary as the stencil needs them.
struct LaplacianStencil {
  std::size_t nx = 1, ny = 1, nz = 1;
  int dim = 1;
  bool dirichlet = false;
  double boundary_value = 0.0;
};

// Sum of (neighbour - c[v]) over the face neighbours of voxel v = (k ny + j) nx + i.
inline double lattice_laplacian(const LaplacianStencil& s, const double* c, std::size_t v,
                                std::size_t i, std::size_t j, std::size_t k) {
  const double ci = c[v];
  double lap = 0.0;
  const auto add = [&](bool inside, std::size_t w) {
    lap += inside ? c[w] - ci : (s.dirichlet ? s.boundary_value - ci : 0.0);
  };
  add(i > 0, v - 1);
  add(i + 1 < s.nx, v + 1);
  if (s.dim >= 2) {
    add(j > 0, v - s.nx);
    add(j + 1 < s.ny, v + s.nx);
  }
  if (s.dim == 3) {
    add(k > 0, v - s.nx * s.ny);
    add(k + 1 < s.nz, v + s.nx * s.ny);
  }
  return lap;
}

}  // namespace nksim
