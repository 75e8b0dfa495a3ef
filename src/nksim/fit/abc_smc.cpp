#include "nksim/fit/abc_smc.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include <Random123/philox.h>

#include "nksim/core/parallel_for.h"
#include "nksim/core/text.h"

namespace nksim {
namespace abc_detail {

// The random numbers of one attempt: Philox4x32-10 keyed by the seed, counter (generation,
// particle, attempt, block); each block gives two uniforms in (0, 1).
class AttemptStream {
 public:
  AttemptStream(std::uint64_t seed, std::uint32_t generation, std::uint32_t particle,
                std::uint32_t attempt)
      : seed_(seed), generation_(generation), particle_(particle), attempt_(attempt) {}

  double uniform() {
    if (next_ == 2) refill();
    return uniforms_[next_++];
  }
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    return r * std::cos(2.0 * std::numbers::pi * uniform());
  }
  std::uint64_t seed() {
    if (next_ == 2) refill();
    next_ = 2;
    return bits_;
  }

 private:
  void refill() {
    using Philox = r123::Philox4x32;
    const Philox::key_type key = {
        {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)}};
    const Philox::ctr_type counter = {{generation_, particle_, attempt_, block_++}};
    const Philox::ctr_type out = Philox()(counter, key);
    for (int k = 0; k < 2; ++k) {
      const std::uint64_t bits =
          (static_cast<std::uint64_t>(out.v[2 * k]) << 32) | out.v[2 * k + 1];
      uniforms_[k] = (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;
      if (k == 0) bits_ = bits;
    }
    next_ = 0;
  }
  std::uint64_t seed_;
  std::uint32_t generation_, particle_, attempt_, block_ = 0;
  double uniforms_[2] = {0, 0};
  std::uint64_t bits_ = 0;
  int next_ = 2;
};

double to_scale(const AbcParameter& p, double value) { return p.log ? std::log(value) : value; }
double from_scale(const AbcParameter& p, double value) { return p.log ? std::exp(value) : value; }

struct Attempt {
  bool proposed = false;  // false: outside the prior's bounds, not simulated
  std::vector<double> theta;
  std::uint64_t seed = 0;
  double distance = std::numeric_limits<double>::infinity();
};

}  // namespace abc_detail

double abc_weighted_quantile(std::vector<double> values, std::vector<double> weights, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  double cumulative = 0;
  for (std::size_t k : order) {
    cumulative += weights[k];
    if (cumulative >= q * total * (1 - 1e-12)) return values[k];
  }
  return values[order.back()];
}

bool abc_identified(const AbcParameter& parameter, const AbcPosterior& posterior) {
  using abc_detail::to_scale;
  const double width = to_scale(parameter, posterior.q95) - to_scale(parameter, posterior.q05);
  const double prior = to_scale(parameter, parameter.upper) - to_scale(parameter, parameter.lower);
  return width < 0.5 * prior;
}

AbcResult run_abc_smc(const std::vector<AbcParameter>& parameters, const AbcSettings& settings,
                      const AbcSimulator& simulate) {
  using namespace abc_detail;
  if (parameters.empty()) throw InputError("ABC-SMC: no parameters to calibrate");
  for (const auto& p : parameters) {
    if (!(p.upper > p.lower) || (p.log && !(p.lower > 0))) {
      throw InputError("ABC-SMC: parameter '" + p.name + "' has bad bounds [" +
                       format_number(p.lower) + ", " + format_number(p.upper) + "]");
    }
  }
  if (settings.population < 2) throw InputError("ABC-SMC: population must be at least 2");
  if (settings.max_generations < 0) throw InputError("ABC-SMC: max_generations must be >= 0");
  if (!(settings.quantile > 0 && settings.quantile < 1)) {
    throw InputError("ABC-SMC: quantile must be in (0, 1)");
  }
  const std::size_t n = static_cast<std::size_t>(settings.population);
  const std::size_t d = parameters.size();
  // Attempts per slot beyond which the kernel is taken to be stuck outside the bounds.
  constexpr std::uint32_t kMaxAttempts = 1u << 30;

  AbcResult result;
  for (int t = 0; t <= settings.max_generations; ++t) {
    AbcGeneration generation;
    const AbcGeneration* previous = t > 0 ? &result.generations.back() : nullptr;
    std::vector<double> kernel_sd(d, 0.0);
    std::vector<double> cumulative;  // cumulative weights of the previous generation
    if (previous) {
      std::vector<double> distances;
      for (const auto& p : previous->particles) distances.push_back(p.distance);
      std::vector<double> ones(distances.size(), 1.0);
      double epsilon = abc_weighted_quantile(distances, ones, settings.quantile);
      // Discrete distances can sit at the quantile for good (more than half of them equal to
      // the last epsilon): then the largest distance below the last epsilon, if any.
      if (std::isfinite(previous->epsilon) && epsilon >= previous->epsilon) {
        double below = -1;
        for (double x : distances) {
          if (x < previous->epsilon) below = std::max(below, x);
        }
        if (below >= 0) epsilon = below;
      }
      generation.epsilon = std::max(settings.target_epsilon, epsilon);
      for (std::size_t k = 0; k < d; ++k) {
        double mean = 0;
        for (const auto& p : previous->particles)
          mean += p.weight * to_scale(parameters[k], p.theta[k]);
        double var = 0;
        for (const auto& p : previous->particles) {
          const double x = to_scale(parameters[k], p.theta[k]) - mean;
          var += p.weight * x * x;
        }
        kernel_sd[k] = std::sqrt(2.0 * var);
        // A collapsed generation still moves: at least a millionth of the prior's width.
        const double width = to_scale(parameters[k], parameters[k].upper) -
                             to_scale(parameters[k], parameters[k].lower);
        kernel_sd[k] = std::max(kernel_sd[k], 1e-6 * width);
      }
      double sum = 0;
      for (const auto& p : previous->particles) cumulative.push_back(sum += p.weight);
    }

    const auto propose = [&](std::size_t slot, std::uint32_t attempt) {
      AttemptStream stream(settings.seed, static_cast<std::uint32_t>(t),
                           static_cast<std::uint32_t>(slot), attempt);
      Attempt a;
      a.theta.resize(d);
      if (!previous) {
        for (std::size_t k = 0; k < d; ++k) {
          const double lo = to_scale(parameters[k], parameters[k].lower);
          const double hi = to_scale(parameters[k], parameters[k].upper);
          a.theta[k] = from_scale(parameters[k], lo + (hi - lo) * stream.uniform());
        }
      } else {
        const double u = stream.uniform() * cumulative.back();
        const std::size_t j = std::min<std::size_t>(
            static_cast<std::size_t>(std::lower_bound(cumulative.begin(), cumulative.end(), u) -
                                     cumulative.begin()),
            cumulative.size() - 1);
        for (std::size_t k = 0; k < d; ++k) {
          const double x = to_scale(parameters[k], previous->particles[j].theta[k]) +
                           kernel_sd[k] * stream.normal();
          if (x < to_scale(parameters[k], parameters[k].lower) ||
              x > to_scale(parameters[k], parameters[k].upper)) {
            return a;  // zero prior density: a new attempt, no simulation
          }
          a.theta[k] = from_scale(parameters[k], x);
        }
      }
      a.proposed = true;
      a.seed = stream.seed();
      return a;
    };

    std::vector<Attempt> accepted(n);
    std::vector<bool> filled(n, false);
    std::vector<std::uint32_t> attempts(n, 0);
    std::size_t filled_count = 0;
    while (filled_count < n) {
      // This round's proposals, drawn serially (cheap), simulated in parallel.
      std::vector<std::size_t> slots;
      std::vector<Attempt> round;
      for (std::size_t i = 0; i < n; ++i) {
        if (filled[i]) continue;
        Attempt a;
        do {
          if (attempts[i] >= kMaxAttempts) {
            throw AbcBudgetError("ABC-SMC: generation " + std::to_string(t) +
                                 ": no proposal inside the prior's bounds after " +
                                 std::to_string(kMaxAttempts) + " attempts");
          }
          a = propose(i, attempts[i]++);
          ++generation.proposals;
        } while (!a.proposed);
        slots.push_back(i);
        round.push_back(std::move(a));
      }
      if (result.simulations + static_cast<std::int64_t>(round.size()) > settings.max_simulations) {
        throw AbcBudgetError(
            "ABC-SMC stopped at the cap of max_simulations = " +
            std::to_string(settings.max_simulations) + " simulations, in generation " +
            std::to_string(t) + " (epsilon " + format_number(generation.epsilon, 4) + ") with " +
            std::to_string(filled_count) + " of " + std::to_string(n) +
            " particles accepted; raise max_simulations, or stop earlier with a larger "
            "target epsilon or fewer generations");
      }
      parallel_for(round.size(), settings.threads, [&](std::size_t k) {
        round[k].distance = simulate(round[k].theta, round[k].seed);
      });
      result.simulations += static_cast<std::int64_t>(round.size());
      generation.simulations += static_cast<std::int64_t>(round.size());
      for (std::size_t k = 0; k < round.size(); ++k) {
        const double dist = round[k].distance;
        if (std::isfinite(dist) && (!previous || dist <= generation.epsilon)) {
          accepted[slots[k]] = std::move(round[k]);
          filled[slots[k]] = true;
          ++filled_count;
        }
      }
    }

    // Importance weights: flat priors on the kernel's scale, so w = 1 / sum_j w_j K.
    std::vector<double> weights(n, 1.0);
    if (previous) {
      for (std::size_t i = 0; i < n; ++i) {
        double denominator = 0;
        for (const auto& p : previous->particles) {
          double exponent = 0;
          for (std::size_t k = 0; k < d; ++k) {
            const double z = (to_scale(parameters[k], accepted[i].theta[k]) -
                              to_scale(parameters[k], p.theta[k])) /
                             kernel_sd[k];
            exponent += z * z;
          }
          denominator += p.weight * std::exp(-0.5 * exponent);
        }
        // The normalising constants of K are the same for every i and cancel.
        weights[i] = denominator > 0 ? 1.0 / denominator : 0.0;
      }
    }
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      AbcParticle p;
      p.theta = std::move(accepted[i].theta);
      p.weight = weights[i] / total;
      p.distance = accepted[i].distance;
      p.seed = accepted[i].seed;
      generation.particles.push_back(std::move(p));
    }
    const bool reached = previous && generation.epsilon <= settings.target_epsilon;
    result.generations.push_back(std::move(generation));
    if (reached) break;
  }

  const auto& last = result.generations.back().particles;
  for (std::size_t k = 0; k < d; ++k) {
    std::vector<double> values, weights;
    AbcPosterior post;
    for (const auto& p : last) {
      values.push_back(p.theta[k]);
      weights.push_back(p.weight);
      post.mean += p.weight * p.theta[k];
    }
    post.median = abc_weighted_quantile(values, weights, 0.5);
    post.q05 = abc_weighted_quantile(values, weights, 0.05);
    post.q95 = abc_weighted_quantile(values, weights, 0.95);
    result.posterior.push_back(post);
  }
  return result;
}

}  // namespace nksim
