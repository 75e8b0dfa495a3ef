// [[population]] placement options that reproduce PhysiCell's cancer-immune sample: its sphere
// filler gives exactly the count PhysiCell prints ("creating 18317 closely-packed tumor cells"),
// property_sd draws a normal clipped at 0, and distribution = "physicell" a normal distance from
// the centre; the moments are checked within 4 standard errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "../../spatial_support.h"

namespace nksim {
namespace population_test {

std::string population_scenario(const std::string& populations) {
  return R"(
[simulation]
engine = "spatial"
dimension = 3
domain_min_um = [-750, -750, -750]
domain_max_um = [750, 750, 750]
end_time_min = 1
seed = 4
[[cell_type]]
name = "tumour"
radius_um = 8.412710547954228
properties = { oncoprotein = 1.0 }
)" + populations;
}

double radius_of(const AgentStore& a, std::size_t i) {
  return std::sqrt(a.x[i] * a.x[i] + a.y[i] * a.y[i] + a.z[i] * a.z[i]);
}

TEST(Population, PhysiCellPackingGivesPhysiCellsCount) {
  SpatialModel model = test::spatial_from_text(population_scenario(R"(
[[population]]
type = "tumour"
shape = "sphere"
radius_um = 250
packed = true
packing = "physicell"
)"));
  const AgentStore& a = model.simulation->agents();
  EXPECT_EQ(a.size(), 18317u);
  double closest = 1e9;  // lattice spacing: rows r sqrt(3) apart, cells 2r along y
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT(radius_of(a, i), 250.0);
    if (i > 0 && a.x[i] == a.x[i - 1] && a.z[i] == a.z[i - 1]) {
      closest = std::min(closest, std::abs(a.y[i] - a.y[i - 1]));
    }
  }
  EXPECT_NEAR(closest, 2 * 8.412710547954228, 1e-9);

  SpatialModel shell = test::spatial_from_text(population_scenario(R"(
[[population]]
type = "tumour"
shape = "sphere"
inner_radius_um = 200
radius_um = 250
packed = true
packing = "physicell"
)"));
  const AgentStore& s = shell.simulation->agents();
  std::size_t inside_200 = 0;
  for (std::size_t i = 0; i < a.size(); ++i) inside_200 += radius_of(a, i) < 200 ? 1 : 0;
  EXPECT_EQ(s.size(), a.size() - inside_200);
  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_GE(radius_of(s, i), 200.0);
}

TEST(Population, PropertySdIsANormalClippedAtZero) {
  SpatialModel model = test::spatial_from_text(population_scenario(R"(
[[population]]
type = "tumour"
shape = "box"
min_um = [-700, -700, -700]
max_um = [700, 700, 700]
count = 20000
property_sd = { oncoprotein = 0.25 }
[[population]]
type = "tumour"
shape = "box"
min_um = [-700, -700, -700]
max_um = [700, 700, 700]
count = 20000
property_sd = { oncoprotein = 2.0 }
)"));
  const AgentStore& a = model.simulation->agents();
  const auto k = static_cast<std::size_t>(a.property_index("oncoprotein"));
  double sum = 0, sum2 = 0;
  int zeros = 0;
  for (std::size_t i = 0; i < 20000; ++i) {
    sum += a.property[k][i];
    sum2 += a.property[k][i] * a.property[k][i];
  }
  for (std::size_t i = 20000; i < 40000; ++i) {
    EXPECT_GE(a.property[k][i], 0.0);
    zeros += a.property[k][i] == 0.0 ? 1 : 0;
  }
  const double n = 20000, mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 1.0, 4 * 0.25 / std::sqrt(n));
  EXPECT_NEAR(sd, 0.25, 4 * 0.25 / std::sqrt(2 * n));
  // sd 2 around 1: P(clipped) = Phi(-0.5) = 0.30854
  const double p = 0.5 * std::erfc(0.5 / std::sqrt(2.0));
  EXPECT_NEAR(zeros, n * p, 4 * std::sqrt(n * p * (1 - p)));
}

TEST(Population, PhysiCellShellHasANormalRadius) {
  SpatialModel model = test::spatial_from_text(population_scenario(R"(
[[population]]
type = "tumour"
shape = "sphere"
inner_radius_um = 280
radius_um = 355
count = 20000
distribution = "physicell"
)"));
  const AgentStore& a = model.simulation->agents();
  ASSERT_EQ(a.size(), 20000u);
  double sum = 0, sum2 = 0, sum_z = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double r = radius_of(a, i);
    sum += r;
    sum2 += r * r;
    sum_z += a.z[i] / r;
  }
  const double n = 20000, mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  const double sd_expected = 0.33 * 75 / 2;
  EXPECT_NEAR(mean, 317.5, 4 * sd_expected / std::sqrt(n));
  EXPECT_NEAR(sd, sd_expected, 4 * sd_expected / std::sqrt(2 * n));
  EXPECT_NEAR(sum_z / n, 0.0, 4 * std::sqrt(1.0 / 3.0 / n));  // directions uniform: E[cos] = 0
}

}  // namespace population_test
}  // namespace nksim
