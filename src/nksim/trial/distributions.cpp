#include "nksim/trial/distributions.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace nksim {

const char* distribution_kind_name(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kFixed:
      return "fixed";
    case DistributionKind::kUniform:
      return "uniform";
    case DistributionKind::kNormal:
      return "normal";
    case DistributionKind::kLognormal:
      return "lognormal";
    case DistributionKind::kDiscrete:
      return "discrete";
  }
  return "?";
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_quantile(double p) {
  if (p <= 0) return -std::numeric_limits<double>::infinity();
  if (p >= 1) return std::numeric_limits<double>::infinity();
  // P. J. Acklam, "An algorithm for computing the inverse normal cumulative distribution
  // function" (2003): rational approximations in a central and two tail regions.
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01, -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double p_low = 0.02425;
  double x = 0;
  if (p < p_low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step on Phi(x) - p = 0.
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

namespace {

// Quantile of a standard normal truncated to [lo, hi] (in standard units).
double truncated_standard(double u, double lo, double hi) {
  const double f_lo = normal_cdf(lo);
  const double f_hi = normal_cdf(hi);
  const double p = f_lo + u * (f_hi - f_lo);
  return std::clamp(normal_quantile(p), lo, hi);
}

}  // namespace

double Distribution::quantile(double u) const {
  switch (kind) {
    case DistributionKind::kFixed:
      return value;
    case DistributionKind::kUniform:
      return lower + u * (upper - lower);
    case DistributionKind::kNormal:
      return mean + sd * truncated_standard(u, (lower - mean) / sd, (upper - mean) / sd);
    case DistributionKind::kLognormal: {
      const double mu = std::log(median);
      const double lo =
          lower > 0 ? (std::log(lower) - mu) / sigma_log : -std::numeric_limits<double>::infinity();
      const double hi = (std::log(upper) - mu) / sigma_log;
      return std::exp(mu + sigma_log * truncated_standard(u, lo, hi));
    }
    case DistributionKind::kDiscrete:
      return values.empty() ? static_cast<double>(discrete_index(u)) : values[discrete_index(u)];
  }
  return value;
}

std::size_t Distribution::discrete_index(double u) const {
  const std::size_t n = labels.empty() ? values.size() : labels.size();
  if (n == 0) return 0;
  std::vector<double> w = weights;
  if (w.empty()) w.assign(n, 1.0);
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  double cumulative = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cumulative += w[i] / total;
    if (u < cumulative) return i;
  }
  return n - 1;
}

}  // namespace nksim
