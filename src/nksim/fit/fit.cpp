#include "nksim/fit/fit.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <numbers>
#include <thread>

#include <nlopt.hpp>

#include "nksim/core/error.h"
#include "nksim/core/parallel_for.h"
#include "nksim/core/text.h"
#include "nksim/trial/samplers.h"

namespace nksim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kHalfLog2Pi = 0.5 * std::log(2 * std::numbers::pi);

// -log of a normal density of x with mean mu and sd sigma.
double normal_nll(double x, double mu, double sigma) {
  const double r = (x - mu) / sigma;
  return 0.5 * r * r + std::log(sigma) + kHalfLog2Pi;
}

// Smallest positive state value on a log scale: a state at or below zero reads as this.
constexpr double kLogFloor = 1e-300;

}  // namespace

FitObjective::FitObjective(const FitSpec& spec) : spec_(&spec) {
  for (const auto& m : spec.measurements) times_.push_back(m.time_days);
  std::sort(times_.begin(), times_.end());
  times_.erase(std::unique(times_.begin(), times_.end()), times_.end());
  for (const auto& m : spec.measurements) {
    row_of_.push_back(static_cast<std::size_t>(
        std::lower_bound(times_.begin(), times_.end(), m.time_days) - times_.begin()));
  }
}

double FitObjective::to_unit(std::size_t j, double value) const {
  const FitParameter& p = spec_->parameters[j];
  if (p.log) {
    return (std::log10(value) - std::log10(p.lower)) / (std::log10(p.upper) - std::log10(p.lower));
  }
  return (value - p.lower) / (p.upper - p.lower);
}

double FitObjective::from_unit(std::size_t j, double u) const {
  const FitParameter& p = spec_->parameters[j];
  u = std::clamp(u, 0.0, 1.0);
  if (p.log) {
    const double lo = std::log10(p.lower), hi = std::log10(p.upper);
    return std::pow(10.0, lo + u * (hi - lo));
  }
  return p.lower + u * (p.upper - p.lower);
}

WellMixedProblem FitObjective::problem(std::span<const double> values,
                                       std::vector<double> times) const {
  WellMixedScenario scenario = spec_->scenario;
  for (std::size_t j = 0; j < spec_->parameters.size(); ++j) {
    const FitParameter& p = spec_->parameters[j];
    (p.initial ? scenario.initial : scenario.parameters)[p.target] = values[j];
  }
  scenario.output_times_days = std::move(times);
  scenario.output_interval_days.reset();
  return resolve(scenario);
}

double observable_model_value(const FitObservable& o, double t, const double* y, const double* p) {
  return o.is_formula() ? evaluate(o.expression, t, y, p) : y[o.state_index];
}

std::optional<std::vector<double>> FitObjective::predictions(std::span<const double> values) const {
  WellMixedProblem run;
  WellMixedResult result;
  try {
    run = problem(values, times_);
    result = simulate(run);
  } catch (const NumericalError&) {
    return std::nullopt;
  }
  if (result.times_days.size() != times_.size()) return std::nullopt;
  std::vector<double> out;
  out.reserve(spec_->measurements.size());
  for (std::size_t i = 0; i < spec_->measurements.size(); ++i) {
    const auto& o = spec_->observables[spec_->measurements[i].observable];
    const std::size_t row = row_of_[i];
    out.push_back(observable_model_value(o, result.times_days[row],
                                         &result.values[row * result.num_states],
                                         run.parameters.data()));
  }
  return out;
}

double FitObjective::observable_value(std::size_t i, double state_value) const {
  const auto& o = spec_->observables[spec_->measurements[i].observable];
  if (o.transform == ObservableTransform::kLog10) return std::log10(std::max(state_value, kLogFloor));
  return state_value;
}

double FitObjective::standardised_residual(std::size_t i, double state_value) const {
  const Measurement& m = spec_->measurements[i];
  const auto& o = spec_->observables[m.observable];
  if (o.noise == NoiseModel::kLogNormal) {
    return (std::log(m.value) - std::log(std::max(state_value, kLogFloor))) / m.sd;
  }
  return (m.value - observable_value(i, state_value)) / m.sd;
}

double FitObjective::data_nll(std::span<const double> predictions) const {
  double sum = 0;
  for (std::size_t i = 0; i < spec_->measurements.size(); ++i) {
    const Measurement& m = spec_->measurements[i];
    const auto& o = spec_->observables[m.observable];
    const double r = standardised_residual(i, predictions[i]);
    // The log-normal density of the value carries the Jacobian 1/value of ln.
    sum += 0.5 * r * r + std::log(m.sd) + kHalfLog2Pi +
           (o.noise == NoiseModel::kLogNormal ? std::log(m.value) : 0.0);
  }
  return std::isfinite(sum) ? sum : kInf;
}

double FitObjective::prior_nll(std::span<const double> values) const {
  double sum = 0;
  for (std::size_t j = 0; j < spec_->parameters.size(); ++j) {
    const FitPrior& prior = spec_->parameters[j].prior;
    if (prior.kind == PriorKind::kNormal) sum += normal_nll(values[j], prior.centre, prior.sd);
    if (prior.kind == PriorKind::kLogNormal) {
      sum += normal_nll(std::log(values[j]), std::log(prior.centre), prior.sd) + std::log(values[j]);
    }
  }
  return sum;
}

double FitObjective::operator()(std::span<const double> values) const {
  const auto predicted = predictions(values);
  if (!predicted) return kInf;
  const double value = data_nll(*predicted) + prior_nll(values);
  return std::isfinite(value) ? value : kInf;
}

double FitObjective::unit_objective(std::span<const double> unit) const {
  std::vector<double> values(unit.size());
  for (std::size_t j = 0; j < unit.size(); ++j) values[j] = from_unit(j, unit[j]);
  return (*this)(values);
}

namespace {

struct LocalResult {
  std::vector<double> x;  // unit box
  double f = kInf;
  int evaluations = 0;
  int status = 0;
};

// Central finite-difference step in the unit box (one-sided at a bound).
constexpr double kGradientStep = 1e-5;

struct Callback {
  const std::function<double(std::span<const double>)>* f;
  bool gradient = false;
  int evaluations = 0;
  std::vector<double> best_x;
  double best_f = kInf;
  std::exception_ptr error;
};

double evaluate(Callback& c, std::span<const double> x) {
  ++c.evaluations;
  const double value = (*c.f)(x);
  if (value < c.best_f) {
    c.best_f = value;
    c.best_x.assign(x.begin(), x.end());
  }
  return value;
}

double nlopt_callback(const std::vector<double>& x, std::vector<double>& grad, void* data) {
  auto& c = *static_cast<Callback*>(data);
  try {
    const double value = evaluate(c, x);
    if (!grad.empty()) {
      std::vector<double> probe = x;
      for (std::size_t j = 0; j < x.size(); ++j) {
        const double up = std::min(1.0, x[j] + kGradientStep);
        const double down = std::max(0.0, x[j] - kGradientStep);
        probe[j] = up;
        const double f_up = evaluate(c, probe);
        probe[j] = down;
        const double f_down = evaluate(c, probe);
        probe[j] = x[j];
        grad[j] = (f_up - f_down) / (up - down);
        if (!std::isfinite(grad[j])) grad[j] = 0;
      }
    }
    return std::isfinite(value) ? value : HUGE_VAL;
  } catch (...) {
    c.error = std::current_exception();
    throw nlopt::forced_stop();
  }
}

// Minimises f over the unit box from `start`.
LocalResult minimise(const std::function<double(std::span<const double>)>& f,
                     std::vector<double> start, FitOptimiser optimiser, int max_evaluations) {
  LocalResult r;
  const auto n = static_cast<unsigned>(start.size());
  Callback c{&f, optimiser == FitOptimiser::kLbfgs, 0, start, kInf, nullptr};
  nlopt::opt opt(optimiser == FitOptimiser::kLbfgs ? nlopt::LD_LBFGS : nlopt::LN_BOBYQA, n);
  opt.set_lower_bounds(std::vector<double>(n, 0.0));
  opt.set_upper_bounds(std::vector<double>(n, 1.0));
  opt.set_min_objective(nlopt_callback, &c);
  opt.set_xtol_abs(1e-6);
  opt.set_ftol_abs(1e-7);
  opt.set_maxeval(max_evaluations);
  if (optimiser == FitOptimiser::kBobyqa) opt.set_initial_step(0.1);
  std::vector<double> x = start;
  double value = kInf;
  try {
    r.status = static_cast<int>(opt.optimize(x, value));
  } catch (const nlopt::roundoff_limited&) {
    r.status = static_cast<int>(nlopt::ROUNDOFF_LIMITED);
  } catch (const nlopt::forced_stop&) {
    if (c.error) std::rethrow_exception(c.error);
    r.status = static_cast<int>(nlopt::FORCED_STOP);
  } catch (const std::runtime_error&) {
    if (c.error) std::rethrow_exception(c.error);
    r.status = static_cast<int>(nlopt::FAILURE);
  }
  if (c.error) std::rethrow_exception(c.error);
  r.x = c.best_x;
  r.f = c.best_f;
  r.evaluations = c.evaluations;
  return r;
}

bool converged_status(int status) {
  return (status >= 1 && status <= 4) || status == static_cast<int>(nlopt::ROUNDOFF_LIMITED);
}

// One side (direction -1 or +1) of parameter j's profile, from the best fit in the unit box.
struct ProfileSide {
  std::vector<ProfilePoint> points;
  double edge_unit = 0;
  bool reached_bound = false;
};

ProfileSide profile_side(const FitObjective& objective, std::size_t j, int direction,
                         const std::vector<double>& best_unit, double best_f,
                         FitOptimiser optimiser, int max_evaluations) {
  const std::size_t d = best_unit.size();
  ProfileSide side;
  // The others re-optimised with parameter j held at x; returns (objective, full unit point).
  // Two local searches, from the previous profile point and from the best fit, so that a
  // search caught in another basin at one point does not bend the profile.
  auto fixed = [&](double x, const std::vector<double>& from) {
    std::vector<double> full = from;
    full[j] = x;
    if (d == 1) return std::make_pair(objective.unit_objective(full), full);
    const std::function<double(std::span<const double>)> f = [&](std::span<const double> free) {
      std::vector<double> point(d);
      for (std::size_t k = 0, m = 0; k < d; ++k) point[k] = k == j ? x : free[m++];
      return objective.unit_objective(point);
    };
    double best = kInf;
    for (const std::vector<double>* origin : {&from, &best_unit}) {
      if (origin == &best_unit && from == best_unit) break;
      std::vector<double> start;
      for (std::size_t k = 0; k < d; ++k) {
        if (k != j) start.push_back((*origin)[k]);
      }
      const LocalResult r = minimise(f, start, optimiser, max_evaluations);
      if (r.f < best) {
        best = r.f;
        for (std::size_t k = 0, m = 0; k < d; ++k) {
          if (k != j) full[k] = r.x[m++];
        }
      }
    }
    return std::make_pair(best, full);
  };
  auto record = [&](double value, const std::vector<double>& point) {
    ProfilePoint p;
    p.value = objective.from_unit(j, point[j]);
    p.objective = value;
    for (std::size_t k = 0; k < d; ++k) p.others.push_back(objective.from_unit(k, point[k]));
    side.points.push_back(std::move(p));
  };
  const double threshold = best_f + kProfileThreshold95;
  double x = best_unit[j];
  double f = best_f;
  std::vector<double> at = best_unit;
  double step = 0.01;
  constexpr int kMaxSteps = 60;
  for (int s = 0; s < kMaxSteps; ++s) {
    if ((direction > 0 && x >= 1) || (direction < 0 && x <= 0)) {
      side.reached_bound = true;
      side.edge_unit = x;
      return side;
    }
    const double x_new = std::clamp(x + direction * step, 0.0, 1.0);
    auto [f_new, at_new] = fixed(x_new, at);
    record(f_new, at_new);
    if (!(f_new <= threshold)) {
      // Crossed between x and x_new: narrow the bracket by bisection, then interpolate.
      double lo = x, f_lo = f, hi = x_new, f_hi = f_new;
      for (int b = 0; b < 6; ++b) {
        const double mid = 0.5 * (lo + hi);
        auto [f_mid, at_mid] = fixed(mid, at);
        record(f_mid, at_mid);
        if (f_mid <= threshold) {
          lo = mid, f_lo = f_mid, at = at_mid;
        } else {
          hi = mid, f_hi = f_mid;
        }
      }
      side.edge_unit = std::isfinite(f_hi) && f_hi > f_lo
                           ? lo + (hi - lo) * (threshold - f_lo) / (f_hi - f_lo)
                           : 0.5 * (lo + hi);
      return side;
    }
    if (f_new - f < 0.1 * kProfileThreshold95) step = std::min(2 * step, 0.1);
    x = x_new, f = f_new, at = at_new;
  }
  side.reached_bound = true;  // never crossed within the steps allowed
  side.edge_unit = x;
  return side;
}

}  // namespace

StartResult optimise_from(const FitObjective& objective, std::span<const double> start_unit,
                          FitOptimiser optimiser, int max_evaluations) {
  const std::function<double(std::span<const double>)> f = [&](std::span<const double> u) {
    return objective.unit_objective(u);
  };
  const LocalResult r =
      minimise(f, std::vector<double>(start_unit.begin(), start_unit.end()), optimiser,
               max_evaluations);
  StartResult s;
  for (std::size_t j = 0; j < start_unit.size(); ++j) {
    s.initial.push_back(objective.from_unit(j, start_unit[j]));
    s.final.push_back(objective.from_unit(j, r.x[j]));
  }
  s.objective = r.f;
  s.evaluations = r.evaluations;
  s.status = r.status;
  s.converged = converged_status(r.status) && std::isfinite(r.f);
  return s;
}

FitResult run_fit(const FitSpec& spec, const FitOptions& options) {
  const FitObjective objective(spec);
  const std::size_t d = objective.dimensions();
  const auto n = static_cast<std::size_t>(spec.starts);
  const std::vector<double> unit = sample_unit_cube(SamplerKind::kLatinHypercube, n, d, spec.seed);

  FitResult fit;
  fit.starts.resize(n);
  parallel_for(n, options.threads, [&](std::size_t i) {
    fit.starts[i] = optimise_from(objective, std::span(unit).subspan(i * d, d), spec.optimiser,
                                  spec.max_evaluations);
    fit.starts[i].index = i;
  });
  for (std::size_t i = 1; i < n; ++i) {
    if (fit.starts[i].objective < fit.starts[fit.best].objective) fit.best = i;
  }
  const StartResult& best = fit.starts[fit.best];
  if (!std::isfinite(best.objective)) {
    bool formulas = false;
    for (const auto& o : spec.observables) formulas |= o.is_formula();
    throw NumericalError("no start of the fit could integrate the model" +
                         std::string(formulas ? " with every observable's formula finite" : "") +
                         " (all " + count_of(n, "start") + " ended at +inf); check the bounds" +
                         (formulas ? " and formulas" : "") + " in " + spec.file);
  }
  fit.estimate = best.final;
  fit.objective = best.objective;
  const auto predicted = objective.predictions(fit.estimate);
  fit.data_nll = predicted ? objective.data_nll(*predicted) : kInf;
  const double k = static_cast<double>(d);
  fit.aic = 2 * k + 2 * fit.data_nll;
  fit.bic = k * std::log(static_cast<double>(spec.measurements.size())) + 2 * fit.data_nll;
  std::size_t converged = 0;
  for (const auto& s : fit.starts) converged += s.converged ? 1 : 0;
  if (converged == 0) {
    fit.warnings.push_back("no start converged (all stopped at max_evaluations or failed)");
  }
  for (std::size_t j = 0; j < d; ++j) {
    const double u = objective.to_unit(j, fit.estimate[j]);
    if (u < 1e-6 || u > 1 - 1e-6) {
      fit.warnings.push_back("'" + spec.parameters[j].name + "' is fitted at its " +
                             (u < 0.5 ? "lower" : "upper") + " bound (" +
                             format_number(fit.estimate[j], 6) + "); widen the bounds");
    }
  }
  if (!spec.profiles) return fit;

  std::vector<double> best_unit(d);
  for (std::size_t j = 0; j < d; ++j) best_unit[j] = objective.to_unit(j, fit.estimate[j]);
  std::vector<ProfileSide> sides(2 * d);
  parallel_for(2 * d, options.threads, [&](std::size_t task) {
    sides[task] = profile_side(objective, task / 2, task % 2 == 0 ? -1 : +1, best_unit,
                               fit.objective, spec.optimiser, spec.max_evaluations);
  });
  for (std::size_t j = 0; j < d; ++j) {
    ProfileResult profile;
    profile.parameter = j;
    const ProfileSide& down = sides[2 * j];
    const ProfileSide& up = sides[2 * j + 1];
    profile.points = down.points;
    profile.points.insert(profile.points.end(), up.points.begin(), up.points.end());
    profile.points.push_back({fit.estimate[j], fit.objective, fit.estimate});
    std::stable_sort(profile.points.begin(), profile.points.end(),
                     [](const ProfilePoint& a, const ProfilePoint& b) { return a.value < b.value; });
    profile.lower = objective.from_unit(j, down.edge_unit);
    profile.upper = objective.from_unit(j, up.edge_unit);
    profile.lower_reached_bound = down.reached_bound;
    profile.upper_reached_bound = up.reached_bound;
    for (const auto& p : profile.points) {
      if (p.objective < fit.objective - 1e-6 &&
          (!profile.better_objective || p.objective < *profile.better_objective)) {
        profile.better_objective = p.objective;
      }
    }
    const std::string& name = spec.parameters[j].name;
    if (!profile.identifiable()) {
      std::string sides_flat = profile.lower_reached_bound && profile.upper_reached_bound
                                   ? "both bounds"
                                   : (profile.lower_reached_bound ? "the lower bound"
                                                                  : "the upper bound");
      fit.warnings.push_back("'" + name + "' is not identifiable: its profile stays within " +
                             format_number(kProfileThreshold95, 3) + " of the best fit out to " +
                             sides_flat + " [" + format_number(spec.parameters[j].lower, 6) +
                             ", " + format_number(spec.parameters[j].upper, 6) + "]");
    }
    if (profile.better_objective) {
      fit.warnings.push_back("the profile of '" + name + "' found a lower objective (" +
                             format_number(*profile.better_objective, 8) + ") than the best start (" +
                             format_number(fit.objective, 8) + "); more starts may find a better fit");
    }
    fit.profiles.push_back(std::move(profile));
  }
  return fit;
}

}  // namespace nksim
