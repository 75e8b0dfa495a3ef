// car_nk_lupus against nk_kinetics (whose kinetic terms it reuses), closed forms and the timing
// of B-cell depletion and reappearance after CD19 CAR-T cells in lupus (Mackensen 2022), the
// target the model's kill rate was set to.
//
// Closed forms (c = 100 f_Ab d_B/s_B, B* = s_B/d_B):
//   no CAR-NK cells, B(0) = B0:   B(t) = B* + (B0 - B*) e^{-d_B t}
//                                 Ab(t) = 100 + c (B0 - B*) d_Ab/(d_Ab - d_B)
//                                               (e^{-d_B t} - e^{-d_Ab t})
//                                         + (Ab0 - 100) e^{-d_Ab t}
//   a constant CAR-NK count E (no programme, no cytokine drive, alpha = 0):
//                                 B(t) = Binf + (B* - Binf) e^{-(d_B + k_B E) t},
//                                 Binf = s_B/(d_B + k_B E)
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/io/toml_reader.h"
#include "unit/ode/test_models.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace car_nk_lupus_test {

constexpr std::size_t kKinetic = 6;  // E, M, A, L, IL15, IL2 lead both models
constexpr std::size_t kB = 6, kAb = 7;
constexpr double s_B = 3, d_B = 0.02, k_B = 0.1, f_Ab = 0.7, d_Ab = 0.033;

const OdeModel& lupus() { return *find_model("car_nk_lupus"); }
const OdeModel& kinetics() { return *find_model("nk_kinetics"); }

// The sle set's values, by name, are the ones the closed forms use.
TEST(CarNkLupus, SetValuesAreTheDocumentedOnes) {
  const std::vector<double> v = lupus().find_parameter_set("sle")->values;
  auto at = [&](const char* name) {
    return v[static_cast<std::size_t>(lupus().parameter_index(name))];
  };
  EXPECT_EQ(at("s_B"), s_B);
  EXPECT_EQ(at("d_B"), d_B);
  EXPECT_EQ(at("k_B"), k_B);
  EXPECT_EQ(at("f_Ab"), f_Ab);
  EXPECT_EQ(at("d_Ab"), d_Ab);
  // The kinetic values are nk_kinetics' car_nk_il15 set, value for value.
  const std::vector<double> car = kinetics().find_parameter_set("car_nk_il15")->values;
  ASSERT_EQ(car.size(), 17u);
  for (std::size_t i = 0; i < car.size(); ++i) {
    EXPECT_EQ(lupus().parameters()[i].name, kinetics().parameters()[i].name);
    EXPECT_EQ(v[i], car[i]) << kinetics().parameters()[i].name;
  }
}

// At random states E..IL2's derivatives and Jacobian entries are nk_kinetics' exactly, whatever
// the B cells and autoantibody (the CAR-NK cells are not fed by their target in this model).
TEST(CarNkLupus, KineticTermsAreNkKineticsBitForBit) {
  ASSERT_EQ(lupus().num_states(), kKinetic + 2);
  std::mt19937_64 rng(2022);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::vector<double> pl = lupus().find_parameter_set("sle")->values;
  const std::vector<double> pk(pl.begin(), pl.begin() + 17);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> y = {std::pow(10.0, 3 * unit(rng)), std::pow(10.0, 2 * unit(rng)),
                             trial % 2 == 0 ? 0.0 : 1.0,   unit(rng),
                             100 * unit(rng),              1e3 * unit(rng),
                             300 * unit(rng),              150 * unit(rng)};
    std::vector<double> fl(8), fk(6), jl(64), jk(36);
    lupus().rhs(0, y.data(), pl.data(), fl.data());
    kinetics().rhs(0, y.data(), pk.data(), fk.data());
    lupus().jacobian(0, y.data(), pl.data(), jl.data());
    kinetics().jacobian(0, y.data(), pk.data(), jk.data());
    for (std::size_t i = 0; i < kKinetic; ++i) {
      EXPECT_EQ(fl[i], fk[i]) << "d" << i;
      for (std::size_t j = 0; j < kKinetic; ++j) EXPECT_EQ(jl[i * 8 + j], jk[i * 6 + j]);
      EXPECT_EQ(jl[i * 8 + kB], 0.0);
      EXPECT_EQ(jl[i * 8 + kAb], 0.0);
    }
  }
}

// Without CAR-NK cells the default initial state is the steady state: B = s_B/d_B = 150/uL and
// Ab = 100 %, with zero derivatives of both.
TEST(CarNkLupus, WithoutCarNkTheBCellsSitAtProductionOverDeath) {
  const std::vector<double> p = lupus().find_parameter_set("sle")->values;
  const std::vector<double> y0 = lupus().default_initial(p);
  EXPECT_DOUBLE_EQ(y0[kB], s_B / d_B);
  EXPECT_EQ(y0[kAb], 100.0);
  std::vector<double> dy(8);
  lupus().rhs(0, y0.data(), p.data(), dy.data());
  EXPECT_EQ(dy[kB], 0.0);
  EXPECT_NEAR(dy[kAb], 0.0, 1e-12);
}

class CarNkLupusMethods : public ::testing::TestWithParam<SolverMethod> {};

// Started away from the steady state (B0 = 40/uL, Ab0 = 250 %) without CAR-NK cells, B and Ab
// follow the closed forms above to 1e-7 relative.
TEST_P(CarNkLupusMethods, WithoutCarNkBAndAbRelaxAsTheClosedForm) {
  auto s = testing::scenario("car_nk_lupus", "sle", 300, {{"B", 40}, {"Ab", 250}});
  s.solver.method = GetParam();
  s.output_interval_days = 5;
  const WellMixedResult r = simulate(resolve(s));
  const double b_star = s_B / d_B, c = 100 * f_Ab * d_B / s_B;
  for (std::size_t i = 0; i < r.times_days.size(); ++i) {
    const double t = r.times_days[i];
    const double b = b_star + (40 - b_star) * std::exp(-d_B * t);
    const double ab = 100 +
                      c * (40 - b_star) * d_Ab / (d_Ab - d_B) *
                          (std::exp(-d_B * t) - std::exp(-d_Ab * t)) +
                      150 * std::exp(-d_Ab * t);
    EXPECT_NEAR(r.value(i, kB), b, 1e-7 * b) << "B at day " << t;
    EXPECT_NEAR(r.value(i, kAb), ab, 1e-7 * ab) << "Ab at day " << t;
  }
}

// A constant CAR-NK count (no programme, no cytokine drive, no contraction) of 20/uL drives the
// B cells exponentially to s_B/(d_B + k_B E) = 1.5/uL at rate d_B + k_B E.
TEST_P(CarNkLupusMethods, ConstantCarNkDepletesAsTheClosedForm) {
  auto s = testing::scenario("car_nk_lupus", "sle", 30, {{"E", 20}},
                             {{"Tmax", 0}, {"alpha", 0}, {"FB", 0}, {"rho15", 0}});
  s.solver.method = GetParam();
  s.output_interval_days = 0.5;
  const WellMixedResult r = simulate(resolve(s));
  const double rate = d_B + k_B * 20, b_inf = s_B / rate, b_star = s_B / d_B;
  for (std::size_t i = 0; i < r.times_days.size(); ++i) {
    const double t = r.times_days[i];
    EXPECT_NEAR(r.value(i, 0), 20.0, 1e-9) << "E at day " << t;
    const double b = b_inf + (b_star - b_inf) * std::exp(-rate * t);
    EXPECT_NEAR(r.value(i, kB), b, 1e-7 * b) << "B at day " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMethod, CarNkLupusMethods, ::testing::ValuesIn(testing::kEveryMethod),
                         testing::method_test_name);

// The shipped scenario (three infusions of 30 CAR-NK/uL) against the CD19 CAR-T lupus course of
// Mackensen 2022 (5 patients): B cells undetectable within days (here: below 1/uL within a week
// and still so at day 28, after the CAR-NK peak), back after a mean of about 110 days (here:
// reappearance within +-30 %, 77-143 days, and only after the CAR-NK cells have contracted to a
// tenth of their peak), and the autoantibody falling (here: below half its baseline at day 100;
// Mackensen: anti-dsDNA fell in every patient). The kill rate k_B was set by hand to the
// reappearance time, so that number is a calibration check; the depletion speed and the fall
// of the antibody are not fitted. The reference here is CAR-T, evidence weak.
TEST(CarNkLupus, ShippedScenarioMeetsTheCarTLupusTiming) {
  for (const SolverMethod method : testing::kEveryMethod) {
    WellMixedScenario s = parse_well_mixed(TomlDocument::parse_file(
        std::string(NKSIM_SOURCE_DIR) + "/scenarios/car_nk_lupus.toml"));
    s.solver.method = method;
    s.output_interval_days = 0.25;
    const WellMixedResult r = simulate(resolve(s));
    double depleted_at = -1, back_at = -1, peak = 0, peak_at = 0;
    for (std::size_t i = 0; i < r.times_days.size(); ++i) {
      const double t = r.times_days[i], b = r.value(i, kB);
      const double n = r.value(i, 0) + r.value(i, 1);
      if (n > peak) {
        peak = n;
        peak_at = t;
      }
      if (depleted_at < 0 && b < 1) depleted_at = t;
      if (depleted_at >= 0 && back_at < 0 && b >= 1) back_at = t;
    }
    const std::string m(solver_method_name(method));
    EXPECT_GE(depleted_at, 0) << m;
    EXPECT_LE(depleted_at, 7) << m;
    EXPECT_GE(back_at, 77) << m;
    EXPECT_LE(back_at, 143) << m;
    EXPECT_GT(back_at, peak_at) << m;
    // At reappearance the CAR-NK cells are below a tenth of their peak.
    const std::size_t at_back = static_cast<std::size_t>(back_at / 0.25 + 0.5);
    EXPECT_LT(r.value(at_back, 0) + r.value(at_back, 1), 0.1 * peak) << m;
    EXPECT_LT(r.value(28 * 4, kB), 1.0) << m;
    EXPECT_LT(r.value(100 * 4, kAb), 50.0) << m;
  }
}

}  // namespace car_nk_lupus_test
}  // namespace nksim
