// Fitting a well-mixed model to one patient's measurements: the objective (negative
// log-likelihood plus priors), multi-start local optimisation with NLopt from Latin hypercube
// starts, and profile-likelihood intervals (docs/fit.md).
//
// Every local optimisation works in the unit box: each fitted parameter is mapped linearly (or
// in log10 when log = true) from [lower, upper] to [0, 1]. Starts and profiles are independent
// tasks whose results are stored by index, so the outcome does not depend on the thread count.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nksim/fit/fit_spec.h"
#include "nksim/ode/well_mixed.h"

namespace nksim {

// The objective of a fit. Thread-safe: every evaluation builds and integrates its own problem.
class FitObjective {
 public:
  explicit FitObjective(const FitSpec& spec);

  std::size_t dimensions() const { return spec_->parameters.size(); }
  // Natural value <-> unit-box coordinate of parameter j.
  double to_unit(std::size_t j, double value) const;
  double from_unit(std::size_t j, double u) const;

  // The scenario's problem with `values` (natural scale, one per fitted parameter) applied,
  // output at `times` (sorted); throws InputError/NumericalError.
  WellMixedProblem problem(std::span<const double> values, std::vector<double> times) const;
  // The model at every measurement (the observable's state or formula, before any log10), or
  // nullopt when the run fails to integrate. A formula that is not finite there gives a
  // non-finite value, and with it an infinite objective.
  std::optional<std::vector<double>> predictions(std::span<const double> values) const;
  // Negative log-likelihood of the data alone, from predictions.
  double data_nll(std::span<const double> predictions) const;
  // Negative log of the priors' densities (0 without priors).
  double prior_nll(std::span<const double> values) const;
  // data_nll + prior_nll; +inf when the run fails to integrate.
  double operator()(std::span<const double> values) const;
  // The same in unit-box coordinates.
  double unit_objective(std::span<const double> unit) const;

  // The model's value on the observable's scale (log10 for log10 observables) and the
  // standardised residual of measurement i, from its prediction.
  double observable_value(std::size_t i, double state_value) const;
  double standardised_residual(std::size_t i, double state_value) const;

  const FitSpec& spec() const { return *spec_; }

 private:
  const FitSpec* spec_;
  std::vector<double> times_;         // distinct measurement times, sorted
  std::vector<std::size_t> row_of_;   // measurement -> row of times_
};

// The model value of an observable (its state, or its formula) at time t (days), states y and
// model parameters p.
double observable_model_value(const FitObservable& o, double t, const double* y, const double* p);

struct StartResult {
  std::size_t index = 0;
  std::vector<double> initial;  // natural scale
  std::vector<double> final;    // natural scale
  double objective = 0;         // +inf when the run failed to integrate
  int evaluations = 0;
  int status = 0;               // NLopt's result code
  bool converged = false;       // a success code and a finite objective
};

struct ProfilePoint {
  double value = 0;      // the profiled parameter, natural scale
  double objective = 0;  // the others re-optimised
  std::vector<double> others;  // all parameters at this point (natural scale)
};

struct ProfileResult {
  std::size_t parameter = 0;
  std::vector<ProfilePoint> points;  // sorted by value, the best fit included
  double lower = 0, upper = 0;       // 95 % interval (a bound when the profile stays flat)
  bool lower_reached_bound = false;  // the profile stays below the threshold down to `lower`
  bool upper_reached_bound = false;
  bool identifiable() const { return !lower_reached_bound && !upper_reached_bound; }
  std::optional<double> better_objective;  // a profile point below the best fit, if any
};

struct FitResult {
  std::vector<StartResult> starts;   // by start index
  std::size_t best = 0;              // index of the best start
  std::vector<double> estimate;      // natural scale
  double objective = 0;              // data NLL + priors at the estimate
  double data_nll = 0;
  double aic = 0, bic = 0;           // from data_nll and the number of fitted parameters
  std::vector<ProfileResult> profiles;  // one per parameter when profiles are on
  std::vector<std::string> warnings;
};

// 0.5 chi-square(1) 0.95 quantile: a 95 % profile interval is where the objective stays within
// this of its minimum.
inline constexpr double kProfileThreshold95 = 1.920729410347062;

struct FitOptions {
  int threads = 1;  // 0: all cores
  bool progress = false;
};

// Runs the starts and (when spec.profiles) the profiles. Throws InputError when no start
// reaches a finite objective.
FitResult run_fit(const FitSpec& spec, const FitOptions& options);

// One bounded local optimisation from `start` (unit box); exposed for tests.
StartResult optimise_from(const FitObjective& objective, std::span<const double> start_unit,
                          FitOptimiser optimiser, int max_evaluations);

}  // namespace nksim
