// Per-patient parameter distributions of a virtual trial, as inverse CDFs (quantiles) of a
// uniform number in (0, 1), so that Latin hypercube, Sobol and Gaussian-copula samples all go
// through one function.
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace nksim {

enum class DistributionKind { kFixed, kUniform, kNormal, kLognormal, kDiscrete };

const char* distribution_kind_name(DistributionKind kind);

// One sampled quantity. `target` is a model parameter ("c"), an initial state ("initial.T") or
// "parameter_set" (a discrete choice among the model's built-in sets).
struct Distribution {
  std::string target;
  DistributionKind kind = DistributionKind::kFixed;
  double value = 0;                                         // fixed
  double lower = -std::numeric_limits<double>::infinity();  // uniform bounds, or truncation
  double upper = std::numeric_limits<double>::infinity();
  double mean = 0, sd = 1;           // normal
  double median = 1, sigma_log = 0;  // lognormal: ln X ~ Normal(ln median, sigma_log)
  std::vector<double> values;        // discrete numbers...
  std::vector<std::string> labels;   // ...or discrete names (parameter sets)
  std::vector<double> weights;       // discrete: relative weights (equal when empty)
  // The target takes whole numbers only (a spatial scenario's cell count): samples are rounded
  // to the nearest before the run (set by the trial reader).
  bool whole_numbers = false;

  bool is_label() const { return !labels.empty(); }
  // X = F^-1(u) for u in (0, 1). Truncated normal and lognormal invert the truncated CDF
  // F(lo) + u (F(hi) - F(lo)). Discrete numbers return the chosen value.
  double quantile(double u) const;
  // The index of the chosen discrete item (values or labels) for u in (0, 1).
  std::size_t discrete_index(double u) const;
};

// Standard normal CDF and its inverse (Acklam's rational approximation refined by one Halley
// step: relative error below 1e-15 on (0, 1)).
double normal_cdf(double x);
double normal_quantile(double p);

}  // namespace nksim
