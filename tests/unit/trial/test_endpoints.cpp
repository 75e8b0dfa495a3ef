// Endpoints from hand-made tumour series.
#include <gtest/gtest.h>

#include "nksim/trial/endpoints.h"

namespace nksim {
namespace {

WellMixedResult series(std::vector<double> times, std::vector<double> tumour) {
  WellMixedResult r;
  r.num_states = 1;
  r.times_days = std::move(times);
  r.values = std::move(tumour);
  return r;
}

EndpointSpec spec() {
  EndpointSpec e;
  e.assessment_day = 4;
  e.death_above = 1000;
  e.elimination_below = 1;
  return e;
}

TEST(Endpoints, RecistCategoriesUseTheDocumentedThresholds) {
  const EndpointSpec e = spec();
  EXPECT_EQ(recist_category(true, -100, -100, e), "CR");
  EXPECT_EQ(recist_category(false, -30, 50, e), "PR");
  EXPECT_EQ(recist_category(false, -29, 20, e), "PD");
  EXPECT_EQ(recist_category(false, -29, 19.9, e), "SD");
}

TEST(Endpoints, ShrinkThenRegrowIsPartialResponseThenProgressionThenDeath) {
  // 100 -> 60 (-40 %) -> 50 (nadir) -> 70 (+40 % over nadir: progression at day 3) -> ...
  const auto r = series({0, 1, 2, 3, 4, 5, 6}, {100, 60, 50, 70, 90, 500, 1500});
  const Endpoints e = compute_endpoints(r, 0, 0, spec());
  EXPECT_DOUBLE_EQ(e.best_pct_change, -50);
  EXPECT_EQ(e.category, "PR");
  ASSERT_TRUE(e.ttp_days.has_value());
  EXPECT_DOUBLE_EQ(*e.ttp_days, 3);
  EXPECT_TRUE(e.death);
  EXPECT_DOUBLE_EQ(e.survival_days, 5.5);  // 500 -> 1500 crosses 1000 half-way
  ASSERT_TRUE(e.peak.has_value());
  EXPECT_DOUBLE_EQ(*e.peak, 1500);
}

TEST(Endpoints, SurvivorIsCensoredAtFollowUp) {
  const auto r = series({0, 2, 4, 8}, {100, 110, 105, 100});
  const Endpoints e = compute_endpoints(r, 0, -1, spec());
  EXPECT_EQ(e.category, "SD");
  EXPECT_FALSE(e.death);
  EXPECT_DOUBLE_EQ(e.survival_days, 8);
  EXPECT_FALSE(e.ttp_days.has_value());
  EXPECT_FALSE(e.peak.has_value());
}

TEST(Endpoints, EliminationIsCompleteResponse) {
  auto r = series({0, 1, 2, 8}, {100, 10, 0.5, 0.6});
  r.elimination_time_days = 1.8;
  const Endpoints e = compute_endpoints(r, 0, -1, spec());
  EXPECT_EQ(e.category, "CR");
  EXPECT_DOUBLE_EQ(e.best_pct_change, -100);
  EXPECT_FALSE(e.ttp_days.has_value());  // regrowth below one cell is not progression
}

// A peak read from a later day on: a load that falls under therapy and rebounds after it stops
// (a relapse after stopping a drug) is judged on the rebound, not on the load at the start.
TEST(Endpoints, PeakAfterADayIgnoresTheEarlierOutputs) {
  const auto r = series({0, 1, 2, 3, 4, 5}, {100, 5, 2, 8, 30, 20});
  EndpointSpec e = spec();
  EXPECT_DOUBLE_EQ(*compute_endpoints(r, 0, 0, e).peak, 100);
  e.peak_after_days = 2;  // the output at day 2 itself counts
  EXPECT_DOUBLE_EQ(*compute_endpoints(r, 0, 0, e).peak, 30);
  e.peak_after_days = 4.5;
  EXPECT_DOUBLE_EQ(*compute_endpoints(r, 0, 0, e).peak, 20);
  e.peak_after_days = 1.5;
  const auto fall = series({0, 1, 2, 3}, {100, 50, 10, 1});
  EXPECT_DOUBLE_EQ(*compute_endpoints(fall, 0, 0, e).peak, 10);
}

// Threshold endpoints read a state at a day: at an output time exactly, between two outputs by
// linear interpolation, after the last output its value; "above" and "below" are strict.
// A first-crossing threshold: the days from the landmark to the first output beyond the level
// after it, interpolated linearly from the last output short of it; strict; the first output
// after the landmark counts whole when it is already beyond; censored at follow-up otherwise.
TEST(Endpoints, FirstCrossingTimesFromTheLandmark) {
  const auto r = series({0, 1, 2, 3, 4}, {100, 5, 2, 8, 30});
  ThresholdSpec th{"relapse", "T", 1.5, 10, true, true};
  ThresholdResult x = first_crossing(r, 0, th);
  EXPECT_TRUE(x.met);
  EXPECT_DOUBLE_EQ(x.value, 3 + (10.0 - 8) / (30 - 8) - 1.5);  // 1.5909 days after day 1.5
  th.level = 30;  // 30 is not above 30
  x = first_crossing(r, 0, th);
  EXPECT_FALSE(x.met);
  EXPECT_DOUBLE_EQ(x.value, 4 - 1.5);
  th = {"gone", "T", 0, 50, false, true};  // below 50 from day 0: the output at day 1 is 5
  x = first_crossing(r, 0, th);
  EXPECT_TRUE(x.met);
  EXPECT_DOUBLE_EQ(x.value, 1);
  th = {"gone", "T", 0.5, 3, false, true};  // below 3: between day 1 (5) and day 2 (2)
  x = first_crossing(r, 0, th);
  EXPECT_DOUBLE_EQ(x.value, 1 + (3.0 - 5) / (2 - 5) - 0.5);
  // Through compute_endpoints, beside an at-day threshold.
  EndpointSpec e = spec();
  e.thresholds = {{"relapse", "T", 1.5, 10, true, true}, {"on_day_3", "T", 3, 7, true, false}};
  const Endpoints out = compute_endpoints(r, 0, -1, e, {0, 0});
  ASSERT_EQ(out.thresholds.size(), 2u);
  EXPECT_DOUBLE_EQ(out.thresholds[0].value, 3 + 2.0 / 22 - 1.5);
  EXPECT_DOUBLE_EQ(out.thresholds[1].value, 8);
  EXPECT_TRUE(out.thresholds[1].met);
}

TEST(Endpoints, ThresholdsReadTheStateAtTheirDay) {
  WellMixedResult r;
  r.num_states = 2;
  r.times_days = {0, 10, 20};
  r.values = {100, 50,    // day 0: tumour, second state
              80, 150,    // day 10
              60, 90};    // day 20
  EXPECT_DOUBLE_EQ(value_at_day(r, 1, 10), 150);
  EXPECT_DOUBLE_EQ(value_at_day(r, 1, 14), 150 + (90 - 150) * 0.4);  // 126
  EXPECT_DOUBLE_EQ(value_at_day(r, 0, 5), 90);
  EXPECT_DOUBLE_EQ(value_at_day(r, 1, 25), 90);
  EndpointSpec e = spec();
  e.assessment_day = 20;
  e.thresholds = {{"expansion", "N", 14, 126, true},   // 126 is not above 126
                  {"high", "N", 14, 125.9, true},
                  {"low", "T", 20, 60, false},         // 60 is not below 60
                  {"cleared", "T", 20, 60.1, false}};
  const Endpoints out = compute_endpoints(r, 0, -1, e, {1, 1, 0, 0});
  ASSERT_EQ(out.thresholds.size(), 4u);
  EXPECT_DOUBLE_EQ(out.thresholds[0].value, 126);
  EXPECT_FALSE(out.thresholds[0].met);
  EXPECT_TRUE(out.thresholds[1].met);
  EXPECT_DOUBLE_EQ(out.thresholds[2].value, 60);
  EXPECT_FALSE(out.thresholds[2].met);
  EXPECT_TRUE(out.thresholds[3].met);
  // Without thresholds there are none.
  EXPECT_TRUE(compute_endpoints(r, 0, -1, spec()).thresholds.empty());
}

}  // namespace
}  // namespace nksim
