// aml_nk against nk_kinetics (the model it extends), closed forms and the direction of the
// Treg effect in Bachanova 2014.
//
// Reduction: with no blasts (B = 0) and no Treg depletion (D = 0), aml_nk's E..IL2 right-hand
// side is nk_kinetics' with the same 17 kinetic parameters, term for term (nk_kinetics_terms.h).
// Closed forms, with the NK cells only contracting (rho15 = rho2 = 0, Tmax = 0, FB = 0):
//     E(t) = E0 e^{-alpha t}
//     B(t) = B0 exp(r_B t - kappa E0 (1 - e^{-alpha t}) / alpha)        (B_max -> infinity)
// and without NK cells (E0 = 0) the logistic
//     B(t) = B_max B0 e^{r_B t} / (B_max + B0 (e^{r_B t} - 1)).
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/io/toml_reader.h"
#include "unit/ode/test_models.h"

namespace nksim {
namespace {

constexpr std::size_t kKinetic = 6;  // E, M, A, L, IL15, IL2 lead both models

const OdeModel& aml() { return *find_model("aml_nk"); }
const OdeModel& kinetics() { return *find_model("nk_kinetics"); }

std::vector<double> aml_set(const char* set) { return aml().find_parameter_set(set)->values; }

// nk_kinetics' parameters with aml_nk's values (the first 17 of aml_nk, same names and order).
std::map<std::string, double> kinetic_parameters(const std::vector<double>& aml_values) {
  std::map<std::string, double> p;
  for (const ParameterInfo& info : kinetics().parameters()) {
    const int i = aml().parameter_index(info.name);
    EXPECT_EQ(i, kinetics().parameter_index(info.name)) << info.name;
    p[std::string(info.name)] = aml_values[static_cast<std::size_t>(i)];
  }
  return p;
}

// At random states with B = D = 0, E..IL2's derivatives and Jacobian entries are nk_kinetics'
// exactly (the same floating-point operations).
TEST(AmlNk, WithoutBlastsOrDepletionTheKineticTermsAreNkKineticsBitForBit) {
  ASSERT_EQ(aml().num_states(), kKinetic + 2);
  std::mt19937_64 rng(2014);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const char* set : {"il2", "il2dt"}) {
    const std::vector<double> pa = aml_set(set);
    std::vector<double> pk(pa.begin(), pa.begin() + 17);
    ASSERT_EQ(pk.size(), kinetics().parameters().size());
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<double> y = {std::pow(10.0, 4 * unit(rng)),
                               std::pow(10.0, 3 * unit(rng)),
                               trial % 2 == 0 ? 0.0 : 1.0,
                               unit(rng),
                               100 * unit(rng),
                               1e4 * unit(rng),
                               0.0,
                               0.0};
      std::vector<double> fa(8), fk(6), ja(64), jk(36);
      aml().rhs(0, y.data(), pa.data(), fa.data());
      kinetics().rhs(0, y.data(), pk.data(), fk.data());
      aml().jacobian(0, y.data(), pa.data(), ja.data());
      kinetics().jacobian(0, y.data(), pk.data(), jk.data());
      for (std::size_t i = 0; i < kKinetic; ++i) {
        EXPECT_EQ(fa[i], fk[i]) << set << " d" << i;
        for (std::size_t j = 0; j < kKinetic; ++j) EXPECT_EQ(ja[i * 8 + j], jk[i * 6 + j]);
      }
      EXPECT_EQ(fa[7], 0.0);  // no blasts stay no blasts
    }
  }
}

class AmlNkMethods : public ::testing::TestWithParam<SolverMethod> {};

// The same patient (il2 set, 80 NK/uL, IL-2 x 6) without blasts in both models: E and M agree at
// every output time to 1e-12 of the larger E along the run with Rodas4 and Rodas5P, 1e-11 with
// CVODE (whose variable-order steps leave about 2e-12 at these tolerances). The right-hand sides
// are equal bit for bit (above); the solvers' step sequences differ (aml_nk's error norm has two
// more components), so the runs use tolerances of 1e-14.
TEST_P(AmlNkMethods, WithoutBlastsTheTrajectoryIsNkKinetics) {
  std::vector<DoseSpec> doses;
  for (int k = 0; k < 6; ++k) {
    DoseSpec d;
    d.state = "IL2";
    d.time_days = 2.0 * k;
    d.amount = 9000;
    doses.push_back(d);
  }
  auto with = [&](WellMixedScenario s) {
    s.doses = doses;
    s.solver.method = GetParam();
    s.solver.rtol = 1e-14;
    s.solver.atol = 1e-14;
    s.output_interval_days = 0.5;
    return simulate(resolve(s));
  };
  const WellMixedResult a = with(testing::scenario("aml_nk", "il2", 28, {{"E", 80}}, {{"B0", 0}}));
  const WellMixedResult k = with(testing::scenario("nk_kinetics", "haplo_nk_il2", 28, {{"E", 80}},
                                                   kinetic_parameters(aml_set("il2"))));
  ASSERT_EQ(a.times_days, k.times_days);
  double scale = 0;
  for (std::size_t i = 0; i < k.times_days.size(); ++i) scale = std::max(scale, k.value(i, 0));
  scale *= GetParam() == SolverMethod::kCvode ? 10.0 : 1.0;
  for (std::size_t i = 0; i < k.times_days.size(); ++i) {
    EXPECT_NEAR(a.value(i, 0), k.value(i, 0), 1e-12 * scale) << "E at day " << k.times_days[i];
    EXPECT_NEAR(a.value(i, 1), k.value(i, 1), 1e-12 * scale) << "M at day " << k.times_days[i];
    EXPECT_EQ(a.value(i, 7), 0.0);
  }
}

// NK cells that only contract kill blasts by exp(-kappa E0 (1 - e^{-alpha t})/alpha) over their
// growth (B_max so large that the logistic brake is below 1e-9); relative error 1e-6.
TEST_P(AmlNkMethods, ContractingCellsKillBlastsAsTheClosedForm) {
  auto s = testing::scenario("aml_nk", "il2", 28, {{"E", 80}},
                             {{"rho15", 0}, {"rho2", 0}, {"B_max", 1e12}, {"B0", 20}});
  s.solver.method = GetParam();
  s.output_interval_days = 1;
  const WellMixedResult r = simulate(resolve(s));
  const double alpha = 0.5, kappa = 0.0015, r_b = 0.07;
  for (std::size_t i = 0; i < r.times_days.size(); ++i) {
    const double t = r.times_days[i];
    const double e = 80 * std::exp(-alpha * t);
    const double b = 20 * std::exp(r_b * t - kappa * 80 * (1 - std::exp(-alpha * t)) / alpha);
    EXPECT_NEAR(r.value(i, 0), e, 1e-6 * e + 1e-7) << "E at day " << t;
    EXPECT_NEAR(r.value(i, 7), b, 1e-6 * b) << "B at day " << t;
  }
}

// Without NK cells the blasts grow logistically to B_max = 100 %.
TEST_P(AmlNkMethods, WithoutNkCellsBlastsGrowLogistically) {
  auto s = testing::scenario("aml_nk", "il2", 120, {}, {{"B0", 5}});
  s.solver.method = GetParam();
  s.output_interval_days = 4;
  const WellMixedResult r = simulate(resolve(s));
  for (std::size_t i = 0; i < r.times_days.size(); ++i) {
    const double g = std::exp(0.07 * r.times_days[i]);
    const double b = 100 * 5 * g / (100 + 5 * (g - 1));
    EXPECT_NEAR(r.value(i, 7), b, 1e-6 * b) << "day " << r.times_days[i];
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMethod, AmlNkMethods, ::testing::ValuesIn(testing::kEveryMethod),
                         testing::method_test_name);

WellMixedResult shipped(std::map<std::string, double> parameters) {
  WellMixedScenario s = parse_well_mixed(
      TomlDocument::parse_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/aml_nk_il2.toml"));
  for (const auto& [name, value] : parameters) s.parameters[name] = value;
  s.output_interval_days = 1;
  return simulate(resolve(s));
}

// Bachanova 2014: Tregs compete with NK cells for IL-2. For a patient with twice the typical
// IL-15 production (one who expands), more Tregs give fewer donor NK on day 14, more blasts on
// day 28, and past some count no expansion (> 100/uL) and no remission (< 5 %).
TEST(AmlNk, MoreTregsGiveLessExpansionAndMoreBlasts) {
  double last_e = INFINITY, last_b = 0;
  bool expanded_low = false, expanded_high = true, cr_low = false, cr_high = true;
  const std::vector<double> tregs = {0, 15, 30, 58, 120, 240};
  for (const double treg : tregs) {
    const WellMixedResult r = shipped({{"p15", 2 * 49.92}, {"Treg", treg}});
    const double e14 = r.value(14, 0), b28 = r.value(28, 7);
    EXPECT_EQ(r.times_days[14], 14.0);
    EXPECT_LT(e14, last_e) << "Treg " << treg;
    EXPECT_GT(b28, last_b) << "Treg " << treg;
    last_e = e14;
    last_b = b28;
    if (treg == tregs.front()) {
      expanded_low = e14 > 100;
      cr_low = b28 < 5;
    }
    if (treg == tregs.back()) {
      expanded_high = e14 > 100;
      cr_high = b28 < 5;
    }
  }
  EXPECT_TRUE(expanded_low);
  EXPECT_FALSE(expanded_high);
  EXPECT_TRUE(cr_low);
  EXPECT_FALSE(cr_high);
}

// The il2dt set is the il2 set with the Tregs depleted at the infusion (D0 = 0.9): the typical
// patient keeps more donor NK cells and fewer blasts with it.
TEST(AmlNk, TregDepletionSetHelpsTheTypicalPatient) {
  const std::vector<double> il2 = aml_set("il2"), il2dt = aml_set("il2dt");
  const int d0 = aml().parameter_index("D0");
  for (std::size_t i = 0; i < il2.size(); ++i) {
    if (static_cast<int>(i) == d0) continue;
    EXPECT_EQ(il2[i], il2dt[i]) << aml().parameters()[i].name;
  }
  EXPECT_EQ(il2[static_cast<std::size_t>(d0)], 0.0);
  const WellMixedResult without = shipped({});
  const WellMixedResult with = shipped({{"D0", 0.9}});
  EXPECT_GT(with.value(14, 0), without.value(14, 0));
  EXPECT_LT(with.value(28, 7), without.value(28, 7));
  EXPECT_EQ(with.value(0, 6), 0.9);
}

}  // namespace
}  // namespace nksim
