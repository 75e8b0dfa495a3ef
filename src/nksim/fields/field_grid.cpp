#include "nksim/fields/field_grid.h"

#include <algorithm>
#include <cmath>

namespace nksim {

FieldGrid::FieldGrid(const Domain& domain, double spacing_um, std::vector<FieldSpec> specs)
    : dim_(domain.dim), h_(spacing_um), origin_(domain.lo_um), specs_(std::move(specs)) {
  for (int a = 0; a < 3; ++a) {
    n_[a] = a < dim_ ? static_cast<std::size_t>(std::llround(domain.extent(a) / h_)) : 1;
    n_[a] = std::max<std::size_t>(n_[a], 1);
  }
  if (dim_ == 2) origin_[2] = -0.5 * h_;
  for (const auto& s : specs_) values_.emplace_back(num_voxels(), s.initial);
}

int FieldGrid::find(const std::string& name) const {
  for (std::size_t f = 0; f < specs_.size(); ++f) {
    if (specs_[f].name == name) return static_cast<int>(f);
  }
  return -1;
}

std::size_t FieldGrid::voxel_of(double x, double y, double z) const {
  const double p[3] = {x, y, z};
  std::size_t k[3];
  for (int a = 0; a < 3; ++a) {
    const double f = std::floor((p[a] - origin_[a]) / h_);
    const double clamped = std::clamp(f, 0.0, static_cast<double>(n_[a] - 1));
    k[a] = static_cast<std::size_t>(clamped);
  }
  return (k[2] * n_[1] + k[1]) * n_[0] + k[0];
}

std::array<double, 3> FieldGrid::gradient(std::size_t f, std::size_t voxel) const {
  const std::vector<double>& c = values_[f];
  const std::size_t stride[3] = {1, n_[0], n_[0] * n_[1]};
  const std::size_t idx[3] = {voxel % n_[0], (voxel / n_[0]) % n_[1], voxel / (n_[0] * n_[1])};
  std::array<double, 3> g = {0, 0, 0};
  for (int a = 0; a < dim_; ++a) {
    if (n_[a] < 2) continue;
    const std::size_t lo = idx[a] > 0 ? voxel - stride[a] : voxel;
    const std::size_t hi = idx[a] + 1 < n_[a] ? voxel + stride[a] : voxel;
    const double width = static_cast<double>((hi - lo) / stride[a]) * h_;
    g[a] = (c[hi] - c[lo]) / width;
  }
  return g;
}

double FieldGrid::total(std::size_t f) const {
  double sum = 0.0;
  for (double v : values_[f]) sum += v;
  return sum * voxel_volume_um3();
}

}  // namespace nksim
