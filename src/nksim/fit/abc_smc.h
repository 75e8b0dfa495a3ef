// Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, population Monte Carlo):
// Toni et al. 2009, J R Soc Interface 6:187; Beaumont et al. 2009, Biometrika 96:983.
//
// A model that can be simulated but whose likelihood cannot be written (a stochastic spatial
// run) is calibrated by keeping the parameter values whose simulations land within a distance
// epsilon of the data, with epsilon shrinking over generations:
//
//   generation 0: N particles from the prior, all accepted (epsilon = infinity);
//   generation t: epsilon_t = the `quantile` of generation t-1's distances (never below
//     target_epsilon; when that would not shrink it, as with discrete distances, the largest
//     distance of generation t-1 below epsilon_{t-1}); a proposal is a particle of generation t-1
//     drawn by weight, moved by a Gaussian kernel, rejected outside the prior's bounds, simulated
//     and accepted when its distance <= epsilon_t, until N are accepted. Weight of an accepted
//     theta:
//       w = prior(theta) / sum_j w_j K(theta - theta_j),
//     K a Gaussian with a diagonal covariance of twice the weighted variance of generation t-1
//     per parameter (Beaumont 2009's choice, with the covariances between parameters left out).
//   It stops after the generation whose epsilon reached target_epsilon, or after
//   max_generations generations after generation 0.
//
// Priors are uniform within [lower, upper], or log-uniform (uniform in ln theta). The kernel
// works on that scale (ln theta for log-uniform parameters), where every prior is flat.
//
// Deterministic by seed whatever the thread count: proposal i's a-th attempt in generation t
// draws its ancestor, its perturbation and its simulation seed from a counter-based stream keyed
// by (seed, t, i, a); each round evaluates the next attempt of every particle slot not yet filled
// (in parallel, core/parallel_for) and a slot keeps its first accepted attempt.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "nksim/core/error.h"

namespace nksim {

struct AbcParameter {
  std::string name;
  double lower = 0;
  double upper = 1;
  bool log = false;  // log-uniform prior (lower > 0)
};

struct AbcSettings {
  int population = 100;                   // N particles per generation
  int max_generations = 5;                // generations after generation 0 (the prior)
  double quantile = 0.5;                  // next epsilon = this quantile of the accepted distances
  double target_epsilon = 0;              // stop once epsilon reaches it
  std::int64_t max_simulations = 100000;  // the cap: AbcBudgetError when it would be passed
  std::uint64_t seed = 1;
  int threads = 0;  // parallel_for threads (0: all cores); results do not depend on it
};

// The simulator: parameters on their natural scale and a seed for its own random numbers ->
// distance to the data (>= 0; not finite counts as never accepted).
using AbcSimulator = std::function<double(const std::vector<double>& theta, std::uint64_t seed)>;

struct AbcParticle {
  std::vector<double> theta;  // natural scale
  double weight = 0;          // normalised within its generation
  double distance = 0;
  std::uint64_t seed = 0;  // the simulation seed that produced `distance`
};

struct AbcGeneration {
  double epsilon = std::numeric_limits<double>::infinity();
  std::vector<AbcParticle> particles;
  std::int64_t simulations = 0;  // simulations run in this generation
  std::int64_t proposals = 0;    // attempts, including those outside the prior's bounds
  double acceptance_rate() const {
    return simulations ? static_cast<double>(particles.size()) / static_cast<double>(simulations)
                       : 0.0;
  }
};

struct AbcPosterior {
  double mean = 0;
  double median = 0;
  double q05 = 0;
  double q95 = 0;
};

struct AbcResult {
  std::vector<AbcGeneration> generations;  // generation 0 (the prior) first
  std::int64_t simulations = 0;
  std::vector<AbcPosterior> posterior;  // per parameter, from the last generation's particles
};

// The cap on simulations was reached: the message names the cap, the generation and how many
// particles were accepted.
class AbcBudgetError : public Error {
 public:
  explicit AbcBudgetError(const std::string& message) : Error(message, ExitCode::kNumerical) {}
};

// Throws InputError for bad parameters or settings, AbcBudgetError at the cap, and rethrows what
// the simulator throws.
AbcResult run_abc_smc(const std::vector<AbcParameter>& parameters, const AbcSettings& settings,
                      const AbcSimulator& simulate);

// Weighted quantile q in [0, 1] of values (weights need not be normalised): the smallest value
// whose cumulative weight reaches q of the total.
double abc_weighted_quantile(std::vector<double> values, std::vector<double> weights, double q);

// "Identified" in the sense of docs/calibration.md: the 90 % interval [q05, q95] is narrower
// than half the prior's width, both measured on the prior's scale (ln for log-uniform).
bool abc_identified(const AbcParameter& parameter, const AbcPosterior& posterior);

}  // namespace nksim
