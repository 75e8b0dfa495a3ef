// persistent_walk: mean squared displacement of N independent walkers against the closed forms
// of rules/motility.h. Derivation (there): with <v(0).v(t)> = s^2 exp(-t/P),
//   MSD(t) = 2 s^2 P [t - P(1 - exp(-t/P))] = 2 d D [t - P(1 - e^{-t/P})], D = s^2 P / d  (Fuerth)
// and the time-discrete walk has the exact mean s^2 dt^2 [n + 2 sum (n-k) e^{-k dt/P}].
// Tolerance: the estimator's standard error is sd(|r|^2)/sqrt(N); we allow 4 standard errors
// (a false alarm about once in 16000 runs, but the seed is fixed so the run is reproducible).
// The discrete mean must also be within 1% of Fuerth (dt/P = 0.02).
#include <gtest/gtest.h>

#include "../spatial_support.h"
#include "nksim/rules/motility.h"

namespace nksim {
namespace {

void check_msd(int dim) {
  const int n = 4000;
  const double s = 2.0, p = 5.0, dt = 0.1;
  const std::string lo = dim == 3 ? "[-5000, -5000, -5000]" : "[-5000, -5000]";
  const std::string hi = dim == 3 ? "[5000, 5000, 5000]" : "[5000, 5000]";
  SpatialModel model = test::spatial_from_text(
      "[simulation]\nengine = \"spatial\"\ndimension = " + std::to_string(dim) +
          "\ndomain_min_um = " + lo + "\ndomain_max_um = " + hi +
          "\nend_time_min = 60\ndt_mechanics_min = 0.1\ndt_diffusion_min = 0.1\n"
          "dt_phenotype_min = 6\nseed = 5\n[[cell_type]]\nname = \"nk\"\nradius_um = 4\n"
          "[[population]]\ntype = \"nk\"\nshape = \"sphere\"\nradius_um = 1\ncount = " +
          std::to_string(n) +
          "\n[mechanisms.persistent_walk.nk]\nspeed_um_per_min = 2\npersistence_time_min = 5\n",
      2);
  Simulation& sim = *model.simulation;
  const AgentStore& a = sim.agents();
  // The engine renumbers agents (cell order), so start and end positions are matched by id.
  const std::vector<std::uint64_t> ids = a.id;
  const std::vector<double> x0 = a.x, y0 = a.y, z0 = a.z;
  int steps = 0;
  for (double t : {5.0, 20.0, 60.0}) {
    while (sim.time_min() < t - 1e-9) {
      sim.step();
      ++steps;
    }
    double sum = 0, sum2 = 0;
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const std::size_t i = a.index_of(ids[k]);
      const double r2 = (a.x[i] - x0[k]) * (a.x[i] - x0[k]) + (a.y[i] - y0[k]) * (a.y[i] - y0[k]) +
                        (a.z[i] - z0[k]) * (a.z[i] - z0[k]);
      sum += r2;
      sum2 += r2 * r2;
    }
    const double mean = sum / n;
    const double standard_error = std::sqrt((sum2 / n - mean * mean) / n);
    const double discrete = rules::discrete_walk_msd(s, p, dt, steps);
    const double furth = rules::furth_msd(s, p, t);
    EXPECT_NEAR(discrete / furth, 1.0, 0.01) << "t = " << t;
    EXPECT_NEAR(mean, discrete, 4 * standard_error) << "dim " << dim << ", t = " << t;
    EXPECT_NEAR(mean, furth, 4 * standard_error + std::abs(discrete - furth)) << "t = " << t;
  }
}

TEST(PersistentWalk, MeanSquaredDisplacementMatchesFurth2D) { check_msd(2); }
TEST(PersistentWalk, MeanSquaredDisplacementMatchesFurth3D) { check_msd(3); }

TEST(PersistentWalk, ClosedFormLimits) {
  // Ballistic for t << P (MSD ~ s^2 t^2), diffusive for t >> P (MSD ~ 2 s^2 P t).
  EXPECT_NEAR(rules::furth_msd(2, 100, 0.01) / (4 * 0.01 * 0.01), 1.0, 1e-3);
  EXPECT_NEAR(rules::furth_msd(2, 1, 1e5) / (2 * 4 * 1 * 1e5), 1.0, 1e-4);
}

}  // namespace
}  // namespace nksim
