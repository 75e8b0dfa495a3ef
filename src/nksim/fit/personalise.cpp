#include "nksim/fit/personalise.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <numbers>
#include <set>
#include <thread>

#include "nksim/core/error.h"
#include "nksim/core/parallel_for.h"
#include "nksim/core/text.h"
#include "nksim/fit/fit_files.h"
#include "nksim/trial/samplers.h"

namespace nksim {
namespace {

using fit_files::beside;

// [personalise]: the fit spec (read here) and the ensemble's size, seed and limits.
void read_personalise_table(TableReader& table, PersonaliseSpec& spec) {
  const std::string fit = table.string("fit");
  const auto path = beside(spec.file, fit);
  if (!std::filesystem::is_regular_file(path)) {
    table.fail("fit", "is '" + fit + "', but " + path.string() + " is not a file");
  }
  const TomlDocument document = TomlDocument::parse_file(path);
  if (!is_fit_file(document)) {
    table.fail("fit", "is '" + fit +
                          "', which has no [fit] table (a fit specification, as for "
                          "nksim fit, is expected)");
  }
  spec.fit_file = path.string();
  spec.fit = parse_fit_spec(document);
  EnsembleOptions& e = spec.ensemble;
  e.members = static_cast<std::size_t>(table.integer_or("members", 50, 2, 100000));
  e.seed = static_cast<std::uint64_t>(table.integer_or("seed", 1, 0));
  e.max_tries = static_cast<std::size_t>(
      table.integer_or("max_tries", static_cast<std::int64_t>(100 * e.members), 1, 100000000));
  e.box_widen = table.number_or("box_widen", e.box_widen, Bound::kPositive);
  table.finish();
}

std::size_t state_of(TableReader& table, std::string_view key, const OdeModel& model,
                     std::string& name) {
  name = table.string(key);
  const int index = model.state_index(name);
  if (index < 0) {
    const auto names = model.state_names();
    table.fail(key, "is '" + name + "', not a state of " + std::string(model.name()) +
                        " (states: " + join(names) + ")" + did_you_mean(name, names));
  }
  return static_cast<std::size_t>(index);
}

void read_outcomes(TableReader& table, const OdeModel& model, OutcomeSpec& o) {
  o.horizon_days = table.number("horizon_days", Bound::kPositive);
  o.output_interval_days = table.number_or("output_interval_days", 1.0, Bound::kPositive);
  if (o.output_interval_days > o.horizon_days) {
    table.fail("output_interval_days", "is " + format_number(o.output_interval_days) +
                                           ", longer than horizon_days (" +
                                           format_number(o.horizon_days) + ")");
  }
  if (o.horizon_days / o.output_interval_days > 100000) {
    table.fail("output_interval_days", "gives more than 100000 output times; use a longer one");
  }
  o.target_index = state_of(table, "target", model, o.target);
  o.target_unit = model.states()[o.target_index].unit;
  o.response_below = table.number("response_below", Bound::kNonNegative);
  o.response_day = table.number_or("response_day", o.horizon_days, Bound::kNonNegative);
  if (o.response_day > o.horizon_days) {
    table.fail("response_day", "is " + format_number(o.response_day) + ", after horizon_days (" +
                                   format_number(o.horizon_days) + ")");
  }
  o.progression_factor = table.number_or("progression_factor", 2.0, Bound::kPositive);
  if (!(o.progression_factor > 1)) {
    table.fail("progression_factor",
               "must be > 1 (progression is a rise above factor x the reference), got " +
                   format_number(o.progression_factor));
  }
  const std::vector<std::string> references{"nadir", "baseline"};
  o.progression_from = table.choice_or("progression_from", references, "nadir") == "baseline"
                           ? ProgressionReference::kBaseline
                           : ProgressionReference::kNadir;
  o.progression_after_day = table.number_or("progression_after_day", 0.0, Bound::kNonNegative);
  if (o.progression_after_day >= o.horizon_days) {
    table.fail("progression_after_day", "is " + format_number(o.progression_after_day) +
                                            ", not before horizon_days (" +
                                            format_number(o.horizon_days) + ")");
  }
  o.toxicity_index = state_of(table, "toxicity_state", model, o.toxicity_state);
  o.toxicity_unit = model.states()[o.toxicity_index].unit;
  table.finish();
}

void read_schedules(TableReader& root, const OdeModel& model, PersonaliseSpec& spec) {
  auto tables = root.tables("schedule");
  if (tables.empty()) {
    root.fail_missing("schedule", "at least one [[schedule]] table (a candidate schedule)");
  }
  std::set<std::string> seen;
  for (auto& table : tables) {
    ScheduleSpec s;
    s.name = table.string("name");
    if (s.name.empty()) table.fail("name", "must not be empty");
    if (s.name.find_first_of(",\"\n\r") != std::string::npos) {
      table.fail("name", "is '" + s.name +
                             "'; a schedule name cannot hold a comma, a quote or "
                             "a line break (it is a CSV cell)");
    }
    if (!seen.insert(s.name).second) table.fail("name", "'" + s.name + "' is defined twice");
    for (auto& dose : table.tables("dose")) {
      s.doses.push_back(parse_dose(dose, model, spec.outcomes.horizon_days));
    }
    table.finish();
    spec.schedules.push_back(std::move(s));
  }
}

// Purpose index of the ensemble's counter-based random numbers (apart from the fit's starts).
constexpr std::uint64_t kEnsemblePurpose = 0x656e73;  // "ens"

}  // namespace

bool is_personalise_file(const TomlDocument& document) {
  return document.root().contains("personalise");
}

PersonaliseSpec parse_personalise_spec(const TomlDocument& document) {
  PersonaliseSpec spec;
  spec.file = document.file();
  spec.text = document.text();
  TableReader root = document.reader();
  TableReader table = root.table("personalise");
  read_personalise_table(table, spec);
  const OdeModel* model = scenario_model(spec.fit.scenario);
  if (!model) throw InputError(spec.fit.scenario_file + ": unknown model");
  TableReader outcomes = root.table("outcomes");
  read_outcomes(outcomes, *model, spec.outcomes);
  read_schedules(root, *model, spec);
  root.finish();
  return spec;
}

PersonaliseSpec read_personalise_spec_file(const std::filesystem::path& file) {
  return parse_personalise_spec(TomlDocument::parse_file(file));
}

double regularized_gamma_p(double a, double x) {
  if (!(a > 0) || x < 0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0) return 0;
  // Series: P(a, x) = x^a e^-x / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n)).
  double term = 1 / a, sum = term;
  for (int n = 1; n < 100000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return std::min(1.0, std::exp(a * std::log(x) - x - std::lgamma(a)) * sum);
}

double chi2_quantile(double probability, std::size_t df) {
  const double a = 0.5 * static_cast<double>(df);
  double lo = 0, hi = 1;
  while (regularized_gamma_p(a, 0.5 * hi) < probability) hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (regularized_gamma_p(a, 0.5 * mid) < probability ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double joint_threshold95(std::size_t parameters) { return 0.5 * chi2_quantile(0.95, parameters); }

std::vector<std::pair<double, double>> sampling_box(const FitObjective& objective,
                                                    const FitResult& fit,
                                                    const EnsembleOptions& options) {
  const std::size_t d = objective.dimensions();
  std::vector<std::pair<double, double>> box(d, {0.0, 1.0});
  if (fit.profiles.size() != d) return box;
  const double widen =
      options.box_widen * std::sqrt(chi2_quantile(0.95, d) / chi2_quantile(0.95, 1));
  for (std::size_t j = 0; j < d; ++j) {
    const double centre = objective.to_unit(j, fit.estimate[j]);
    const double lower = objective.to_unit(j, fit.profiles[j].lower);
    const double upper = objective.to_unit(j, fit.profiles[j].upper);
    box[j].first = std::clamp(centre - widen * std::max(0.0, centre - lower), 0.0, 1.0);
    box[j].second = std::clamp(centre + widen * std::max(0.0, upper - centre), 0.0, 1.0);
  }
  return box;
}

std::vector<double> unit_hessian(const FitObjective& objective, std::span<const double> unit,
                                 double h) {
  const std::size_t d = unit.size();
  const std::size_t n = objective.spec().measurements.size();
  // Standardised residuals at a unit point; empty when the run fails.
  auto residuals = [&](const std::vector<double>& u) {
    std::vector<double> values(d);
    for (std::size_t j = 0; j < d; ++j) values[j] = objective.from_unit(j, u[j]);
    const auto predicted = objective.predictions(values);
    std::vector<double> r;
    if (!predicted) return r;
    for (std::size_t i = 0; i < n; ++i)
      r.push_back(objective.standardised_residual(i, (*predicted)[i]));
    return r;
  };
  std::vector<double> jacobian(n * d);  // row-major n x d
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<double> up(unit.begin(), unit.end()), down = up;
    up[j] += h;
    down[j] -= h;
    const auto r_up = residuals(up), r_down = residuals(down);
    if (r_up.size() != n || r_down.size() != n) return {};
    for (std::size_t i = 0; i < n; ++i) jacobian[i * d + j] = (r_up[i] - r_down[i]) / (2 * h);
  }
  std::vector<double> hessian(d * d, 0.0);
  for (std::size_t a = 0; a < d; ++a) {
    for (std::size_t b = 0; b < d; ++b) {
      for (std::size_t i = 0; i < n; ++i)
        hessian[a * d + b] += jacobian[i * d + a] * jacobian[i * d + b];
    }
  }
  return hessian;
}

Ensemble sample_ensemble(const FitObjective& objective, const FitResult& fit,
                         const EnsembleOptions& options, int threads) {
  const std::size_t d = objective.dimensions();
  Ensemble e;
  e.best_objective = fit.objective;
  e.threshold = options.threshold.value_or(joint_threshold95(d));
  e.box_unit = sampling_box(objective, fit, options);
  e.members.push_back({true, 0, fit.estimate, fit.objective});

  std::vector<double> best_unit(d);
  for (std::size_t j = 0; j < d; ++j) best_unit[j] = objective.to_unit(j, fit.estimate[j]);
  // The ellipsoid: u = u* + r L^-T z with H = L L' (so that (u - u*)' H (u - u*) = r^2 |z|^2),
  // z uniform in the unit ball.
  constexpr double kHessianStep = 1e-4;
  std::vector<double> factor;
  bool inside = true;
  for (const double u : best_unit) inside = inside && u > kHessianStep && u < 1 - kHessianStep;
  if (inside) {
    const std::vector<double> hessian = unit_hessian(objective, best_unit, kHessianStep);
    bool finite = !hessian.empty();
    for (const double v : hessian) finite = finite && std::isfinite(v);
    if (finite) factor = cholesky(hessian, d);
  }
  e.proposal = factor.empty() ? "box" : "ellipsoid";
  const double radius =
      options.box_widen * std::sqrt(2 * std::max(e.threshold, joint_threshold95(d)));

  auto candidate_unit = [&](std::uint64_t candidate) {
    std::vector<double> u(d);
    if (factor.empty()) {
      for (std::size_t j = 0; j < d; ++j) {
        const auto [lo, hi] = e.box_unit[j];
        u[j] = lo + (hi - lo) * counter_uniform(options.seed, candidate, j, kEnsemblePurpose);
      }
      return u;
    }
    // A uniform point of the unit ball: a normal direction (Box-Muller) and radius U^(1/d).
    std::vector<double> z(d);
    double norm = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double u1 = counter_uniform(options.seed, candidate, 2 * j, kEnsemblePurpose);
      const double u2 = counter_uniform(options.seed, candidate, 2 * j + 1, kEnsemblePurpose);
      z[j] = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
      norm += z[j] * z[j];
    }
    const double r = radius *
                     std::pow(counter_uniform(options.seed, candidate, 2 * d, kEnsemblePurpose),
                              1.0 / static_cast<double>(d)) /
                     std::sqrt(norm);
    // Solve L' y = z (back substitution), then u = u* + r y.
    std::vector<double> y(d);
    for (std::size_t k = d; k-- > 0;) {
      double sum = z[k];
      for (std::size_t m = k + 1; m < d; ++m) sum -= factor[m * d + k] * y[m];
      y[k] = sum / factor[k * d + k];
    }
    for (std::size_t j = 0; j < d; ++j) u[j] = best_unit[j] + r * y[j];
    return u;
  };

  // Candidates are evaluated in batches of a fixed size and accepted in draw order, so the
  // members do not depend on the thread count.
  constexpr std::size_t kBatch = 64;
  std::size_t drawn = 0;
  while (e.members.size() < options.members && drawn < options.max_tries) {
    const std::size_t count = std::min(kBatch, options.max_tries - drawn);
    std::vector<std::vector<double>> values(count, std::vector<double>(d));
    std::vector<double> f(count, std::numeric_limits<double>::infinity());
    parallel_for(count, threads, [&](std::size_t i) {
      const std::vector<double> u = candidate_unit(drawn + i + 1);
      for (const double x : u) {
        if (!(x >= 0 && x <= 1)) return;  // outside the bounds: rejected
      }
      for (std::size_t j = 0; j < d; ++j) values[i][j] = objective.from_unit(j, u[j]);
      f[i] = objective(values[i]);
    });
    for (std::size_t i = 0; i < count && e.members.size() < options.members; ++i) {
      e.tries = drawn + i + 1;
      if (f[i] - e.best_objective <= e.threshold) {
        e.members.push_back({false, drawn + i + 1, std::move(values[i]), f[i]});
      }
    }
    drawn += count;
  }
  if (e.members.size() < options.members) {
    throw InputError("the ensemble accepted " + std::to_string(e.members.size() - 1) + " of " +
                     count_of(e.tries, "candidate") + " (objective within " +
                     format_number(e.threshold, 4) + " of the best), short of the " +
                     std::to_string(options.members - 1) +
                     " needed; raise [personalise].max_tries, lower members, or narrow box_widen");
  }
  return e;
}

MemberOutcome member_outcome(std::span<const double> times, std::span<const double> target,
                             std::span<const double> toxicity, const OutcomeSpec& outcomes) {
  MemberOutcome m;
  const auto at = std::lower_bound(times.begin(), times.end(), outcomes.response_day);
  if (at == times.end() || *at != outcomes.response_day) {
    throw Error("member_outcome: the output times miss response_day");
  }
  m.target_at_response_day = target[static_cast<std::size_t>(at - times.begin())];
  m.response = m.target_at_response_day <= outcomes.response_below;
  m.toxicity_peak = *std::max_element(toxicity.begin(), toxicity.end());
  m.ttp_days = outcomes.horizon_days;
  std::size_t first = 0;
  while (first + 1 < times.size() && times[first] < outcomes.progression_after_day) ++first;
  double reference = target[first];
  for (std::size_t i = first + 1; i < times.size(); ++i) {
    const double level = outcomes.progression_factor * reference;
    if (target[i] > level) {
      // Linear between the two output times around the crossing.
      const double y0 = target[i - 1], y1 = target[i];
      m.ttp_days = times[i - 1] + (times[i] - times[i - 1]) * (level - y0) / (y1 - y0);
      m.progressed = true;
      break;
    }
    if (outcomes.progression_from == ProgressionReference::kNadir) {
      reference = std::min(reference, target[i]);
    }
  }
  return m;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double h = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

ScheduleSummary summarise_schedule(const std::string& name,
                                   std::span<const MemberOutcome> outcomes) {
  ScheduleSummary s;
  s.name = name;
  s.members = outcomes.size();
  std::vector<double> ttp, tox;
  for (const auto& m : outcomes) {
    s.responders += m.response ? 1 : 0;
    s.progressed += m.progressed ? 1 : 0;
    ttp.push_back(m.ttp_days);
    tox.push_back(m.toxicity_peak);
  }
  s.response_probability =
      s.members ? static_cast<double>(s.responders) / static_cast<double>(s.members) : 0.0;
  s.response_interval = wilson_interval(s.responders, s.members);
  s.ttp_median = quantile(ttp, 0.5);
  s.ttp_p10 = quantile(ttp, 0.1);
  s.ttp_p90 = quantile(ttp, 0.9);
  s.toxicity_median = quantile(tox, 0.5);
  s.toxicity_p10 = quantile(tox, 0.1);
  s.toxicity_p90 = quantile(tox, 0.9);
  return s;
}

void mark_dominated(std::vector<ScheduleSummary>& schedules) {
  for (auto& s : schedules) s.dominated_by.clear();
  for (std::size_t b = 0; b < schedules.size(); ++b) {
    const ScheduleSummary& y = schedules[b];
    for (std::size_t a = 0; a < schedules.size(); ++a) {
      const ScheduleSummary& x = schedules[a];
      if (a == b) continue;
      const bool no_worse = x.response_probability >= y.response_probability &&
                            x.ttp_median >= y.ttp_median && x.toxicity_median <= y.toxicity_median;
      const bool better = x.response_probability > y.response_probability ||
                          x.ttp_median > y.ttp_median || x.toxicity_median < y.toxicity_median;
      if (no_worse && better) schedules[b].dominated_by.push_back(a);
    }
  }
}

PersonaliseResult run_personalise(const PersonaliseSpec& spec, int threads) {
  PersonaliseResult r;
  FitOptions fit_options;
  fit_options.threads = threads;
  r.fit = run_fit(spec.fit, fit_options);
  const FitObjective objective(spec.fit);
  r.ensemble = sample_ensemble(objective, r.fit, spec.ensemble, threads);

  const OutcomeSpec& o = spec.outcomes;
  for (std::size_t i = 0;; ++i) {
    const double t = static_cast<double>(i) * o.output_interval_days;
    if (t > o.horizon_days * (1 + 1e-12)) break;
    r.times.push_back(std::min(t, o.horizon_days));
  }
  if (r.times.back() < o.horizon_days) r.times.push_back(o.horizon_days);
  r.times.push_back(o.response_day);
  r.times.push_back(o.progression_after_day);
  std::sort(r.times.begin(), r.times.end());
  r.times.erase(std::unique(r.times.begin(), r.times.end()), r.times.end());

  // One fit spec per schedule: the fitted scenario with the schedule's doses and the horizon.
  std::vector<FitSpec> specs(spec.schedules.size(), spec.fit);
  std::vector<FitObjective> runs;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    specs[s].scenario.doses = spec.schedules[s].doses;
    specs[s].scenario.end_time_days = o.horizon_days;
  }
  for (const auto& s : specs) runs.emplace_back(s);

  const std::size_t n = r.ensemble.members.size();
  const std::size_t ns = spec.schedules.size();
  r.outcomes.assign(ns, std::vector<MemberOutcome>(n));
  r.target_series.assign(ns, std::vector<std::vector<double>>(n));
  parallel_for(ns * n, threads, [&](std::size_t task) {
    const std::size_t s = task / n, m = task % n;
    WellMixedResult result;
    try {
      result = simulate(runs[s].problem(r.ensemble.members[m].values, r.times));
    } catch (const NumericalError& e) {
      throw NumericalError("schedule '" + spec.schedules[s].name + "', ensemble member " +
                           std::to_string(m) + ": " + e.what());
    }
    if (result.times_days.size() != r.times.size()) {
      throw NumericalError("schedule '" + spec.schedules[s].name + "', ensemble member " +
                           std::to_string(m) + ": the run stopped before the horizon");
    }
    std::vector<double> target(r.times.size()), toxicity(r.times.size());
    for (std::size_t i = 0; i < r.times.size(); ++i) {
      target[i] = result.value(i, o.target_index);
      toxicity[i] = result.value(i, o.toxicity_index);
    }
    r.outcomes[s][m] = member_outcome(r.times, target, toxicity, o);
    r.target_series[s][m] = std::move(target);
  });
  for (std::size_t s = 0; s < ns; ++s) {
    r.schedules.push_back(summarise_schedule(spec.schedules[s].name, r.outcomes[s]));
  }
  mark_dominated(r.schedules);
  return r;
}

}  // namespace nksim
