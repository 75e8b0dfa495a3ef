#include "nksim/trial/endpoint_spec.h"

#include <algorithm>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/scenario.h"

namespace nksim {
namespace {

// [[endpoints.threshold]]: a state above or below a level on a day (well-mixed bases only).
void read_thresholds(TableReader& endpoints, TrialSpec& spec,
                     const std::vector<std::string>& states) {
  std::vector<std::string> names;
  for (auto& t : endpoints.tables("threshold")) {
    if (spec.engine == "spatial") {
      t.fail("state", "threshold endpoints need a well-mixed base (not yet for spatial trials)");
    }
    ThresholdSpec th;
    th.name = t.string("name");
    if (th.name.empty() ||
        th.name.find_first_of(" \t,\"'") != std::string::npos) {
      t.fail("name", "must be one word (no spaces, commas or quotes), got '" + th.name + "'");
    }
    if (std::find(names.begin(), names.end(), th.name) != names.end()) {
      t.fail("name", "'" + th.name + "' is used by another threshold");
    }
    names.push_back(th.name);
    th.state = t.string("state");
    if (std::find(states.begin(), states.end(), th.state) == states.end()) {
      t.fail("state", "is '" + th.state + "', not a state of " + spec.base.model + " (" +
                          join(states) + ")" + did_you_mean(th.state, states));
    }
    const auto first = t.optional_number("first_after_day", Bound::kNonNegative);
    if (first) {
      if (t.has("day")) t.fail("day", "give either day or first_after_day, not both");
      th.first = true;
      th.day = *first;
      if (!(th.day < spec.follow_up_days)) {
        t.fail("first_after_day", "must be before follow_up_days (" +
                                      format_number(spec.follow_up_days) + ")");
      }
    } else {
      th.day = t.number("day", Bound::kPositive);
      if (th.day > spec.follow_up_days) {
        t.fail("day", "must not be after follow_up_days (" +
                          format_number(spec.follow_up_days) + ")");
      }
    }
    const auto above = t.optional_number("above");
    const auto below = t.optional_number("below");
    if (above.has_value() == below.has_value()) {
      t.fail(above ? "below" : "above", "give exactly one of above and below");
    }
    th.above = above.has_value();
    th.level = above ? *above : *below;
    t.finish();
    spec.endpoints.thresholds.push_back(th);
  }
}

}  // namespace

// [endpoints]: thresholds of the categories, death and elimination, and the peak state.
void read_endpoints(TableReader& root, TrialSpec& spec) {
  EndpointSpec& e = spec.endpoints;
  e.elimination_below = spec.base.elimination_below.value_or(1.0);
  const bool spatial = spec.engine == "spatial";
  const std::vector<std::string> series =
      spatial ? spec.spatial_series : scenario_model(spec.base)->state_names();
  auto endpoints = root.optional_table("endpoints");
  if (endpoints) {
    e.assessment_day =
        endpoints->number_or("assessment_day", spec.follow_up_days, Bound::kPositive);
    if (e.assessment_day > spec.follow_up_days) {
      endpoints->fail("assessment_day", "must not be after follow_up_days (" +
                                            format_number(spec.follow_up_days) + ")");
    }
    e.pr_below_pct = endpoints->number_or("pr_below_pct", e.pr_below_pct);
    e.pd_above_pct = endpoints->number_or("pd_above_pct", e.pd_above_pct, Bound::kPositive);
    if (!(e.pr_below_pct < 0 && e.pr_below_pct > -100)) {
      endpoints->fail("pr_below_pct", "must lie in (-100, 0)");
    }
    if (auto death = endpoints->optional_number("death_above", Bound::kPositive)) {
      e.death_above = *death;
    }
    if (auto peak = endpoints->optional_string("peak_state")) {
      if (std::find(series.begin(), series.end(), *peak) == series.end()) {
        endpoints->fail("peak_state", "is '" + *peak + "', not a " +
                                          (spatial ? "counts.csv column of the spatial base"
                                                   : "state of " + spec.base.model) +
                                          " (" + join(series) + ")" + did_you_mean(*peak, series));
      }
      e.peak_state = *peak;
    }
    if (auto after = endpoints->optional_number("peak_after_days", Bound::kNonNegative)) {
      if (e.peak_state.empty()) endpoints->fail("peak_after_days", "needs peak_state");
      if (!(*after < spec.follow_up_days)) {
        endpoints->fail("peak_after_days", "must be before follow_up_days (" +
                                               format_number(spec.follow_up_days) + ")");
      }
      e.peak_after_days = *after;
    }
    read_thresholds(*endpoints, spec, series);
  } else {
    e.assessment_day = spec.follow_up_days;
  }
  if (e.death_above == 0) {
    if (spatial) root.fail("endpoints", "needs death_above (cells) with a spatial base");
    if (!spec.base.escape_above) {
      root.fail("endpoints", "needs death_above (the base scenario has no escape_above)");
    }
    e.death_above = *spec.base.escape_above;
  }
  if (!(e.death_above > e.elimination_below)) {
    if (endpoints) endpoints->fail("death_above", "must be above the elimination threshold");
    root.fail("endpoints", "death threshold must be above the elimination threshold");
  }
  if (endpoints) endpoints->finish();
}

}  // namespace nksim
