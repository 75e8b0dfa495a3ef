// Exact event probabilities over a time step, single and competing.
//
// Derivation. An event that occurs at a constant hazard r (per minute) is the first arrival of a
// Poisson process, so the waiting time is exponential and
//   P(event within dt) = 1 - exp(-r dt).
// The linearisation r dt over-estimates it (and exceeds 1 for r dt > 1); it is never used here.
// Sub-steps compose exactly: surviving n sub-steps of dt/n has probability exp(-r dt/n)^n =
// exp(-r dt), the same as one step of dt.
//
// Competing events with hazards r_1..r_m (death by apoptosis vs lysis, granule restock vs ...):
// the first event is at rate R = sum r_i, so P(any event in dt) = 1 - exp(-R dt), and given that
// one happened, it is event i with probability r_i / R (the minimum of independent exponentials
// is exponential with rate R, and the index of the minimum is independent of its value).
// Reference: Gillespie, J. Phys. Chem. 81 (1977) 2340; Chaste's 1 - (1-q)^dt rule.
#pragma once

#include <cmath>
#include <span>

namespace nksim::rules::nk {

// 1 - exp(-rate dt), computed with expm1 so that tiny rate dt keeps full precision.
inline double probability_in_step(double rate_per_min, double dt_min) {
  if (rate_per_min <= 0.0 || dt_min <= 0.0) return 0.0;
  return -std::expm1(-rate_per_min * dt_min);
}

// The hazard (per minute) that reproduces probability p of at least one event in dt:
//   r = -ln(1 - p) / dt, the inverse of probability_in_step. Used to turn a published
// "probability per hour" into a rate. p must be in [0, 1).
inline double rate_from_probability(double p, double dt_min) { return -std::log1p(-p) / dt_min; }

// Which of several competing events happens in dt, given one uniform u in (0, 1).
// Returns the index of the event, or -1 for none. The interval [0, P_any) is split in
// proportion to the hazards, so u decides both whether and which: a single draw keeps the
// result a pure function of the counter-based uniform.
inline int competing_event(std::span<const double> rates_per_min, double dt_min, double u) {
  double total = 0.0;
  for (double r : rates_per_min) total += r > 0.0 ? r : 0.0;
  const double p_any = probability_in_step(total, dt_min);
  if (!(u < p_any)) return -1;
  const double scaled = u / p_any * total;  // uniform in [0, total)
  double cumulative = 0.0;
  int last_positive = -1;
  for (std::size_t i = 0; i < rates_per_min.size(); ++i) {
    if (rates_per_min[i] <= 0.0) continue;
    cumulative += rates_per_min[i];
    last_positive = static_cast<int>(i);
    if (scaled < cumulative) return last_positive;
  }
  return last_positive;  // rounding at the top edge
}

// Probability that event i is the one that happens in dt (closed form used by the tests):
//   P_i = r_i / R (1 - exp(-R dt)).
inline double competing_event_probability(std::span<const double> rates_per_min, double dt_min,
                                          std::size_t i) {
  double total = 0.0;
  for (double r : rates_per_min) total += r > 0.0 ? r : 0.0;
  if (total <= 0.0 || rates_per_min[i] <= 0.0) return 0.0;
  return rates_per_min[i] / total * probability_in_step(total, dt_min);
}

// Number of events of a Poisson process with the given mean in one step (arrivals of recruited
// cells), by inverse CDF from one uniform: the smallest k with F(k) >= u, F the Poisson CDF.
// Exact for any mean; the loop runs about mean + a few sqrt(mean) times (means here are small).
inline int poisson_count(double mean, double u) {
  if (mean <= 0.0) return 0;
  double pmf = std::exp(-mean), cdf = pmf;
  int k = 0;
  while (cdf < u && k < 100000) {
    ++k;
    pmf *= mean / k;
    cdf += pmf;
    if (pmf == 0.0 && cdf < u) break;  // u beyond double resolution of the tail
  }
  return k;
}

}  // namespace nksim::rules::nk
