// Dose finding recovers thresholds known in closed form.
//
// de Pillis 2005 reduced to dT/dt = a T - c N T with N constant: b = 0 (no carrying capacity),
// sigma = f = g = p = 0 (NK cells neither made nor lost) and r = 0, L0 = 0 (no CD8 cells).
// A bolus of A NK cells at t = 0 (N0 = 0) gives T(t) = T0 exp((a - c A) t), which falls below
// one cell by t_end iff  A > A* = (a + ln(T0) / t_end) / c.
// With N = N0 fixed, T0 is eliminated by t_end iff  T0 < exp((c N0 - a) t_end).
#include <gtest/gtest.h>

#include <cmath>

#include "nksim/core/error.h"
#include "nksim/trial/dose_find.h"

namespace nksim {
namespace {

constexpr double kA = 0.514, kC = 3.23e-7;

WellMixedScenario reduced(double t0, double nk_bolus, double end_days) {
  WellMixedScenario s;
  s.model = "depillis2005";
  s.end_time_days = end_days;
  s.output_interval_days = 1;
  s.parameters = {{"b", 0}, {"sigma", 0}, {"f", 0}, {"g", 0}, {"p", 0}, {"r", 0}};
  s.initial = {{"T", t0}, {"N", 0}, {"L", 0}};
  DoseSpec dose;
  dose.state = "N";
  dose.time_days = 0;
  dose.amount = nk_bolus;
  s.doses.push_back(dose);
  s.elimination_below = 1;
  return s;
}

TEST(DoseFind, RecoversTheAnalyticMinimalBolus) {
  const double t0 = 1e6, end = 30;
  const double threshold = (kA + std::log(t0) / end) / kC;  // 3.01708e6 NK cells
  DoseFindOptions options;
  options.state = "N";
  options.rel_tol = 1e-4;
  const DoseFindResult r = find_minimal_dose(reduced(t0, 1e6, end), options);
  ASSERT_TRUE(r.found);
  EXPECT_DOUBLE_EQ(r.reference, 1e6);
  EXPECT_LE(r.upper / r.lower, 1 + 1e-4);
  EXPECT_LT(r.lower * r.reference, threshold * (1 + 1e-4));
  EXPECT_GT(r.upper * r.reference, threshold * (1 - 1e-4));
}

TEST(DoseFind, RecoversTheAnalyticCriticalTumourSize) {
  const double n0 = 5e6, end = 10;
  const double critical = std::exp((kC * n0 - kA) * end);  // 6.0476e4 cells
  DoseFindOptions options;
  options.rel_tol = 1e-4;
  const DoseFindResult r = find_critical_tumour(reduced(1e3, n0, end), options);
  ASSERT_TRUE(r.found);
  EXPECT_LT(r.lower, critical * (1 + 1e-4));
  EXPECT_GT(r.upper, critical * (1 - 1e-4));
  EXPECT_LE(r.upper / r.lower, 1 + 1e-4);
}

TEST(DoseFind, ReportsWhenNoDoseIsNeededOrNoneSuffices) {
  DoseFindOptions options;
  options.state = "N";
  WellMixedScenario strong = reduced(1e6, 1e6, 30);
  strong.initial["N"] = 1e7;  // c N - a = 2.7 per day without any dose
  const DoseFindResult easy = find_minimal_dose(strong, options);
  EXPECT_TRUE(easy.found);
  EXPECT_TRUE(easy.without_dose);
  options.max_factor = 10;  // a bolus of at most 1e3 cells cannot kill 1e6 cells
  const DoseFindResult hard = find_minimal_dose(reduced(1e6, 100, 30), options);
  EXPECT_FALSE(hard.found);
  EXPECT_TRUE(std::isinf(hard.upper));
}

TEST(DoseFind, RejectsAStateWithoutDoses) {
  DoseFindOptions options;
  options.state = "L";
  EXPECT_THROW(find_minimal_dose(reduced(1e6, 1e6, 30), options), InputError);
  options.state = "N";
  options.outcome = "cured";
  EXPECT_THROW(find_minimal_dose(reduced(1e6, 1e6, 30), options), InputError);
}

}  // namespace
}  // namespace nksim
