// chemotaxis: in a fixed linear gradient along +x (D = 0, no decay, so the field never changes),
// walkers that also perform a persistent random walk drift up the gradient at exactly the
// chemotactic speed: E[x(t) - x(0)] = v_c t, E[y - y0] = 0. Tolerance 4 standard errors.
#include <gtest/gtest.h>

#include "../spatial_support.h"

namespace nksim {
namespace {

TEST(Chemotaxis, DriftsUpALinearGradientAtItsSpeed) {
  const int n = 2000;
  SpatialModel model = test::spatial_from_text(R"(
[simulation]
engine = "spatial"
dimension = 2
domain_min_um = [-1000, -1000]
domain_max_um = [1000, 1000]
end_time_min = 30
dt_mechanics_min = 0.1
dt_diffusion_min = 0.1
dt_phenotype_min = 6
voxel_um = 20
seed = 9
[[cell_type]]
name = "nk"
radius_um = 4
[[field]]
name = "ifng"
diffusion_um2_per_min = 0
[[population]]
type = "nk"
shape = "sphere"
radius_um = 100
count = 2000
[mechanisms.persistent_walk.nk]
speed_um_per_min = 2
persistence_time_min = 3
[mechanisms.chemotaxis.nk]
field = "ifng"
speed_um_per_min = 0.5
)",
                                               2);
  Simulation& sim = *model.simulation;
  FieldGrid& f = sim.fields();
  const auto shape = f.shape();
  for (std::size_t j = 0; j < shape[1]; ++j) {
    for (std::size_t i = 0; i < shape[0]; ++i)
      f.values(0)[j * shape[0] + i] = 0.01 * static_cast<double>(i);
  }
  // The engine renumbers agents (cell order), so start and end positions are matched by id.
  const std::vector<std::uint64_t> ids = sim.agents().id;
  const std::vector<double> x0 = sim.agents().x, y0 = sim.agents().y;
  sim.run_until(30);
  const AgentStore& a = sim.agents();
  double sx = 0, sx2 = 0, sy = 0, sy2 = 0;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::size_t i = a.index_of(ids[k]);
    const double dx = a.x[i] - x0[k], dy = a.y[i] - y0[k];
    sx += dx;
    sx2 += dx * dx;
    sy += dy;
    sy2 += dy * dy;
  }
  const double mx = sx / n, my = sy / n;
  const double se_x = std::sqrt((sx2 / n - mx * mx) / n), se_y = std::sqrt((sy2 / n - my * my) / n);
  EXPECT_NEAR(mx, 0.5 * 30, 4 * se_x);
  EXPECT_NEAR(my, 0.0, 4 * se_y);
  EXPECT_GT(mx, 10 * se_x);  // the drift is resolved, not noise
}

}  // namespace
}  // namespace nksim
