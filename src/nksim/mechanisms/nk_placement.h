// Where arriving cells appear: a uniform point on the domain boundary (perimeter in 2-D, faces in
// 3-D), from four uniforms. Used by nk_infusion and t_cell_recruitment (cells entering the
// tissue from its edge / vessels).
#pragma once

#include <array>

#include "nksim/engine/domain.h"

namespace nksim {

// u[0..2] place the point along the axes, u[3] picks the wall with probability proportional to
// its size.
inline std::array<double, 3> boundary_point(const Domain& d, const double (&u)[4]) {
  std::array<double, 6> size{};
  double total = 0;
  for (int ax = 0; ax < d.dim; ++ax) {
    double s = 1;
    for (int other = 0; other < d.dim; ++other) {
      if (other != ax) s *= d.extent(other);
    }
    size[static_cast<std::size_t>(2 * ax)] = size[static_cast<std::size_t>(2 * ax + 1)] = s;
    total += 2 * s;
  }
  double pick = u[3] * total;
  int wall = 0;
  while (wall < 2 * d.dim - 1 && pick >= size[static_cast<std::size_t>(wall)]) {
    pick -= size[static_cast<std::size_t>(wall)];
    ++wall;
  }
  std::array<double, 3> p = {0, 0, 0};
  for (int ax = 0; ax < d.dim; ++ax) p[ax] = d.lo_um[ax] + d.extent(ax) * u[ax];
  const int ax = wall / 2;
  p[ax] = wall % 2 ? d.hi_um[ax] - 1e-6 : d.lo_um[ax];
  return p;
}

}  // namespace nksim
