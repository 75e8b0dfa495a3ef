#include "nksim/trial/dose_find.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <functional>

#include "nksim/core/error.h"
#include "nksim/core/text.h"

namespace nksim {
namespace {

bool achieved(const WellMixedScenario& s, const std::string& outcome, int& simulations) {
  ++simulations;
  const WellMixedResult r = simulate(resolve(s));
  if (outcome == "eliminated") return r.elimination_time_days.has_value();
  return !r.escape_time_days.has_value();
}

void check_outcome(WellMixedScenario& s, const DoseFindOptions& o) {
  const auto outcomes = dose_find_outcomes();
  if (std::find(outcomes.begin(), outcomes.end(), o.outcome) == outcomes.end()) {
    throw InputError("outcome '" + o.outcome + "' is not one of: " + join(outcomes) +
                     did_you_mean(o.outcome, outcomes));
  }
  if (o.outcome == "eliminated" && !s.elimination_below) s.elimination_below = 1.0;
  if (o.outcome == "not_escaped" && !s.escape_above) {
    throw InputError("outcome not_escaped needs [endpoints].escape_above in the scenario");
  }
  if (!(o.rel_tol > 0) || !(o.min_factor > 0) || !(o.max_factor > o.min_factor)) {
    throw InputError("dose finding needs rel_tol > 0 and 0 < min_factor < max_factor");
  }
}

// success(x) is false at lo and true at hi (increasing) or the reverse (decreasing); bisects
// geometrically until hi / lo <= 1 + rel_tol.
void bisect(double& lo, double& hi, double rel_tol, const std::function<bool(double)>& success,
            bool increasing) {
  while (hi / lo > 1 + rel_tol) {
    const double mid = std::sqrt(lo * hi);
    if (success(mid) == increasing) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
}

}  // namespace

std::vector<std::string> dose_find_outcomes() { return {"eliminated", "not_escaped"}; }

DoseFindResult find_minimal_dose(const WellMixedScenario& scenario, const DoseFindOptions& o) {
  WellMixedScenario base = scenario;
  check_outcome(base, o);
  DoseFindResult result;
  result.unit = "scale";
  bool any = false;
  for (const DoseSpec& dose : base.doses) {
    if (dose.state != o.state) continue;
    if (!any) result.reference = dose.infusion ? dose.rate_per_day : dose.amount;
    any = true;
  }
  if (!any || !(result.reference > 0)) {
    throw InputError("the scenario has no dose with a positive amount or rate on state '" +
                     o.state + "' to scale");
  }
  const auto success = [&](double scale) {
    WellMixedScenario s = base;
    for (DoseSpec& dose : s.doses) {
      if (dose.state != o.state) continue;
      dose.amount *= scale;
      dose.rate_per_day *= scale;
    }
    return achieved(s, o.outcome, result.simulations);
  };
  if (success(0)) {
    result.found = true;
    result.without_dose = true;
    return result;
  }
  double lo = 1, hi = 1;
  if (success(1)) {
    lo = 0.1;
    while (success(lo)) {
      hi = lo;
      lo /= 10;
      if (lo < o.min_factor) {
        result.found = true;
        result.lower = 0;
        result.upper = hi;
        result.note = "achieved down to the smallest scale searched";
        return result;
      }
    }
  } else {
    hi = 10;
    while (!success(hi)) {
      lo = hi;
      hi *= 10;
      if (hi > o.max_factor) {
        result.lower = lo;
        result.upper = std::numeric_limits<double>::infinity();
        result.note = "not achieved up to scale " + format_number(o.max_factor);
        return result;
      }
    }
  }
  bisect(lo, hi, o.rel_tol, success, true);
  result.found = true;
  result.lower = lo;
  result.upper = hi;
  return result;
}

DoseFindResult find_critical_tumour(const WellMixedScenario& scenario, const DoseFindOptions& o) {
  WellMixedScenario base = scenario;
  check_outcome(base, o);
  const WellMixedProblem problem = resolve(base);
  const OdeModel& model = *problem.model;
  const std::string tumour(model.states()[model.tumour_state()].name);
  const double t0 = problem.initial[model.tumour_state()];
  if (!(t0 > 0)) throw InputError("the scenario's initial tumour must be > 0");
  DoseFindResult result;
  result.unit = "cells";
  result.reference = t0;
  const auto success = [&](double size) {
    WellMixedScenario s = base;
    s.initial[tumour] = size;
    return achieved(s, o.outcome, result.simulations);
  };
  // Achieved at lo, fails at hi.
  double lo = t0, hi = t0;
  if (success(t0)) {
    hi = t0 * 10;
    while (success(hi)) {
      lo = hi;
      hi *= 10;
      if (hi > t0 * o.max_factor) {
        result.lower = lo;
        result.upper = std::numeric_limits<double>::infinity();
        result.note = "achieved up to " + format_number(lo) + " cells";
        return result;
      }
    }
  } else {
    lo = t0 / 10;
    while (!success(lo)) {
      hi = lo;
      lo /= 10;
      if (lo < t0 * o.min_factor) {
        result.lower = 0;
        result.upper = hi;
        result.note = "not achieved down to " + format_number(hi) + " cells";
        return result;
      }
    }
  }
  bisect(lo, hi, o.rel_tol, success, false);
  result.found = true;
  result.lower = lo;
  result.upper = hi;
  return result;
}

}  // namespace nksim
