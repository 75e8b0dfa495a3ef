#include "nksim/io/dose_plausibility.h"

#include <algorithm>

#include "nksim/core/text.h"

namespace nksim {

std::vector<std::string> dose_warnings(const WellMixedScenario& scenario,
                                       const std::string& only_state, double scale) {
  std::vector<std::string> warnings;
  const OdeModel* model = scenario_model(scenario);
  if (model == nullptr) return warnings;
  for (std::size_t i = 0; i < scenario.doses.size(); ++i) {
    const DoseSpec& dose = scenario.doses[i];
    if (!only_state.empty() && dose.state != only_state) continue;
    const int index = model->state_index(dose.state);
    if (index < 0) continue;
    const auto range = model->plausible_dose(static_cast<std::size_t>(index));
    if (!range) continue;
    const double factor = only_state.empty() ? 1.0 : scale;
    const double duration = std::min(dose.stop_days, scenario.end_time_days) - dose.start_days;
    const double given = factor * (dose.infusion ? dose.rate_per_day * duration : dose.amount);
    if (given >= range->low && given <= range->high) continue;
    const std::string key =
        "dose[" + std::to_string(i + 1) + "]." + (dose.infusion ? "rate_per_day" : "amount");
    std::string text = dose.where.empty() ? "'" + key + "'" : dose.where;
    const std::string unit(model->states()[static_cast<std::size_t>(index)].unit);
    text += dose.infusion ? " infuses " : " = ";
    text += format_number(given, 3) + " " + unit;
    if (dose.infusion) text += " in all";
    if (factor != 1.0) text += " at dose scale " + format_number(factor, 3);
    const bool above = given > range->high;
    text += std::string(" on ") + dose.state + ", " + (above ? "above" : "below") +
            " the plausible range " + format_number(range->low, 3) + "-" +
            format_number(range->high, 3) + " " + unit + " per dose (" +
            std::string(range->context) + "; " + std::string(range->source) +
            "); the result may not be plausible";
    warnings.push_back(std::move(text));
  }
  return warnings;
}

}  // namespace nksim
