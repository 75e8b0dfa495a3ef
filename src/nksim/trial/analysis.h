// Statistics of a virtual trial, as pure functions tested against hand-computed values:
// Wilson intervals, Kaplan-Meier with Greenwood log-log intervals, the log-rank test and partial
// rank correlation coefficients (PRCC).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace nksim {

inline constexpr double kZ95 = 1.959963984540054;  // two-sided 95 % normal quantile

struct Interval {
  double lower = 0;
  double upper = 0;
};

// Wilson score interval for k successes in n trials:
//   (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n),  p = k/n.
Interval wilson_interval(std::size_t k, std::size_t n, double z = kZ95);

struct KaplanMeier {
  // One entry at time 0 (S = 1) and one per distinct event time.
  std::vector<double> time;
  std::vector<double> survival;
  std::vector<double> lower;  // 95 % log-log interval from Greenwood's variance
  std::vector<double> upper;
  std::vector<std::size_t> at_risk;  // at risk just before the time
  std::vector<std::size_t> events;   // events at the time
  // Censoring marks: each distinct censoring time, the curve's value there and how many.
  std::vector<double> censor_time;
  std::vector<double> censor_survival;
  std::vector<std::size_t> censor_count;
};

// Product-limit estimate; event[i] false = censored at time[i]. Censoring at an event time
// counts the censored subject as at risk at that time. With `end_time` after the last event,
// one more point (no events) carries the curve to the end of follow-up, so a plot does not
// stop at the last event.
KaplanMeier kaplan_meier(std::span<const double> time, const std::vector<bool>& event,
                         double z = kZ95, std::optional<double> end_time = std::nullopt);

// The first time where S <= 0.5, or nothing when the curve stays above one half.
std::optional<double> km_median(const KaplanMeier& km);

struct LogRank {
  double chi2 = 0;
  double p_value = 1;
  double observed_a = 0, expected_a = 0;
};

// Two-sample log-rank (Mantel-Cox) test: chi2 = (O_a - E_a)^2 / V with the hypergeometric
// variance V = sum n_a n_b d (n - d) / (n^2 (n - 1)); p from chi-square with 1 df.
LogRank log_rank(std::span<const double> time_a, const std::vector<bool>& event_a,
                 std::span<const double> time_b, const std::vector<bool>& event_b);

// Upper tail of the chi-square distribution with 1 degree of freedom: erfc(sqrt(x/2)).
double chi2_1df_upper(double x);

// Regularized incomplete beta I_x(a, b) (continued fraction, Lentz's method).
double incomplete_beta(double a, double b, double x);

// Two-sided p-value of Student's t with df degrees of freedom: I_{df/(df+t^2)}(df/2, 1/2).
double student_t_two_sided(double t, double df);

// Ranks 1..n, ties get their average rank.
std::vector<double> ranks(std::span<const double> values);

struct Prcc {
  double prcc = 0;
  double p_value = 1;
  bool valid = false;  // false when a column or the output has no variation left
};

// PRCC of y with each column of x (n rows, k columns, row-major): rank-transform everything,
// regress the other k-1 ranked columns (and a constant) out of rank(x_j) and rank(y), correlate
// the residuals. Significance: t = r sqrt(df / (1 - r^2)) with df = n - 2 - (k - 1).
std::vector<Prcc> prcc(std::span<const double> x, std::size_t k, std::span<const double> y);

}  // namespace nksim
