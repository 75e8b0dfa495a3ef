// The virtual Bachanova 2014 (scenarios/trial_aml_nk.toml, aml_nk) against the study's rates.
//
// Published (Bachanova 2014, Blood 123:3855, abstract): donor NK expansion (> 100 donor NK/uL
// blood on day 14) in 10 % of 42 patients with IL-2 and 27 % of 15 with IL2DT first, that is
// 4/42 and 4/15; complete remission on day 28 in 21 % (9/42) and 53 % (8/15); median 1000 NK/uL
// in those who expanded. A virtual arm passes when its rate lies inside the 95 % Wilson interval
// of the published count (the trial analysis' own interval).
//
// The small test runs 60 virtual patients (both arms each); the calibration with the shipped
// 400 patients is behind the ctest label "long" (test_aml_trial_long).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/trial/analysis.h"
#include "nksim/trial/run_plan.h"
#include "nksim/trial/trial_spec.h"

namespace nksim {
namespace {

struct ArmOutcome {
  std::size_t n = 0, expanded = 0, cr = 0;
  std::vector<double> expander_peaks;
  std::vector<double> e14;          // per patient
  std::vector<bool> cr_by_patient;  // per patient
  std::vector<double> engraftment;  // last day with E >= 10/uL, per patient
};

struct Cohort {
  ArmOutcome il2, il2dt;
};

Cohort run_trial(std::size_t patients) {
  TrialSpec spec = parse_trial_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_aml_nk.toml");
  spec.patients = patients;
  EXPECT_EQ(spec.arms.size(), 2u);
  EXPECT_EQ(spec.arms[0].name, "il2");
  EXPECT_EQ(spec.arms[1].name, "il2dt");
  EXPECT_EQ(spec.endpoints.thresholds.size(), 3u);  // expansion, CR, persistence
  const auto sampled = sample_patients(spec);
  Cohort c;
  for (const RunPlan& plan : make_run_plans(spec)) {
    const PlanResult r = run_plan(spec, sampled[plan.patient], plan);
    EXPECT_TRUE(r.ok) << r.message;
    if (!r.ok) continue;
    ArmOutcome& arm = plan.arm == 0 ? c.il2 : c.il2dt;
    const Endpoints& e = r.endpoints;
    ++arm.n;
    arm.expanded += e.thresholds[0].met;
    arm.cr += e.thresholds[1].met;
    if (e.thresholds[0].met) arm.expander_peaks.push_back(*e.peak);
    arm.e14.push_back(e.thresholds[0].value);
    arm.cr_by_patient.push_back(e.thresholds[1].met);
    // E is the first state; the series is stored every 0.5 day.
    double last = 0;
    const std::size_t n = r.states.size();
    for (std::size_t i = 0; i < r.times_days.size(); ++i) {
      if (r.values[i * n] >= 10) last = r.times_days[i];
    }
    arm.engraftment.push_back(last);
  }
  return c;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void expect_inside(std::size_t k, std::size_t n, std::size_t published_k, std::size_t published_n,
                   const char* what) {
  const Interval ci = wilson_interval(published_k, published_n);
  const double rate = static_cast<double>(k) / static_cast<double>(n);
  EXPECT_GE(rate, ci.lower) << what << ": " << k << "/" << n << " below the published "
                            << published_k << "/" << published_n << " interval";
  EXPECT_LE(rate, ci.upper) << what << ": " << k << "/" << n << " above the published "
                            << published_k << "/" << published_n << " interval";
}

void expect_bachanova(const Cohort& c) {
  expect_inside(c.il2.expanded, c.il2.n, 4, 42, "expansion with IL-2");
  expect_inside(c.il2dt.expanded, c.il2dt.n, 4, 15, "expansion with IL2DT");
  expect_inside(c.il2.cr, c.il2.n, 9, 42, "CR with IL-2");
  expect_inside(c.il2dt.cr, c.il2dt.n, 8, 15, "CR with IL2DT");
  // Treg depletion only removes an IL-2 sink: for every patient, at least as many donor NK cells
  // on day 14 and a remission kept.
  ASSERT_EQ(c.il2.e14.size(), c.il2dt.e14.size());
  for (std::size_t p = 0; p < c.il2.e14.size(); ++p) {
    EXPECT_GE(c.il2dt.e14[p], c.il2.e14[p]) << "patient " << p;
    if (c.il2.cr_by_patient[p]) {
      EXPECT_TRUE(c.il2dt.cr_by_patient[p]) << "patient " << p;
    }
  }
  // Median peak in expanders: 1000/uL published; within a factor of two.
  std::vector<double> peaks = c.il2.expander_peaks;
  peaks.insert(peaks.end(), c.il2dt.expander_peaks.begin(), c.il2dt.expander_peaks.end());
  ASSERT_FALSE(peaks.empty());
  EXPECT_GT(median(peaks), 500.0);
  EXPECT_LT(median(peaks), 2000.0);
}

#ifndef NKSIM_AML_TRIAL_LONG
TEST(AmlTrial, SixtyPatientsMeetBachanova2014WithinItsIntervals) {
  expect_bachanova(run_trial(60));
}
#else
// The shipped cohort (400 patients), and the engraftment of the unexpanded cells: Rubnitz 2010
// saw donor NK cells for a median of 10 days (range 2-189) after Cy/Flu and IL-2; here the
// median last day with at least 10 donor NK/uL (the detection level nk_kinetics takes) in the
// IL-2 arm lies within 7 to 14 days.
TEST(AmlTrial, ShippedCohortMeetsBachanova2014AndRubnitz2010) {
  const Cohort c = run_trial(400);
  EXPECT_EQ(c.il2.n, 400u);
  expect_bachanova(c);
  const double engraftment = median(c.il2.engraftment);
  EXPECT_GE(engraftment, 7.0);
  EXPECT_LE(engraftment, 14.0);
}
#endif

}  // namespace
}  // namespace nksim
