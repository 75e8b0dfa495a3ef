#include "nksim/trial/spatial_plan.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "nksim/api/session.h"
#include "nksim/core/error.h"
#include "nksim/io/spatial_output.h"

namespace nksim {

std::vector<const toml::table*> spatial_doses(const TomlDocument& document) {
  std::vector<const toml::table*> doses;
  if (const toml::array* list = document.node("mechanisms.nk_infusion.dose").as_array()) {
    for (const toml::node& dose : *list) {
      if (const toml::table* t = dose.as_table()) doses.push_back(t);
    }
  }
  return doses;
}

TomlDocument spatial_plan_scenario(const TrialSpec& spec, const Patient& patient,
                                   const RunPlan& plan) {
  TomlDocument doc = *spec.spatial_base;
  for (std::size_t j = 0; j < spec.distributions.size(); ++j) {
    doc = doc.with_number(spec.distributions[j].target, patient.values[j]);
  }
  // The arm: every nk_infusion dose scaled (count, or the effector-to-target ratio); none = 0.
  const ArmSpec& arm = spec.arms[plan.arm];
  const double scale = arm.doses && arm.doses->empty() ? 0.0 : arm.dose_scale;
  if (scale != 1) {
    const std::size_t doses = spatial_doses(doc).size();
    for (std::size_t k = 0; k < doses; ++k) {
      for (const char* key : {"count", "effector_to_target"}) {
        const std::string at = "mechanisms.nk_infusion.dose[" + std::to_string(k + 1) + "]." + key;
        if (const auto value = doc.node(at).value<double>()) {
          // A cell count stays whole: 100 cells x 0.333 gives 33.
          const bool cells = std::string_view(key) == "count";
          doc = doc.with_number(at, cells ? std::round(*value * scale) : *value * scale);
        }
      }
    }
  }
  // The patient's seed (the same in every arm: paired arms), one thread, the follow-up.
  doc = doc.with_number("simulation.seed",
                        static_cast<double>(plan.seed & ((std::uint64_t{1} << 52) - 1)));
  return doc.with_number("simulation.end_time_min", spec.follow_up_days * 1440);
}

PlanResult run_spatial_plan(const TrialSpec& spec, const Patient& patient, const RunPlan& plan) {
  PlanResult out;
  out.patient = plan.patient;
  out.arm = plan.arm;
  try {
    SpatialSession session(spatial_plan_scenario(spec, patient, plan), 1);
    const std::vector<std::string> columns = count_columns(session.simulation());
    WellMixedResult series;
    series.num_states = columns.size();
    const std::size_t tumour = static_cast<std::size_t>(
        std::find(columns.begin(), columns.end(), spec.tumour_state()) - columns.begin());
    const double dt = session.simulation().settings().dt_mechanics_min;
    const auto every = static_cast<std::uint64_t>(
        std::max(1.0, std::round(session.output_settings().output_interval_min / dt)));
    const auto record = [&](const Simulation& sim) {
      const std::vector<double> row = count_row(sim);
      check_finite_counts(row, sim.time_min());
      const double day = sim.time_min() / 1440;
      series.times_days.push_back(day);
      series.values.insert(series.values.end(), row.begin(), row.end());
      if (!series.elimination_time_days && row[tumour] < spec.endpoints.elimination_below) {
        series.elimination_time_days = day;
      }
    };
    record(session.simulation());
    session.add_observer([&](const Simulation& sim) {
      if (sim.mechanics_steps() % every == 0) record(sim);
    });
    session.run_to_end();
    if (std::abs(series.times_days.back() * 1440 - session.time_min()) > 1e-9) {
      record(session.simulation());
    }
    const auto peak_at = std::find(columns.begin(), columns.end(), spec.endpoints.peak_state);
    const int peak = spec.endpoints.peak_state.empty() || peak_at == columns.end()
                         ? -1
                         : static_cast<int>(peak_at - columns.begin());
    out.endpoints = compute_endpoints(series, tumour, peak, spec.endpoints);
    if (spec.endpoints.store_timeseries) {
      out.states = columns;
      out.times_days = std::move(series.times_days);
      out.values = std::move(series.values);
    }
  } catch (const NumericalError& e) {
    out.ok = false;
    out.message = e.what();
  } catch (const InputError& e) {
    out.ok = false;
    out.message = std::string("the sampled values are refused: ") + e.what();
  }
  return out;
}

}  // namespace nksim
