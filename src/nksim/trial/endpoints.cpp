#include "nksim/trial/endpoints.h"

#include <algorithm>
#include <cmath>

namespace nksim {

std::string recist_category(bool eliminated, double best_pct, double pct_at_assessment,
                            const EndpointSpec& spec) {
  if (eliminated) return "CR";
  if (best_pct <= spec.pr_below_pct) return "PR";
  if (pct_at_assessment >= spec.pd_above_pct) return "PD";
  return "SD";
}

double value_at_day(const WellMixedResult& result, std::size_t state, double day) {
  const auto& t = result.times_days;
  const auto after = std::lower_bound(t.begin(), t.end(), day);
  if (after == t.end()) return result.value(t.size() - 1, state);
  const auto i = static_cast<std::size_t>(after - t.begin());
  if (*after == day || i == 0) return result.value(i, state);
  const double ta = t[i - 1], tb = t[i];
  const double va = result.value(i - 1, state), vb = result.value(i, state);
  return va + (vb - va) * (day - ta) / (tb - ta);
}

ThresholdResult first_crossing(const WellMixedResult& result, std::size_t state,
                               const ThresholdSpec& th) {
  const auto& t = result.times_days;
  const auto beyond = [&](double v) { return th.above ? v > th.level : v < th.level; };
  ThresholdResult r;
  std::size_t i = static_cast<std::size_t>(std::upper_bound(t.begin(), t.end(), th.day) - t.begin());
  for (bool first_row = true; i < t.size(); ++i, first_row = false) {
    const double v = result.value(i, state);
    if (!beyond(v)) continue;
    r.met = true;
    if (first_row) {
      r.value = t[i] - th.day;
    } else {
      // Linear interpolation to the level between the last output short of it and this one.
      const double va = result.value(i - 1, state);
      r.value = t[i - 1] - th.day + (t[i] - t[i - 1]) * (th.level - va) / (v - va);
    }
    return r;
  }
  r.value = t.back() - th.day;  // censored at the end of follow-up
  return r;
}

Endpoints compute_endpoints(const WellMixedResult& result, std::size_t tumour, int peak_state,
                            const EndpointSpec& spec,
                            const std::vector<std::size_t>& threshold_states) {
  Endpoints e;
  const std::size_t rows = result.times_days.size();
  const double t0 = result.value(0, tumour);
  const auto pct = [&](double value) { return t0 > 0 ? 100.0 * (value / t0 - 1.0) : 0.0; };
  const double follow_up = result.times_days.back();
  e.elimination_time_days = result.elimination_time_days;
  e.escape_time_days = result.escape_time_days;
  // The solver may undershoot below zero once a tumour is eliminated; no fewer than 0 cells.
  e.final_tumour = std::max(0.0, result.value(rows - 1, tumour));

  // Best change and the change at the assessment day (the last output at or before it).
  double best = std::numeric_limits<double>::infinity();
  double at_assessment = 0;
  bool eliminated = false;
  for (std::size_t i = 1; i < rows; ++i) {
    const double t = result.times_days[i];
    if (t > spec.assessment_day + 1e-9) break;
    const double value = result.value(i, tumour);
    best = std::min(best, pct(value));
    at_assessment = pct(value);
    if (value < spec.elimination_below) eliminated = true;
  }
  if (e.elimination_time_days && *e.elimination_time_days <= spec.assessment_day + 1e-9) {
    eliminated = true;
  }
  if (eliminated) best = -100;
  if (!std::isfinite(best)) best = 0;
  e.best_pct_change = best;
  e.category = recist_category(eliminated, best, at_assessment, spec);

  // Progression: T reaches (1 + pd/100) x the nadir so far (and at least the elimination
  // threshold, so that regrowth of a fraction of a cell is not progression).
  double nadir = t0;
  const double factor = 1 + spec.pd_above_pct / 100;
  for (std::size_t i = 1; i < rows; ++i) {
    const double value = result.value(i, tumour);
    if (value >= factor * nadir && value >= spec.elimination_below) {
      e.ttp_days = result.times_days[i];
      break;
    }
    nadir = std::min(nadir, value);
  }

  // Survival: death when T first reaches death_above (linear interpolation between outputs);
  // censored at the end of follow-up otherwise.
  e.survival_days = follow_up;
  if (t0 >= spec.death_above) {
    e.death = true;
    e.survival_days = 0;
  } else if (result.escape_time_days) {  // the solver's root at death_above
    e.death = true;
    e.survival_days = *result.escape_time_days;
  } else {
    for (std::size_t i = 1; i < rows; ++i) {
      const double value = result.value(i, tumour);
      if (value >= spec.death_above) {
        const double prev = result.value(i - 1, tumour);
        const double ta = result.times_days[i - 1];
        const double tb = result.times_days[i];
        e.death = true;
        e.survival_days = ta + (tb - ta) * (spec.death_above - prev) / (value - prev);
        break;
      }
    }
  }

  if (peak_state >= 0) {
    double peak = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < rows; ++i) {
      if (result.times_days[i] < spec.peak_after_days - 1e-9) continue;
      peak = std::max(peak, result.value(i, static_cast<std::size_t>(peak_state)));
    }
    if (std::isfinite(peak)) e.peak = peak;
  }

  for (std::size_t k = 0; k < spec.thresholds.size() && k < threshold_states.size(); ++k) {
    const ThresholdSpec& th = spec.thresholds[k];
    ThresholdResult r;
    if (th.first) {
      r = first_crossing(result, threshold_states[k], th);
    } else {
      r.value = value_at_day(result, threshold_states[k], th.day);
      r.met = th.above ? r.value > th.level : r.value < th.level;
    }
    e.thresholds.push_back(r);
  }
  return e;
}

}  // namespace nksim
