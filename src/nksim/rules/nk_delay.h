// Delays between NK contact, lytic hit and target death, sampled from given uniforms.
//
// Single-cell imaging shows a multi-step delay (Vanherberghen 2013, Blood 121:1326 [V]:
// conjugation -> lytic hit -> attachment -> detachment). A chain of k exponential steps, each of
// mean m/k, gives an Erlang(k, k/m) delay: mean m, variance m^2/k, coefficient of variation
// 1/sqrt(k), no mass near zero for k >= 2 (a lytic hit is never instantaneous). Means:
//   granzyme/perforin kill: contact -> death about 15-30 min (Prager 2019, J Exp Med 216:2113 [P];
//     granzyme biosensor signal within 15 min, Li 2015, Blood 126:e1 [V]);
//   death-receptor (FasL/TRAIL) kill: 1-2 h (Prager 2019 [P]; caspase-8 activity after about
//     45 min of conjugation, Li 2015 [V]).
// Sampling is by sums of exponentials, X = -(m/k) sum_j ln u_j, from k uniforms supplied by the
// caller (counter-based, so the delay is a pure function of the draw). A lognormal alternative
// with the same mean and CV is provided for sensitivity analysis: sigma^2 = ln(1 + cv^2),
// mu = ln(m) - sigma^2/2, X = exp(mu + sigma z) with z a standard normal supplied by the caller.
#pragma once

#include <cmath>
#include <span>

namespace nksim::rules::nk {

// Erlang(k) with the given mean from k uniforms in (0, 1); uses the first `shape` of them.
inline double erlang_delay(double mean_min, int shape, std::span<const double> uniforms) {
  double sum_log = 0.0;
  for (int j = 0; j < shape; ++j) sum_log += std::log(uniforms[static_cast<std::size_t>(j)]);
  return -mean_min / shape * sum_log;
}

// Closed forms (tests, documentation).
inline double erlang_variance(double mean_min, int shape) { return mean_min * mean_min / shape; }

// Lognormal with mean m and coefficient of variation cv, from a standard normal z.
inline double lognormal_delay(double mean_min, double cv, double z) {
  const double sigma2 = std::log1p(cv * cv);
  const double mu = std::log(mean_min) - 0.5 * sigma2;
  return std::exp(mu + std::sqrt(sigma2) * z);
}

// Shapes and means of the two killing pathways (defaults; scenarios override them).
enum class KillPathway : int { kNone = 0, kGranzyme = 1, kDeathReceptor = 2 };

struct KillDelayParams {
  double granzyme_mean_min = 22.0;        // 15-30 min, Prager 2019 [P]
  int granzyme_shape = 4;                 // CV 0.5 (assumption)
  double death_receptor_mean_min = 90.0;  // 1-2 h, Prager 2019 [P]
  int death_receptor_shape = 6;           // CV 0.41 (assumption)
};

inline constexpr int kMaxDelayShape = 8;  // the most uniforms one delay may use

inline double kill_delay(KillPathway pathway, const KillDelayParams& p,
                         std::span<const double> uniforms) {
  if (pathway == KillPathway::kGranzyme) {
    return erlang_delay(p.granzyme_mean_min, p.granzyme_shape, uniforms);
  }
  return erlang_delay(p.death_receptor_mean_min, p.death_receptor_shape, uniforms);
}

}  // namespace nksim::rules::nk
