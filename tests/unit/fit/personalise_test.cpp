// nksim personalise: the ensemble of acceptable fits, outcome definitions, dominance and an
// analytic schedule comparison.
//
// Analytic case. In de Pillis 2006 the drug M is independent of every other state:
// dM/dt = -gamma M, and a bolus X at day tb adds X. So for a member (gamma, M0)
//     M(t) = M0 e^{-gamma t} + X e^{-gamma (t - tb)} [t >= tb],
// the response "M(5) <= level" of each member is known in closed form, hence the response
// probability of the schedule over a given ensemble; and with tb = 2.5 between the output times
// 2 and 3, the time to a doubling above the nadir M(2) is 2 + M(2) / (M(3) - M(2)) (linear
// between the output times) when M(3) > 2 M(2).
#include "nksim/fit/personalise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nksim/core/error.h"
#include "support/run_cli.h"
#include "unit/fit/kuznetsov_synthetic.h"

namespace nksim {
namespace {

using testing::fresh_directory;
using testing::normal;
using testing::write_file;

constexpr double kBolusDay = 2.5, kBolus = 8, kLevel = 1.69;

// Drug decay, gamma = 0.7/day, M0 = 10 mg/L, log-normal noise 0.2, daily samples on days 0..10.
// No profiles and bounds a few times wider than the joint 95 % region (gamma +- 0.05, M0 x/ 1.3),
// so that the ensemble is drawn from the bounds and the tests stay fast.
void write_drug_fit(const std::filesystem::path& dir) {
  write_file(dir / "drug.toml", R"([simulation]
engine = "well_mixed"
model = "depillis2006"
parameter_set = "patient9"
end_time_days = 10
output_interval_days = 1
[solver]
rtol = 1e-8
atol = 1e-10
[initial]
M = 10
)");
  std::ostringstream csv;
  csv.precision(17);
  csv << "time_days,observable,value\n";
  for (int i = 0; i <= 10; ++i) {
    csv << i << ",drug,"
        << 10 * std::exp(-0.7 * i + 0.2 * normal(21, static_cast<std::uint64_t>(i))) << "\n";
  }
  write_file(dir / "drug.csv", csv.str());
  write_file(dir / "fit.toml", R"([fit]
scenario = "drug.toml"
measurements = "drug.csv"
starts = 2
seed = 3
profiles = false
[[observable]]
name = "drug"
state = "M"
noise = "lognormal"
sd = 0.2
[[parameter]]
name = "gamma"
lower = 0.55
upper = 0.85
log = true
[[parameter]]
name = "initial.M"
lower = 6
upper = 16
log = true
)");
}

std::string personalise_toml(int members) {
  return R"([personalise]
fit = "fit.toml"
members = )" +
         std::to_string(members) + R"(
seed = 4
[outcomes]
horizon_days = 6
output_interval_days = 1
target = "M"
response_below = )" +
         std::to_string(kLevel) + R"(
response_day = 5
progression_factor = 2
toxicity_state = "M"
[[schedule]]
name = "none"
[[schedule]]
name = "bolus"
[[schedule.dose]]
state = "M"
time_days = 2.5
amount = 8
)";
}

TEST(Personalise, ChiSquareQuantilesMatchTables) {
  // df = 2 in closed form: -2 ln 0.05; the others from standard tables.
  EXPECT_NEAR(chi2_quantile(0.95, 2), -2 * std::log(0.05), 1e-9);
  EXPECT_NEAR(chi2_quantile(0.95, 1), 3.841458820694124, 1e-9);
  EXPECT_NEAR(chi2_quantile(0.95, 3), 7.814727903251178, 1e-9);
  EXPECT_NEAR(chi2_quantile(0.95, 10), 18.307038053275146, 1e-8);
  EXPECT_NEAR(2 * joint_threshold95(1), 2 * kProfileThreshold95, 1e-9);
}

class Ensembles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fresh_directory("personalise-ensemble");
    write_drug_fit(dir_);
    spec_ = read_fit_spec_file(dir_ / "fit.toml");
    fit_ = run_fit(spec_, {});
  }
  std::filesystem::path dir_;
  FitSpec spec_;
  FitResult fit_;
};

TEST_F(Ensembles, EveryMemberIsAcceptableAndTheBestFitIsMemberZero) {
  const FitObjective objective(spec_);
  EnsembleOptions options;
  options.members = 20;
  const Ensemble e = sample_ensemble(objective, fit_, options, 1);
  ASSERT_EQ(e.members.size(), 20u);
  EXPECT_NEAR(e.threshold, 0.5 * (-2 * std::log(0.05)), 1e-12);
  EXPECT_EQ(e.proposal, "ellipsoid");
  EXPECT_TRUE(e.members[0].best_fit);
  EXPECT_EQ(e.members[0].values, fit_.estimate);
  for (const auto& m : e.members) {
    const double recomputed = objective(m.values);
    EXPECT_DOUBLE_EQ(recomputed, m.objective);
    EXPECT_LE(recomputed - fit_.objective, e.threshold);
  }
  // Rejections happen: the box is wider than the region (else the test could not fail).
  EXPECT_GT(e.tries, e.members.size() - 1);
  // The same members at two threads.
  const Ensemble two = sample_ensemble(objective, fit_, options, 2);
  ASSERT_EQ(two.members.size(), e.members.size());
  for (std::size_t i = 0; i < e.members.size(); ++i) {
    EXPECT_EQ(two.members[i].values, e.members[i].values);
    EXPECT_EQ(two.members[i].candidate, e.members[i].candidate);
  }
}

TEST_F(Ensembles, AWiderThresholdAcceptsASuperset) {
  const FitObjective objective(spec_);
  EnsembleOptions narrow;
  narrow.members = 10;
  narrow.threshold = 1.0;
  EnsembleOptions wide = narrow;
  wide.threshold = 2.9;  // below chi2_{2,0.95}/2 = 2.996: the same proposal as narrow
  const Ensemble a = sample_ensemble(objective, fit_, narrow, 1);
  const Ensemble b = sample_ensemble(objective, fit_, wide, 1);
  EXPECT_LE(b.tries, a.tries);
  std::size_t shared = 0;
  for (const auto& m : a.members) {
    if (m.best_fit || m.candidate > b.tries) continue;
    ++shared;
    const bool found = std::any_of(b.members.begin(), b.members.end(), [&](const auto& x) {
      return !x.best_fit && x.candidate == m.candidate;
    });
    EXPECT_TRUE(found) << "candidate " << m.candidate;
  }
  EXPECT_GT(shared, 0u);
  // And b holds candidates that a rejected.
  std::size_t only_wide = 0;
  for (const auto& x : b.members) {
    only_wide += x.objective - fit_.objective > 1.0 ? 1 : 0;
  }
  EXPECT_GT(only_wide, 0u);
}

TEST_F(Ensembles, TooFewAcceptedIsAClearError) {
  const FitObjective objective(spec_);
  EnsembleOptions options;
  options.members = 30;
  options.max_tries = 10;
  options.threshold = 1e-9;
  try {
    (void)sample_ensemble(objective, fit_, options, 1);
    FAIL() << "expected an error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("max_tries"), std::string::npos) << e.what();
  }
}

// The box: each profile interval around the estimate, widened by 1.5 sqrt(chi2_2 / chi2_1)
// = 1.5 x 1.2489 on each side, clipped to [0, 1].
TEST_F(Ensembles, SamplingBoxWidensTheProfileIntervals) {
  const FitObjective objective(spec_);
  FitResult fit = fit_;
  fit.estimate = {objective.from_unit(0, 0.5), objective.from_unit(1, 0.3)};
  fit.profiles.resize(2);
  fit.profiles[0].lower = objective.from_unit(0, 0.4);
  fit.profiles[0].upper = objective.from_unit(0, 0.6);
  fit.profiles[1].lower = objective.from_unit(1, 0.1);
  fit.profiles[1].upper = objective.from_unit(1, 0.35);
  const auto box = sampling_box(objective, fit, {});
  const double w = 1.5 * std::sqrt(-2 * std::log(0.05) / 3.841458820694124);
  EXPECT_NEAR(box[0].first, 0.5 - 0.1 * w, 1e-9);
  EXPECT_NEAR(box[0].second, 0.5 + 0.1 * w, 1e-9);
  EXPECT_EQ(box[1].first, 0.0);  // 0.3 - 0.2 w < 0: clipped
  EXPECT_NEAR(box[1].second, 0.3 + 0.05 * w, 1e-9);
}

TEST(Personalise, OutcomesOfAHandMadeTrajectory) {
  OutcomeSpec o;
  o.horizon_days = 5;
  o.response_below = 2.5;
  o.response_day = 2;
  o.progression_factor = 2;
  const std::vector<double> t{0, 1, 2, 3, 4, 5};
  const std::vector<double> y{10, 5, 2, 3, 5, 8};
  const std::vector<double> tox{1, 4, 3, 0, 0, 0};
  MemberOutcome m = member_outcome(t, y, tox, o);
  EXPECT_TRUE(m.response);
  EXPECT_EQ(m.target_at_response_day, 2);
  EXPECT_EQ(m.toxicity_peak, 4);
  // Nadir 2 at day 2; 2 x 2 = 4 is crossed between day 3 (3) and day 4 (5): 3.5.
  EXPECT_TRUE(m.progressed);
  EXPECT_DOUBLE_EQ(m.ttp_days, 3.5);
  // From the baseline (10): never above 20, censored at the horizon.
  o.progression_from = ProgressionReference::kBaseline;
  m = member_outcome(t, y, tox, o);
  EXPECT_FALSE(m.progressed);
  EXPECT_EQ(m.ttp_days, 5);
  o.response_below = 1.9;
  EXPECT_FALSE(member_outcome(t, y, tox, o).response);
  // Watched from day 3 (value 3): 2 x 3 = 6 is crossed between day 4 (5) and day 5 (8): 4 1/3.
  o.progression_from = ProgressionReference::kNadir;
  o.progression_after_day = 3;
  m = member_outcome(t, y, tox, o);
  EXPECT_TRUE(m.progressed);
  EXPECT_NEAR(m.ttp_days, 4 + 1.0 / 3, 1e-12);
}

ScheduleSummary row(const char* name, double response, double ttp, double tox) {
  ScheduleSummary s;
  s.name = name;
  s.response_probability = response;
  s.ttp_median = ttp;
  s.toxicity_median = tox;
  return s;
}

TEST(Personalise, DominanceOnAHandMadeTable) {
  std::vector<ScheduleSummary> s{row("A", 0.8, 30, 5), row("B", 0.6, 20, 6), row("C", 0.9, 10, 1),
                                 row("D", 0.8, 30, 5), row("E", 0.8, 30, 7), row("F", 0.1, 5, 0.5)};
  mark_dominated(s);
  EXPECT_EQ(s[0].dominated_by, std::vector<std::size_t>{});        // A: tied with D only
  EXPECT_EQ(s[1].dominated_by, (std::vector<std::size_t>{0, 3}));  // B: by A and D
  EXPECT_EQ(s[2].dominated_by, std::vector<std::size_t>{});        // C: best response
  EXPECT_EQ(s[3].dominated_by, std::vector<std::size_t>{});        // D: tied with A
  EXPECT_EQ(s[4].dominated_by, (std::vector<std::size_t>{0, 3}));  // E: more toxic than A, D
  EXPECT_EQ(s[5].dominated_by, std::vector<std::size_t>{});        // F: least toxic
}

TEST(Personalise, SummaryQuantilesAndWilsonInterval) {
  std::vector<MemberOutcome> m(4);
  for (std::size_t i = 0; i < 4; ++i) {
    m[i].response = i < 1;
    m[i].ttp_days = static_cast<double>(i + 1);  // 1 2 3 4
    m[i].toxicity_peak = 10.0 * static_cast<double>(i);
  }
  const ScheduleSummary s = summarise_schedule("x", m);
  EXPECT_EQ(s.responders, 1u);
  EXPECT_DOUBLE_EQ(s.response_probability, 0.25);
  EXPECT_DOUBLE_EQ(s.ttp_median, 2.5);
  EXPECT_DOUBLE_EQ(s.ttp_p10, 1.3);  // 1 + 0.3 (2 - 1)
  EXPECT_DOUBLE_EQ(s.toxicity_p90, 27);
  // Wilson 95 % for 1 of 4 (p = 0.25, z = 1.96): [0.0456, 0.6994].
  EXPECT_NEAR(s.response_interval.lower, 0.04558, 1e-4);
  EXPECT_NEAR(s.response_interval.upper, 0.69936, 1e-4);
}

TEST(Personalise, ResponseProbabilityOfABolusMatchesTheClosedForm) {
  const auto dir = fresh_directory("personalise-analytic");
  write_drug_fit(dir);
  write_file(dir / "personalise.toml", personalise_toml(30));
  const PersonaliseSpec spec = read_personalise_spec_file(dir / "personalise.toml");
  const PersonaliseResult r = run_personalise(spec, 2);
  ASSERT_EQ(r.schedules.size(), 2u);
  const std::size_t n = r.ensemble.members.size();
  ASSERT_EQ(n, 30u);
  std::size_t responders = 0, near_level = 0;
  for (std::size_t m = 0; m < n; ++m) {
    const double gamma = r.ensemble.members[m].values[0];
    const double m0 = r.ensemble.members[m].values[1];
    const double at5 = m0 * std::exp(-5 * gamma) + kBolus * std::exp(-gamma * (5 - kBolusDay));
    responders += at5 <= kLevel ? 1 : 0;
    near_level += std::abs(at5 - kLevel) < 1e-4 * kLevel ? 1 : 0;
    const MemberOutcome& bolus = r.outcomes[1][m];
    EXPECT_NEAR(bolus.target_at_response_day, at5, 1e-5 * at5);
    // Time to progression: doubling above the nadir M(2), crossed before day 3.
    const double m2 = m0 * std::exp(-2 * gamma);
    const double m3 = m0 * std::exp(-3 * gamma) + kBolus * std::exp(-gamma * (3 - kBolusDay));
    ASSERT_GT(m3, 2 * m2);
    EXPECT_TRUE(bolus.progressed);
    EXPECT_NEAR(bolus.ttp_days, 2 + m2 / (m3 - m2), 1e-5);
    // Untreated: monotone decay, no progression, the peak is M(0).
    const MemberOutcome& none = r.outcomes[0][m];
    EXPECT_FALSE(none.progressed);
    EXPECT_EQ(none.ttp_days, 6);
    EXPECT_NEAR(none.toxicity_peak, m0, 1e-9 * m0);
    EXPECT_TRUE(none.response);  // 10 e^{-3.5} = 0.30 <= 1.69
  }
  EXPECT_EQ(near_level, 0u);
  EXPECT_EQ(r.schedules[1].responders, responders);
  EXPECT_DOUBLE_EQ(r.schedules[1].response_probability,
                   static_cast<double>(responders) / static_cast<double>(n));
  // The ensemble straddles the level, so the probability is strictly between 0 and 1.
  EXPECT_GT(responders, 0u);
  EXPECT_LT(responders, n);
  // "none" responds always, never progresses and peaks lower at the same M(0): it dominates.
  EXPECT_TRUE(r.schedules[1].dominated());
  EXPECT_FALSE(r.schedules[0].dominated());
}

TEST(Personalise, BadSpecsNameFileLineAndKey) {
  const auto dir = fresh_directory("personalise-bad");
  write_drug_fit(dir);
  auto expect_error = [&](const std::string& text, const std::string& fragment) {
    write_file(dir / "p.toml", text);
    try {
      (void)read_personalise_spec_file(dir / "p.toml");
      ADD_FAILURE() << "expected an error containing " << fragment;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  std::string good = personalise_toml(10);
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  expect_error(edited("target = \"M\"", "target = \"Q\""), "p.toml:8:10: 'outcomes.target' is 'Q'");
  expect_error(edited("amount = 8", "amount = -8"), "'schedule[2].dose[1].amount'");
  expect_error(edited("seed = 4", "seed = 4\nsead = 5"), "sead");
  expect_error(edited("fit = \"fit.toml\"", "fit = \"missing.toml\""),
               "p.toml:2:7: 'personalise.fit'");
  const std::string no_schedules = good.substr(0, good.find("[[schedule]]"));
  expect_error(no_schedules, "schedule");
}

}  // namespace
}  // namespace nksim
