// adler2020 against its fixed points, found here by root finding, and against the NK thresholds.
//
// At a fixed point C and P solve their own (quadratic) steady-state equations for given F and M:
//     gamma C^2 + (gamma k2 + alpha1 M - beta1 F) C - beta1 F k2 = 0
//     gamma P^2 + (gamma k1 + (alpha2 - beta3) F - beta2 M) P - (beta2 M + beta3 F) k1 = 0
// (the positive roots). With M > 0 the macrophage equation fixes C = C* = k2 mu2/(lambda2 - mu2),
// and the CSF1 equation then gives M(F) = (beta1 F - gamma C*)(k2 + C*)/(alpha1 C*), so hot
// fibrosis is a root of the one scalar myofibroblast equation
//     g(F) = lambda1 P/(k1 + P) (1 - F/K) - mu1 - delta = 0,   P = P(F, M(F));
// cold fibrosis is a root of the same with M = 0. Published values (BIOLOGY_DISEASES 4.2, 4.4,
// computed there with a Python integrator, printed to 3 digits): hot F 4.85e5, M 6.45e5; saddle
// F 3.2e3, M 2.8e3; cold F 2.88e5 with a threshold point at 6.2e3; hot fibrosis disappears for
// delta > 0.214 /day, cold for delta > 0.080 /day; at delta = 0.1 and 0.2 the hot F is 3.1e5 and
// 1.15e5. None of this uses nksim's right-hand side: the root finding below is independent.
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/ode/test_models.h"

namespace nksim {
namespace {

struct Adler {
  double lambda1, lambda2, mu1, mu2, K, k1, k2, beta1, beta2, beta3, alpha1, alpha2, gamma;
};

Adler adler_values() {
  const OdeModel* model = find_model("adler2020");
  const auto& v = model->find_parameter_set("adler2020")->values;
  const auto at = [&](const char* name) { return v[model->parameter_index(name)]; };
  return {at("lambda1"), at("lambda2"), at("mu1"),   at("mu2"),   at("K"),
          at("k1"),      at("k2"),      at("beta1"), at("beta2"), at("beta3"),
          at("alpha1"),  at("alpha2"),  at("gamma")};
}

double positive_root(double a, double b, double c) {
  return (-b + std::sqrt(b * b - 4 * a * c)) / (2 * a);
}

double pdgf(const Adler& x, double f, double m) {
  return positive_root(x.gamma, x.gamma * x.k1 + (x.alpha2 - x.beta3) * f - x.beta2 * m,
                       -(x.beta2 * m + x.beta3 * f) * x.k1);
}

double csf1(const Adler& x, double f, double m) {
  return positive_root(x.gamma, x.gamma * x.k2 + x.alpha1 * m - x.beta1 * f, -x.beta1 * f * x.k2);
}

double c_star(const Adler& x) { return x.k2 * x.mu2 / (x.lambda2 - x.mu2); }

double hot_macrophages(const Adler& x, double f) {
  const double c = c_star(x);
  return (x.beta1 * f - x.gamma * c) * (x.k2 + c) / (x.alpha1 * c);
}

double growth(const Adler& x, double f, double m, double delta) {
  const double p = pdgf(x, f, m);
  return x.lambda1 * p / (x.k1 + p) * (1 - f / x.K) - x.mu1 - delta;
}

// The branch: hot (M = M(F) > 0) for F above the F where M(F) = 0, or cold (M = 0).
struct Branch {
  double f_low;
  std::function<double(double)> macrophages;
};

Branch hot_branch(const Adler& x) {
  return {x.gamma * c_star(x) / x.beta1 * (1 + 1e-12),
          [x](double f) { return hot_macrophages(x, f); }};
}
Branch cold_branch() {
  return {1.0, [](double) { return 0.0; }};
}

// Roots of g on a log grid of F in (f_low, K), refined by bisection.
std::vector<double> fixed_points(const Adler& x, const Branch& b, double delta) {
  const auto g = [&](double f) { return growth(x, f, b.macrophages(f), delta); };
  std::vector<double> roots;
  constexpr int kGrid = 4000;
  double lo = b.f_low;
  for (int i = 1; i <= kGrid; ++i) {
    const double hi = b.f_low * std::pow(x.K / b.f_low, double(i) / kGrid) * (1 - 1e-12);
    if ((g(lo) < 0) != (g(hi) < 0)) {
      double x0 = lo, x1 = hi;
      for (int k = 0; k < 200; ++k) {
        const double mid = 0.5 * (x0 + x1);
        ((g(x0) < 0) == (g(mid) < 0) ? x0 : x1) = mid;
      }
      roots.push_back(0.5 * (x0 + x1));
    }
    lo = hi;
  }
  return roots;
}

// The saddle-node: the largest delta at which a positive fixed point still exists, by bisection
// on "g > 0 somewhere on the branch" (g decreases with delta, so the set is an interval).
double threshold(const Adler& x, const Branch& b) {
  const auto exists = [&](double delta) {
    constexpr int kGrid = 20000;
    for (int i = 1; i < kGrid; ++i) {
      const double f = b.f_low * std::pow(x.K / b.f_low, double(i) / kGrid);
      if (growth(x, f, b.macrophages(f), delta) > 0) return true;
    }
    return false;
  };
  double lo = 0, hi = x.lambda1;
  for (int k = 0; k < 60; ++k) {
    const double mid = 0.5 * (lo + hi);
    (exists(mid) ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

struct AdlerRun {
  WellMixedProblem problem;
  WellMixedResult result;
  double last(const char* state) const { return testing::final_value(problem, result, state); }
};

AdlerRun run(const std::string& set, double days, std::map<std::string, double> initial,
             std::map<std::string, double> parameters = {}) {
  // A run from a given state has no injury unless asked for (T_inj = 0: no injury event).
  if (!initial.empty() && !parameters.count("T_inj")) parameters["T_inj"] = 0;
  auto s = testing::scenario("adler2020", set, days, std::move(initial), std::move(parameters));
  s.output_interval_days = 10;
  AdlerRun r;
  r.problem = resolve(s);
  r.result = simulate(r.problem);
  return r;
}

// The hot fixed point with C and P at their steady state (no injury, no NK).
std::map<std::string, double> hot_start(const Adler& x) {
  const double f = fixed_points(x, hot_branch(x), 0).back();
  const double m = hot_macrophages(x, f);
  return {{"F", f}, {"M", m}, {"C", csf1(x, f, m)}, {"P", pdgf(x, f, m)}};
}

TEST(Adler2020, ParametersAreAdlersTableConvertedToDays) {
  const Adler x = adler_values();
  EXPECT_EQ(x.beta1, 470 * 1440.0);
  EXPECT_EQ(x.beta2, 70 * 1440.0);
  EXPECT_EQ(x.beta3, 240 * 1440.0);
  EXPECT_EQ(x.alpha1, 940 * 1440.0);
  EXPECT_EQ(x.alpha2, 510 * 1440.0);
  EXPECT_EQ(x.lambda1, 0.9);
  EXPECT_EQ(x.lambda2, 0.8);
  EXPECT_EQ(x.mu1, 0.3);
  EXPECT_EQ(x.mu2, 0.3);
  EXPECT_EQ(x.K, 1e6);
  EXPECT_EQ(x.k1, 6e8);
  EXPECT_EQ(x.k2, 6e8);
  EXPECT_EQ(x.gamma, 2.0);
}

// Published to 3 digits (2 for the saddle): tolerance one unit of the last printed digit, except
// cold fibrosis: the root is 2.840e5 here, 1.4 % below the printed 2.88e5 (the threshold point
// 6.10e3 vs 6.2e3); it is the exact root of the equations above, and long runs of nksim land on
// it (next test), so the printed value is taken as imprecise and checked within 2 %.
TEST(Adler2020, FixedPointsMatchThePublishedValues) {
  const Adler x = adler_values();
  const auto hot = fixed_points(x, hot_branch(x), 0);
  ASSERT_EQ(hot.size(), 2u);  // the saddle and hot fibrosis
  EXPECT_NEAR(hot[1], 4.85e5, 0.01e5);
  EXPECT_NEAR(hot_macrophages(x, hot[1]), 6.45e5, 0.01e5);
  EXPECT_NEAR(hot[0], 3.2e3, 0.1e3);
  EXPECT_NEAR(hot_macrophages(x, hot[0]), 2.8e3, 0.1e3);
  const auto cold = fixed_points(x, cold_branch(), 0);
  ASSERT_EQ(cold.size(), 2u);  // the threshold point and cold fibrosis
  EXPECT_NEAR(cold[1], 2.88e5, 0.02 * 2.88e5);
  EXPECT_NEAR(cold[0], 6.2e3, 0.02 * 6.2e3);
  // NK removal shrinks hot fibrosis (4.2.1: 3.1e5 at 0.1/day, 1.15e5 at 0.2/day).
  EXPECT_NEAR(fixed_points(x, hot_branch(x), 0.1).back(), 3.1e5, 0.1e5);
  EXPECT_NEAR(fixed_points(x, hot_branch(x), 0.2).back(), 1.15e5, 0.01e5);
}

// Long runs of the full four-equation model (not the reduction) end on the roots: from near hot
// fibrosis and, with M = 0, near cold fibrosis. Cold fibrosis is unstable to macrophages in the
// full model (there C ~ beta1 F/gamma >> k2, so M grows at lambda2 - mu2 = 0.5/day): rounding in
// the solver's linear algebra seeds M and the run leaves M = 0. Cold runs therefore use
// lambda2 = 0 (a macrophage-free tissue), which leaves the fixed point unchanged and makes
// M = 0 attracting.
TEST(Adler2020, LongRunsOfTheFullModelEndOnTheFixedPoints) {
  const Adler x = adler_values();
  const double hot_f = fixed_points(x, hot_branch(x), 0).back();
  const AdlerRun hot = run("adler2020", 1500, {{"F", 3e5}, {"M", 3e5}});
  EXPECT_NEAR(hot.last("F"), hot_f, 1e-6 * hot_f);
  EXPECT_NEAR(hot.last("M"), hot_macrophages(x, hot_f), 1e-6 * hot_macrophages(x, hot_f));
  EXPECT_NEAR(hot.last("C"), c_star(x), 1e-6 * c_star(x));

  const double cold_f = fixed_points(x, cold_branch(), 0).back();
  const AdlerRun cold = run("adler2020", 1500, {{"F", 1e5}, {"M", 0}}, {{"lambda2", 0}});
  EXPECT_NEAR(cold.last("F"), cold_f, 1e-6 * cold_f);
  EXPECT_LT(std::fabs(cold.last("M")), 1e-9);
  EXPECT_NEAR(cold.last("P"), pdgf(x, cold_f, 0), 1e-6 * pdgf(x, cold_f, 0));
}

// Thresholds printed to 3 decimals: tolerance 0.001/day. nksim's own numbers are 0.2144 and
// 0.0800.
TEST(Adler2020, NkThresholdsMatchThePublishedSaddleNodes) {
  const Adler x = adler_values();
  EXPECT_NEAR(threshold(x, hot_branch(x)), 0.214, 0.001);
  EXPECT_NEAR(threshold(x, cold_branch()), 0.080, 0.001);
}

// Just above the threshold the hot state resolves (F -> 0); just below it persists. The NK
// effort is carried by the NK state: N = s_N/d_N from the start, k_NK N = (1 +- 5 %) threshold.
TEST(Adler2020, HotFibrosisResolvesJustAboveTheNkThresholdAndPersistsBelow) {
  const Adler x = adler_values();
  const double delta_star = threshold(x, hot_branch(x));
  const double k_nk = 1e-7, d_n = 0.1;
  for (const double factor : {0.95, 1.05}) {
    const double n = factor * delta_star / k_nk;
    auto initial = hot_start(x);
    initial["N"] = n;
    const AdlerRun r = run("liver_nk", 800, initial, {{"s_N", n * d_n}});
    EXPECT_NEAR(r.last("N"), n, 1e-6 * n);
    const double expected =
        factor < 1 ? fixed_points(x, hot_branch(x), factor * delta_star).back() : 0.0;
    if (factor < 1) {
      EXPECT_NEAR(r.last("F"), expected, 1e-4 * expected) << "below the threshold";
    } else {
      EXPECT_LT(r.last("F"), 1.0) << "above the threshold the fibrosis should resolve";
      EXPECT_LT(r.last("M"), 1.0);
    }
  }
  // Cold fibrosis (macrophage-free, lambda2 = 0: see above) with a fixed removal delta0 either
  // side of its threshold.
  const double cold_star = threshold(x, cold_branch());
  const double cold_f = fixed_points(x, cold_branch(), 0).back();
  const AdlerRun below = run("adler2020", 1500, {{"F", cold_f}, {"M", 0}},
                             {{"delta0", 0.95 * cold_star}, {"lambda2", 0}});
  EXPECT_GT(below.last("F"), 1e4);
  const AdlerRun above = run("adler2020", 1500, {{"F", cold_f}, {"M", 0}},
                             {{"delta0", 1.05 * cold_star}, {"lambda2", 0}});
  EXPECT_LT(above.last("F"), 1.0);
}

// Krizhanovsky 2008 (qualitative): without NK removal the steady fibrotic mass is higher; with
// TGF-beta suppressing the NK cells (liver_nk_tgfb) it lies in between.
TEST(Adler2020, NkRemovalLowersSteadyFibrosisAsInKrizhanovsky2008) {
  const Adler x = adler_values();
  const auto start = hot_start(x);
  const double none = run("adler2020", 1500, start).last("F");
  auto with_nk = start;
  with_nk["N"] = 1e6;
  const double nk = run("liver_nk", 1500, with_nk).last("F");
  const double suppressed = run("liver_nk_tgfb", 1500, with_nk).last("F");
  EXPECT_NEAR(none, start.at("F"), 1e-6 * none);
  EXPECT_NEAR(nk, fixed_points(x, hot_branch(x), 0.1).back(), 1e-4 * nk);  // k_NK N = 0.1/day
  EXPECT_LT(nk, 0.8 * none);
  EXPECT_GT(suppressed, nk);
  EXPECT_LT(suppressed, none);
}

// The injury pulse: the 4-day macrophage influx of the default set drives one myofibroblast per
// mL to hot fibrosis; a 2-day injury heals (Adler's transient vs prolonged injury). The pulse
// ends exactly at T_inj (the model's own event).
TEST(Adler2020, ProlongedInjuryEndsInHotFibrosisAndABriefOneHeals) {
  const Adler x = adler_values();
  const double hot_f = fixed_points(x, hot_branch(x), 0).back();
  const AdlerRun prolonged = run("adler2020", 1000, {});
  EXPECT_NEAR(prolonged.last("F"), hot_f, 1e-4 * hot_f);
  EXPECT_EQ(prolonged.last("Inj"), 0.0);
  const AdlerRun brief = run("adler2020", 1000, {}, {{"T_inj", 2}});
  EXPECT_LT(brief.last("F"), 1e-3);
}

// Krizhanovsky 2008 (qualitative): NK depletion slows resolution after an injury stops. After the
// brief (2-day) injury the circuit heals with and without NK cells; with the resident NK cells of
// liver_nk the myofibroblasts fall below 1/mL sooner.
TEST(Adler2020, NkDepletionSlowsResolutionAfterABriefInjury) {
  double day[2] = {0, 0};
  const char* sets[2] = {"adler2020", "liver_nk"};
  for (int i = 0; i < 2; ++i) {
    auto s = testing::scenario("adler2020", sets[i], 1000, {}, {{"T_inj", 2}});
    s.elimination_below = 1;
    const WellMixedProblem problem = resolve(s);
    const WellMixedResult result = simulate(problem);
    ASSERT_TRUE(result.elimination_time_days.has_value()) << sets[i];
    day[i] = *result.elimination_time_days;
  }
  EXPECT_GT(day[0], day[1] + 1) << "without NK " << day[0] << " days, with NK " << day[1];
}

}  // namespace
}  // namespace nksim
