#include "nksim/trial/analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nksim {

Interval wilson_interval(std::size_t k, std::size_t n, double z) {
  if (n == 0) return {0, 1};
  const double nn = static_cast<double>(n);
  const double p = static_cast<double>(k) / nn;
  const double z2 = z * z;
  const double centre = p + z2 / (2 * nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
  const double denominator = 1 + z2 / nn;
  // No responders (or all): the bound is exactly 0 (or 1); the formula leaves a rounding rest.
  return {k == 0 ? 0.0 : std::max(0.0, (centre - half) / denominator),
          k == n ? 1.0 : std::min(1.0, (centre + half) / denominator)};
}

KaplanMeier kaplan_meier(std::span<const double> time, const std::vector<bool>& event, double z,
                         std::optional<double> end_time) {
  KaplanMeier km;
  const std::size_t n = time.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return time[a] < time[b]; });
  km.time.push_back(0);
  km.survival.push_back(1);
  km.lower.push_back(1);
  km.upper.push_back(1);
  km.at_risk.push_back(n);
  km.events.push_back(0);
  double s = 1;
  double greenwood = 0;  // sum d / (n (n - d))
  std::size_t at_risk = n;
  std::size_t i = 0;
  while (i < n) {
    const double t = time[order[i]];
    std::size_t deaths = 0, removed = 0;
    while (i < n && time[order[i]] == t) {
      if (event[order[i]]) ++deaths;
      ++removed;
      ++i;
    }
    if (deaths > 0) {
      const double nr = static_cast<double>(at_risk);
      const double d = static_cast<double>(deaths);
      s *= 1 - d / nr;
      if (at_risk > deaths) greenwood += d / (nr * (nr - d));
      km.time.push_back(t);
      km.survival.push_back(s);
      km.at_risk.push_back(at_risk);
      km.events.push_back(deaths);
      if (s > 0 && s < 1) {
        // log-log interval: S^exp(+-z sigma), sigma = sqrt(greenwood) / |ln S|.
        const double sigma = std::sqrt(greenwood) / std::abs(std::log(s));
        km.lower.push_back(std::pow(s, std::exp(z * sigma)));
        km.upper.push_back(std::pow(s, std::exp(-z * sigma)));
      } else {
        km.lower.push_back(s);
        km.upper.push_back(s);
      }
    }
    if (removed > deaths) {
      km.censor_time.push_back(t);
      km.censor_survival.push_back(s);
      km.censor_count.push_back(removed - deaths);
    }
    at_risk -= removed;
  }
  if (end_time && *end_time > km.time.back()) {
    std::size_t still = 0;
    for (const double t : time) still += t >= *end_time;
    km.time.push_back(*end_time);
    km.survival.push_back(s);
    km.lower.push_back(km.lower.back());
    km.upper.push_back(km.upper.back());
    km.at_risk.push_back(still);
    km.events.push_back(0);
  }
  return km;
}

std::optional<double> km_median(const KaplanMeier& km) {
  for (std::size_t i = 0; i < km.time.size(); ++i) {
    if (km.survival[i] <= 0.5) return km.time[i];
  }
  return std::nullopt;
}

double chi2_1df_upper(double x) { return x <= 0 ? 1.0 : std::erfc(std::sqrt(x / 2)); }

LogRank log_rank(std::span<const double> time_a, const std::vector<bool>& event_a,
                 std::span<const double> time_b, const std::vector<bool>& event_b) {
  std::vector<double> times;
  for (std::size_t i = 0; i < time_a.size(); ++i)
    if (event_a[i]) times.push_back(time_a[i]);
  for (std::size_t i = 0; i < time_b.size(); ++i)
    if (event_b[i]) times.push_back(time_b[i]);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  LogRank out;
  double variance = 0;
  for (double t : times) {
    double na = 0, nb = 0, da = 0, db = 0;
    for (std::size_t i = 0; i < time_a.size(); ++i) {
      if (time_a[i] >= t) ++na;
      if (time_a[i] == t && event_a[i]) ++da;
    }
    for (std::size_t i = 0; i < time_b.size(); ++i) {
      if (time_b[i] >= t) ++nb;
      if (time_b[i] == t && event_b[i]) ++db;
    }
    const double n = na + nb;
    const double d = da + db;
    out.observed_a += da;
    out.expected_a += d * na / n;
    if (n > 1) variance += na * nb * d * (n - d) / (n * n * (n - 1));
  }
  if (variance > 0) {
    const double diff = out.observed_a - out.expected_a;
    out.chi2 = diff * diff / variance;
    out.p_value = chi2_1df_upper(out.chi2);
  }
  return out;
}

namespace {

// Continued fraction of the incomplete beta function (modified Lentz).
double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double mm = m;
    double numerator = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm));
    d = 1 + numerator * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + numerator / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    numerator = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1));
    d = 1 + numerator * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + numerator / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1) < 1e-15) break;
  }
  return h;
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return std::exp(log_front) * beta_fraction(a, b, x) / a;
  return 1 - std::exp(log_front) * beta_fraction(b, a, 1 - x) / b;
}

double student_t_two_sided(double t, double df) {
  if (!std::isfinite(t)) return 0;
  return incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

std::vector<double> ranks(std::span<const double> values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> out(n);
  std::size_t i = 0;
  while (i < n) {
    std::size_t j = i;
    while (j + 1 < n && values[order[j + 1]] == values[order[i]]) ++j;
    const double average = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (std::size_t m = i; m <= j; ++m) out[order[m]] = average;
    i = j + 1;
  }
  return out;
}

namespace {

// Residual of v after projection onto the orthonormal basis q (modified Gram-Schmidt).
std::vector<double> residual(std::vector<double> v, const std::vector<std::vector<double>>& q) {
  for (const auto& b : q) {
    const double dot = std::inner_product(v.begin(), v.end(), b.begin(), 0.0);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] -= dot * b[i];
  }
  return v;
}

// Orthonormal basis of a constant column and the given columns (dependent columns dropped).
std::vector<std::vector<double>> basis(const std::vector<std::vector<double>>& columns,
                                       std::size_t n) {
  std::vector<std::vector<double>> q;
  q.emplace_back(n, 1.0 / std::sqrt(static_cast<double>(n)));
  for (const auto& column : columns) {
    std::vector<double> v = residual(column, q);
    const double norm = std::sqrt(std::inner_product(v.begin(), v.end(), v.begin(), 0.0));
    const double scale =
        std::sqrt(std::inner_product(column.begin(), column.end(), column.begin(), 0.0));
    if (norm <= 1e-10 * std::max(scale, 1.0)) continue;
    for (double& value : v) value /= norm;
    q.push_back(std::move(v));
  }
  return q;
}

}  // namespace

std::vector<Prcc> prcc(std::span<const double> x, std::size_t k, std::span<const double> y) {
  const std::size_t n = y.size();
  std::vector<Prcc> out(k);
  if (k == 0 || n < k + 3) return out;
  std::vector<std::vector<double>> ranked(k);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> column(n);
    for (std::size_t i = 0; i < n; ++i) column[i] = x[i * k + j];
    ranked[j] = ranks(column);
  }
  const std::vector<double> ranked_y = ranks(y);
  const double df = static_cast<double>(n) - 2 - static_cast<double>(k - 1);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<std::vector<double>> others;
    for (std::size_t m = 0; m < k; ++m)
      if (m != j) others.push_back(ranked[m]);
    const auto q = basis(others, n);
    const auto rx = residual(ranked[j], q);
    const auto ry = residual(ranked_y, q);
    const double sxx = std::inner_product(rx.begin(), rx.end(), rx.begin(), 0.0);
    const double syy = std::inner_product(ry.begin(), ry.end(), ry.begin(), 0.0);
    const double sxy = std::inner_product(rx.begin(), rx.end(), ry.begin(), 0.0);
    const double scale = static_cast<double>(n) * static_cast<double>(n) * 1e-12;
    if (!(sxx > scale && syy > scale)) continue;
    const double r = std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
    out[j].prcc = r;
    out[j].valid = true;
    const double t =
        std::abs(r) < 1 ? r * std::sqrt(df / (1 - r * r)) : std::numeric_limits<double>::infinity();
    out[j].p_value = student_t_two_sided(t, df);
  }
  return out;
}

}  // namespace nksim
