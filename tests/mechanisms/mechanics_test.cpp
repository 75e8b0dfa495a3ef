// mechanics: (1) two overlapping cells separate to the equilibrium distance of
// rules/forces.h, d* = (sqrt(c_r) - sqrt(c_a)) / (sqrt(c_r)/R - sqrt(c_a)/(s R)), to 1e-6
// relative; (2) the pair's velocities are equal and opposite at every step (the centre of mass
// does not move: 1e-12 um); (3) with motility at high speed, no cell ever leaves a reflecting box;
// (4) the vectorised cell-list kernel gives every agent the velocity and pressure of a plain
// sum of rules/forces.h over all pairs (two types, a pair override; 2-D and 3-D, reflecting and
// periodic), to 1e-12 of the sum of the terms' magnitudes (the summation orders differ);
// (5) so does a strip of 67,600 agents whose lists are stored partly as 16-bit offsets and
// partly at full width (neighbours more than 32767 apart either way in index order).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "../spatial_support.h"
#include "nksim/engine/neighbour_list.h"
#include "nksim/rules/forces.h"

namespace nksim {
namespace {

std::string box(int dim, const std::string& extra) {
  const std::string lo = dim == 3 ? "[-100, -100, -100]" : "[-100, -100]";
  const std::string hi = dim == 3 ? "[100, 100, 100]" : "[100, 100]";
  return "[simulation]\nengine = \"spatial\"\ndimension = " + std::to_string(dim) +
         "\ndomain_min_um = " + lo + "\ndomain_max_um = " + hi +
         "\nend_time_min = 10\ndt_mechanics_min = 0.1\ndt_diffusion_min = 0.1\n"
         "dt_phenotype_min = 6\n[[cell_type]]\nname = \"a\"\nradius_um = 10\n" +
         extra;
}

TEST(Mechanics, PairRelaxesToEquilibriumWithEqualAndOppositeForces) {
  SpatialModel model = test::spatial_from_text(box(3, R"(
[mechanisms.mechanics.a]
repulsion_um_per_min = 10
adhesion_um_per_min = 0.4
adhesion_range = 1.25
)"));
  Simulation& sim = *model.simulation;
  sim.add_agent(0, -3, 1, 2);
  sim.add_agent(0, 3, -1, 0.5);  // distance ~6.5 um: strongly overlapping (R = 20)
  const double cx = 0, cy = 0, cz = 1.25;
  for (int s = 0; s < 3000; ++s) {
    sim.step();
    const AgentStore& a = sim.agents();
    ASSERT_NEAR(a.vx[0], -a.vx[1], 1e-12);
    ASSERT_NEAR(a.vy[0], -a.vy[1], 1e-12);
    ASSERT_NEAR(a.vz[0], -a.vz[1], 1e-12);
    ASSERT_NEAR(0.5 * (a.x[0] + a.x[1]), cx, 1e-12);
    ASSERT_NEAR(0.5 * (a.y[0] + a.y[1]), cy, 1e-12);
    ASSERT_NEAR(0.5 * (a.z[0] + a.z[1]), cz, 1e-12);
  }
  const AgentStore& a = sim.agents();
  const double d = std::hypot(a.x[0] - a.x[1], a.y[0] - a.y[1], a.z[0] - a.z[1]);
  const double expected = rules::equilibrium_distance(rules::PairForce{10, 0.4, 1.25}, 20.0);
  EXPECT_NEAR(expected, 19.05, 0.01);  // the closed form itself, evaluated by hand
  EXPECT_NEAR(d / expected, 1.0, 1e-6);
}

TEST(Mechanics, PeriodicPairInteractsAcrossTheBoundary) {
  // Two cells 6 um apart through the periodic x boundary (and 194 um apart inside the box)
  // relax to the same equilibrium distance, measured as a minimum image.
  std::string text = box(2, "[mechanisms.mechanics.a]\n");
  text.replace(text.find("[[cell_type]]"), 0, "boundary = \"periodic\"\n");
  SpatialModel model = test::spatial_from_text(text);
  Simulation& sim = *model.simulation;
  sim.add_agent(0, -97, 0, 0);
  sim.add_agent(0, 97, 0, 0);
  for (int s = 0; s < 3000; ++s) sim.step();
  const AgentStore& a = sim.agents();
  const double d = std::abs(sim.domain().delta(0, a.x[0], a.x[1]));
  EXPECT_NEAR(d / rules::equilibrium_distance(rules::PairForce{10, 0.4, 1.25}, 20.0), 1.0, 1e-6);
  EXPECT_NEAR(a.y[0], 0.0, 1e-12);
}

TEST(Mechanics, KernelMatchesABruteForceSumOverAllPairs) {
  for (int dim : {2, 3}) {
    for (const char* boundary : {"reflecting", "periodic"}) {
      const std::string lo = dim == 3 ? "[-60, -60, -60]" : "[-60, -60]";
      const std::string hi = dim == 3 ? "[60, 60, 60]" : "[60, 60]";
      const int count = dim == 3 ? 300 : 60;  // dense: most cells overlap several others
      SpatialModel model = test::spatial_from_text(
          "[simulation]\nengine = \"spatial\"\ndimension = " + std::to_string(dim) +
          "\ndomain_min_um = " + lo + "\ndomain_max_um = " + hi + "\nboundary = \"" + boundary +
          "\"\nend_time_min = 1\ndt_mechanics_min = 0.1\ndt_diffusion_min = 0.1\n"
          "dt_phenotype_min = 6\nseed = 3\n"
          "[[cell_type]]\nname = \"a\"\nradius_um = 10\n"
          "[[cell_type]]\nname = \"b\"\nradius_um = 6\n"
          "[[population]]\ntype = \"a\"\nshape = \"uniform\"\ncount = " +
          std::to_string(count) +
          "\n[[population]]\ntype = \"b\"\nshape = \"uniform\"\ncount = " +
          std::to_string(count) +
          "\n[mechanisms.mechanics.a]\nrepulsion_um_per_min = 10\nadhesion_um_per_min = 0.4\n"
          "adhesion_range = 1.25\n[mechanisms.mechanics.b]\nrepulsion_um_per_min = 4\n"
          "adhesion_um_per_min = 0.9\nadhesion_range = 1.5\n"
          "[[mechanisms.mechanics.pair]]\nfirst = \"a\"\nsecond = \"b\"\n"
          "repulsion_um_per_min = 7\nadhesion_um_per_min = 0.2\nadhesion_range = 1.1\n");
      Simulation& sim = *model.simulation;
      sim.step();  // renumbers the agents in cell order and moves them once
      AgentStore& a = sim.agents();
      std::fill(a.vx.begin(), a.vx.end(), 0.0);
      std::fill(a.vy.begin(), a.vy.end(), 0.0);
      std::fill(a.vz.begin(), a.vz.end(), 0.0);
      sim.rebuild_grid();
      for (const auto& m : sim.mechanisms()) {
        if (std::string(m->name()) == "mechanics") m->run(Phase::kMove, sim, StepInfo{0, 0.1, 1});
      }
      const auto pair_of = [](int t, int u) {
        const rules::PairForce aa{10, 0.4, 1.25}, bb{4, 0.9, 1.5}, ab{7, 0.2, 1.1};
        return t != u ? ab : (t == 0 ? aa : bb);
      };
      const Domain& d = sim.domain();
      std::size_t interacting = 0;
      for (std::size_t i = 0; i < a.size(); ++i) {
        double vx = 0, vy = 0, vz = 0, pressure = 0, scale = 0;
        for (std::size_t j = 0; j < a.size(); ++j) {
          if (j == i) continue;
          const double dx = d.delta(0, a.x[i], a.x[j]), dy = d.delta(1, a.y[i], a.y[j]);
          const double dz = d.delta(2, a.z[i], a.z[j]);
          const double dist = std::sqrt(dx * dx + dy * dy + dz * dz);
          const rules::PairForce p = pair_of(a.type[i], a.type[j]);
          const double contact = a.radius[i] + a.radius[j];
          if (dist >= p.adhesion_range * contact || dist <= 0) continue;
          const double speed = rules::pair_speed(p, dist, contact) / dist;
          vx += speed * dx;
          vy += speed * dy;
          vz += speed * dz;
          pressure += rules::pair_pressure(dist, contact);
          scale += std::abs(speed) * dist + 1.0;
          ++interacting;
        }
        const double tolerance = 1e-12 * (scale + 1.0);
        ASSERT_NEAR(a.vx[i], vx, tolerance) << dim << "-D " << boundary << ", agent " << i;
        ASSERT_NEAR(a.vy[i], vy, tolerance) << dim << "-D " << boundary << ", agent " << i;
        ASSERT_NEAR(a.vz[i], vz, tolerance) << dim << "-D " << boundary << ", agent " << i;
        ASSERT_NEAR(a.pressure[i], pressure / 0.027, tolerance / 0.027) << "agent " << i;
      }
      EXPECT_GT(interacting, 4 * a.size()) << "the configuration must be dense";
    }
  }
}

TEST(Mechanics, CompactAndFullWidthListsMatchABruteForceSum) {
  // A 2-D strip three grid rows high (cells 25 um: R = 10, range 1.25): row A (y ~ 20, 34,000
  // agents 22 um apart) fills the first row of cells, row B (y ~ 31) has 300 agents over each
  // end of the strip, row C (y ~ 70, 33,000 agents) touches only itself. In cell order row A
  // comes first, so the B agents at the left end are about 34,000 indices from their A
  // neighbours, and 33,600 the other way round (full-width lists), those at the right end a few
  // hundred (offsets).
  constexpr int kRowA = 34000, kRowB = 300, kRowC = 33000;
  const double length = 22.0 * kRowA;
  SpatialModel model = test::spatial_from_text(
      "[simulation]\nengine = \"spatial\"\ndimension = 2\ndomain_min_um = [0, 0]\n"
      "domain_max_um = [" +
      std::to_string(length) +
      ", 75]\nend_time_min = 1\ndt_mechanics_min = 0.1\ndt_diffusion_min = 0.1\n"
      "dt_phenotype_min = 6\n[[cell_type]]\nname = \"a\"\nradius_um = 10\n"
      "[mechanisms.mechanics.a]\n");
  Simulation& sim = *model.simulation;
  const auto jitter = [](int k, int salt) { return std::sin(12.9898 * k + 78.233 * salt) * 1.5; };
  for (int k = 0; k < kRowA; ++k)
    sim.add_agent(0, 11.0 + 22.0 * k + jitter(k, 1), 20.0 + jitter(k, 2), 0);
  for (int k = 0; k < kRowC; ++k) {
    sim.add_agent(0, 11.0 + 22.0 * k + jitter(k, 7), 70.0 + jitter(k, 8), 0);
  }
  for (int k = 0; k < kRowB; ++k) {
    sim.add_agent(0, 11.0 + 22.0 * k + jitter(k, 3), 31.0 + jitter(k, 4), 0);
    sim.add_agent(0, length - 11.0 - 22.0 * k + jitter(k, 5), 31.0 + jitter(k, 6), 0);
  }
  sim.step();  // builds the lists (renumbering the agents in cell order) and moves once
  AgentStore& a = sim.agents();
  std::fill(a.vx.begin(), a.vx.end(), 0.0);
  std::fill(a.vy.begin(), a.vy.end(), 0.0);
  sim.rebuild_grid();
  for (const auto& m : sim.mechanisms()) {
    if (std::string(m->name()) == "mechanics") m->run(Phase::kMove, sim, StepInfo{0, 0.1, 1});
  }
  // Brute force over the agents sorted by x: every j within the range in x, then in distance.
  std::vector<std::size_t> by_x(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) by_x[i] = i;
  std::sort(by_x.begin(), by_x.end(),
            [&](std::size_t i, std::size_t j) { return a.x[i] < a.x[j]; });
  const rules::PairForce p{10, 0.4, 1.25};
  const double range = 25.0;
  std::size_t far_pairs = 0, near_pairs = 0, lo = 0;
  for (std::size_t r = 0; r < by_x.size(); ++r) {
    const std::size_t i = by_x[r];
    while (a.x[by_x[lo]] <= a.x[i] - range) ++lo;
    double vx = 0, vy = 0, pressure = 0, scale = 0;
    for (std::size_t q = lo; q < by_x.size() && a.x[by_x[q]] < a.x[i] + range; ++q) {
      const std::size_t j = by_x[q];
      if (j == i) continue;
      const double dx = a.x[i] - a.x[j], dy = a.y[i] - a.y[j];
      const double dist = std::sqrt(dx * dx + dy * dy);
      if (dist >= range || dist <= 0) continue;
      const double speed = rules::pair_speed(p, dist, 20.0) / dist;
      vx += speed * dx;
      vy += speed * dy;
      pressure += rules::pair_pressure(dist, 20.0);
      scale += std::abs(speed) * dist + 1.0;
      (NeighbourList::fits(i, j, a.size()) ? near_pairs : far_pairs) += 1;
    }
    const double tolerance = 1e-12 * (scale + 1.0);
    ASSERT_NEAR(a.vx[i], vx, tolerance) << "agent " << i;
    ASSERT_NEAR(a.vy[i], vy, tolerance) << "agent " << i;
    ASSERT_NEAR(a.pressure[i], pressure / 0.027, tolerance / 0.027) << "agent " << i;
  }
  EXPECT_GT(far_pairs, 200u) << "some lists must be stored at full width";
  EXPECT_GT(near_pairs, 120000u);
}

TEST(Mechanics, NoCellLeavesAReflectingDomain) {
  for (int dim : {2, 3}) {
    SpatialModel model = test::spatial_from_text(box(dim, R"(
[[population]]
type = "a"
shape = "uniform"
count = 300
[mechanisms.mechanics.a]
[mechanisms.persistent_walk.a]
speed_um_per_min = 400
persistence_time_min = 1
)"));
    Simulation& sim = *model.simulation;
    for (int s = 0; s < 300; ++s) {
      sim.step();
      const AgentStore& a = sim.agents();
      for (std::size_t i = 0; i < a.size(); ++i) {
        ASSERT_GE(a.x[i], -100.0);
        ASSERT_LE(a.x[i], 100.0);
        ASSERT_GE(a.y[i], -100.0);
        ASSERT_LE(a.y[i], 100.0);
        if (dim == 3) {
          ASSERT_GE(a.z[i], -100.0);
          ASSERT_LE(a.z[i], 100.0);
        } else {
          ASSERT_EQ(a.z[i], 0.0);
        }
      }
    }
  }
}

}  // namespace
}  // namespace nksim
