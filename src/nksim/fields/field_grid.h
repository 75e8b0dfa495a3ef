// Named scalar fields (oxygen, cytokines...) on one regular voxel grid covering the domain.
//
// Values are stored x-fastest: index = (k * ny + j) * nx + i, voxel centres at
// origin + (i + 1/2) h. In 2-D nz = 1 and the voxels are slabs of thickness h (as in BioFVM), so
// volumes are always h^3.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "nksim/engine/domain.h"

namespace nksim {

enum class FieldBoundary { kDirichlet, kNeumann };

struct FieldSpec {
  std::string name;
  double diffusion_um2_per_min = 0.0;
  double decay_per_min = 0.0;
  double initial = 0.0;
  FieldBoundary boundary = FieldBoundary::kNeumann;  // zero flux
  double boundary_value = 0.0;                       // Dirichlet value
  std::string unit = "a.u.";                         // of the value in a voxel (a concentration)
};

class FieldGrid {
 public:
  FieldGrid() = default;
  // Voxels of edge `spacing_um` covering the domain; each extent must be a multiple of it.
  FieldGrid(const Domain& domain, double spacing_um, std::vector<FieldSpec> specs);

  std::size_t num_fields() const { return specs_.size(); }
  const FieldSpec& spec(std::size_t f) const { return specs_[f]; }
  int find(const std::string& name) const;  // -1 when absent
  std::vector<double>& values(std::size_t f) { return values_[f]; }
  const std::vector<double>& values(std::size_t f) const { return values_[f]; }

  int dim() const { return dim_; }
  std::array<std::size_t, 3> shape() const { return n_; }  // nx, ny, nz
  std::size_t num_voxels() const { return n_[0] * n_[1] * n_[2]; }
  double spacing_um() const { return h_; }
  double voxel_volume_um3() const { return h_ * h_ * h_; }
  const std::array<double, 3>& origin_um() const { return origin_; }

  std::size_t voxel_of(double x, double y, double z) const;
  // Central-difference gradient at the voxel (one-sided at the edges), units per um.
  std::array<double, 3> gradient(std::size_t f, std::size_t voxel) const;
  // Integral over the domain: sum of values times voxel volume.
  double total(std::size_t f) const;

 private:
  int dim_ = 3;
  double h_ = 1.0;
  std::array<double, 3> origin_ = {0, 0, 0};
  std::array<std::size_t, 3> n_ = {1, 1, 1};
  std::vector<FieldSpec> specs_;
  std::vector<std::vector<double>> values_;
};

}  // namespace nksim
