// Trial endpoints of one simulated (patient, arm), computed from the tumour time series
// (docs/trials.md, "Endpoints").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nksim/ode/well_mixed.h"
#include "nksim/trial/trial_spec.h"

namespace nksim {

// A threshold endpoint of one run: the state's value on the day, and whether it met the level;
// for a first-crossing threshold, the days from the landmark to the crossing (met) or to the end
// of follow-up (not met: censored).
struct ThresholdResult {
  double value = 0;
  bool met = false;
};

struct Endpoints {
  double best_pct_change = 0;      // min over output times in (0, assessment] of 100 (T/T0 - 1)
  std::string category;            // "CR", "PR", "SD" or "PD"
  std::optional<double> ttp_days;  // first growth of pd_above_pct over the nadir so far
  double survival_days = 0;        // death time, or follow-up (censored)
  bool death = false;              // the tumour reached death_above
  std::optional<double> elimination_time_days;
  std::optional<double> escape_time_days;
  std::optional<double> peak;  // max of the peak state over the run from peak_after_days
  double final_tumour = 0;     // tumour at the end of follow-up (>= 0)
  std::vector<ThresholdResult> thresholds;  // one per EndpointSpec::thresholds, in its order
};

// Category at the assessment day: CR if eliminated by then; else PR if the best change is
// <= pr_below_pct; else PD if the change at the assessment day is >= pd_above_pct; else SD.
std::string recist_category(bool eliminated, double best_pct, double pct_at_assessment,
                            const EndpointSpec& spec);

// The value of state `state` at `day`: the output at that time, or linear interpolation between
// the two outputs around it (the last output when `day` is after it).
double value_at_day(const WellMixedResult& result, std::size_t state, double day);

// The first time after th.day at which the state is beyond th.level (strictly above or below):
// over the output times after th.day, interpolated linearly between the last output short of
// the level and the first beyond it (the first output after th.day itself when it is already
// beyond). value = days from th.day; not met: days to the end of follow-up (censored).
ThresholdResult first_crossing(const WellMixedResult& result, std::size_t state,
                               const ThresholdSpec& th);

// `tumour` and `peak_state` are state indices (peak_state < 0: no peak); `threshold_states`
// holds the state index of each of spec.thresholds.
Endpoints compute_endpoints(const WellMixedResult& result, std::size_t tumour, int peak_state,
                            const EndpointSpec& spec,
                            const std::vector<std::size_t>& threshold_states = {});

}  // namespace nksim
