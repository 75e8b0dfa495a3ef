// nk_infusion: how many cells arrive, when, and where.
//   count: exact; effector_to_target: round(ratio x live targets) at the dose time;
//   repeats: doses at t0, t0 + T, ...; uniform: inside the box; boundary: on a wall;
//   sphere: within radius of the centre (2-D and 3-D).
#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "mechanisms/nk_test_support.h"
#include "nksim/core/error.h"

namespace nksim {
namespace {

std::string scenario(int dim, const std::string& doses) {
  const std::string lo = dim == 2 ? "[0, 0]" : "[0, 0, 0]";
  const std::string hi = dim == 2 ? "[300, 200]" : "[300, 200, 100]";
  return R"(
[simulation]
engine = "spatial"
dimension = )" +
         std::to_string(dim) + R"(
domain_min_um = )" +
         lo + R"(
domain_max_um = )" +
         hi + R"(
end_time_min = 100
dt_diffusion_min = 1
dt_mechanics_min = 1
dt_phenotype_min = 5
seed = 3
threads = 1
[[cell_type]]
name = "tumour"
radius_um = 8
[[cell_type]]
name = "nk"
radius_um = 4
[[population]]
type = "tumour"
shape = "uniform"
count = 37
)" + doses;
}

int count_type(const Simulation& sim, int type) {
  int n = 0;
  for (std::int32_t t : sim.agents().type) n += t == type;
  return n;
}

SpatialModel load_text(const std::string& text) {
  return load_spatial(TomlDocument::parse_string(text, "infusion.toml"), 1);
}

TEST(NkInfusion, CountsTimesAndRepeats) {
  SpatialModel m = load_text(scenario(2, R"(
[[mechanisms.nk_infusion.dose]]
type = "nk"
time_min = 10
effector_to_target = 0.5
relative_to = "tumour"
[[mechanisms.nk_infusion.dose]]
type = "nk"
time_min = 20
count = 7
repeats = 3
repeat_every_min = 30
)"));
  Simulation& sim = *m.simulation;
  sim.run_until(9.0);
  EXPECT_EQ(count_type(sim, 1), 0);
  sim.run_until(11.0);
  EXPECT_EQ(count_type(sim, 1), 19);  // round(0.5 x 37) = 19 (18.5 rounds away from zero)
  sim.run_until(21.0);
  EXPECT_EQ(count_type(sim, 1), 26);
  sim.run_until(49.0);
  EXPECT_EQ(count_type(sim, 1), 26);
  sim.run_until(100.0);
  EXPECT_EQ(count_type(sim, 1), 19 + 3 * 7);
  const nlohmann::json r = testing::find_mechanism(sim, "nk_infusion")->readouts(sim);
  EXPECT_EQ(r["doses"][1]["doses_given"].get<int>(), 3);
  EXPECT_EQ(r["doses"][1]["cells"].get<int>(), 21);
}

TEST(NkInfusion, WhereTheCellsAppear) {
  for (int dim : {2, 3}) {
    const std::string centre = dim == 2 ? "[150, 100]" : "[150, 100, 50]";
    SpatialModel m = load_text(scenario(dim, R"(
[[mechanisms.nk_infusion.dose]]
type = "nk"
count = 200
where = "boundary"
[[mechanisms.nk_infusion.dose]]
type = "nk"
count = 200
where = "sphere"
center_um = )" + centre + R"(
radius_um = 30
)"));
    Simulation& sim = *m.simulation;
    sim.run_until(1.0);  // placed at t = 0, then one mechanics step with no motility
    const AgentStore& a = sim.agents();
    const Domain& d = sim.domain();
    int on_wall = 0, in_sphere = 0, walls_hit = 0;
    bool hit[6] = {false, false, false, false, false, false};
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.type[i] != 1) continue;
      const double p[3] = {a.x[i], a.y[i], a.z[i]};
      bool wall = false;
      for (int ax = 0; ax < dim; ++ax) {
        EXPECT_GE(p[ax], d.lo_um[ax]);
        EXPECT_LE(p[ax], d.hi_um[ax]);
        for (int side = 0; side < 2; ++side) {
          const double w = side ? d.hi_um[ax] : d.lo_um[ax];
          if (std::abs(p[ax] - w) < 1e-3) {
            wall = true;
            hit[2 * ax + side] = true;
          }
        }
      }
      const double dx = p[0] - 150, dy = p[1] - 100, dz = dim == 3 ? p[2] - 50 : 0.0;
      on_wall += wall;
      in_sphere += std::sqrt(dx * dx + dy * dy + dz * dz) <= 30 + 1e-9;
    }
    for (int w = 0; w < 2 * dim; ++w) walls_hit += hit[w];
    EXPECT_EQ(on_wall, 200) << dim << "-D";
    EXPECT_EQ(in_sphere, 200) << dim << "-D";
    EXPECT_EQ(walls_hit, 2 * dim) << dim << "-D";  // every wall receives cells
  }
}

// Recruitment: arrivals are Poisson with mean n r (t - delay): 37 recruiting cells at r = 0.002
// per min for 100 - 30 = 70 min give mean 5.18 per run; over 40 seeds the total is Poisson with
// mean 207 (sd 14.4), accepted within 5 sd. None arrive before the delay, all on the boundary.
TEST(TCellRecruitment, PoissonArrivalsAfterTheDelayOnTheBoundary) {
  long total = 0;
  for (int seed = 1; seed <= 40; ++seed) {
    std::string text = scenario(2, R"(
[mechanisms.t_cell_recruitment.tumour]
recruits = "nk"
rate_per_min = 0.002
delay_min = 30
)");
    text.replace(text.find("seed = 3"), 8, "seed = " + std::to_string(seed));
    SpatialModel m = load_text(text);
    Simulation& sim = *m.simulation;
    sim.run_until(29.0);
    ASSERT_EQ(count_type(sim, 1), 0);
    sim.run_until(100.0);
    const AgentStore& a = sim.agents();
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a.type[i] != 1) continue;
      const bool on_wall =
          a.x[i] < 1e-3 || a.x[i] > 300 - 1e-3 || a.y[i] < 1e-3 || a.y[i] > 200 - 1e-3;
      EXPECT_TRUE(on_wall);  // no motility: still where they arrived
    }
    total += count_type(sim, 1);
  }
  const double mean = 40 * 37 * 0.002 * 70.0;
  EXPECT_NEAR(static_cast<double>(total), mean, 5 * std::sqrt(mean));
}

// Injection points: cells shared round-robin, each within radius_um of its point.
TEST(NkInfusion, InjectionPoints) {
  SpatialModel m = load_text(scenario(2, R"(
[[mechanisms.nk_infusion.dose]]
type = "nk"
count = 30
where = "points"
points_um = [50, 50, 250, 150, 150, 100]
radius_um = 5
)"));
  m.simulation->run_until(1.0);
  const AgentStore& a = m.simulation->agents();
  const double px[3] = {50, 250, 150}, py[3] = {50, 150, 100};
  int near[3] = {0, 0, 0};
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.type[i] != 1) continue;
    for (int k = 0; k < 3; ++k) near[k] += std::hypot(a.x[i] - px[k], a.y[i] - py[k]) <= 5 + 1e-9;
  }
  EXPECT_EQ(near[0], 10);
  EXPECT_EQ(near[1], 10);
  EXPECT_EQ(near[2], 10);
  EXPECT_THROW(load_text(scenario(2,
                                  "[[mechanisms.nk_infusion.dose]]\ntype = \"nk\"\n"
                                  "count = 3\nwhere = \"points\"\npoints_um = [1, 2, 3]\n")),
               InputError);  // not a whole number of 2-D points
}

TEST(NkInfusion, BadDosesAreInputErrors) {
  EXPECT_THROW(load_text(scenario(2, "[[mechanisms.nk_infusion.dose]]\ntype = \"nk\"\n")),
               InputError);  // neither count nor ratio
  EXPECT_THROW(load_text(scenario(2,
                                  "[[mechanisms.nk_infusion.dose]]\ntype = \"nk\"\n"
                                  "count = 3\nrepeats = 2\n")),
               InputError);  // repeats without an interval
  EXPECT_THROW(load_text(scenario(2,
                                  "[[mechanisms.nk_infusion.dose]]\ntype = \"nk\"\n"
                                  "count = 3\nwhere = \"sphere\"\nradius_um = 5\n")),
               InputError);  // sphere without a centre
}

}  // namespace
}  // namespace nksim
