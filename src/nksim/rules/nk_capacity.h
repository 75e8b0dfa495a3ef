// Per-NK-cell kill capacity, granule stock, pathway choice, exhaustion and cytokine recovery.
//
// Data (BIOLOGY.md c): about half of IL-2-activated NK cells kill nothing in 16 h and a minority
// does most of the killing (Vanherberghen 2013, Blood 121:1326 [V]); resting NK cells are about
// 75 % non-cytotoxic in 12 h (Guldevall 2016, Front Immunol 7:119 [V]); activated NK cells kill
// about 2-4 targets in 16 h, capped around 5-7 (Bhat 2007, PLoS ONE 2:e326 [P]); early kills are
// granzyme-mediated and fast, later ones death-receptor-mediated and slow, as granzyme B and
// perforin fall with successive contacts (Prager 2019, J Exp Med 216:2113 [V]); perforin-deficient
// cells kill only once, via death receptors (Prager 2019 [V]).
//
// Model (assumption, built from those data):
//  * capacity C: zero with probability f_0 (an intrinsically non-cytotoxic class), otherwise a
//    geometric variable on {1, 2, ...} with untruncated mean m, truncated at C_max. Sampled by
//    inverse CDF from one uniform: with q = 1/m and F(c) = 1 - (1-q)^c,
//      C = ceil( ln(1 - u F(C_max)) / ln(1 - q) ),  u in (0, 1).
//    A Poisson(m) capacity truncated at C_max (inverse CDF by summation) is offered as well.
//  * granule stock G: the number of granzyme/perforin kills an NK cell can deliver (3-4, Prager
//    2019 [V]); once G = 0 later kills use death receptors. Perforin-deficient cells have G = 0
//    and at most `dr_kills_without_perforin` (1) kills.
//  * potency P in [0, 1] multiplies the per-contact commit probability (nk_recognition.h). Each
//    kill multiplies it by (1 - delta). It recovers at hazard r = r_0 + r_max H(c), with
//    H(c) = c^n/(K^n + c^n) the Hill response to IL-2/IL-15 concentration c. For constant c the
//    linear ODE dP/dt = r (1 - P) is solved exactly over a step:
//      P(t + dt) = 1 - (1 - P(t)) exp(-r dt).
//  * granule restock: one granule returns at hazard g_max H(c) while G < G_max.
#pragma once

#include <algorithm>
#include <cmath>

#include "nksim/rules/nk_delay.h"
#include "nksim/rules/nk_event_probability.h"

namespace nksim::rules::nk {

// Hill response c^n / (K^n + c^n); 0 for c <= 0, and 1 for K <= 0 (saturated by convention).
inline double hill(double c, double half_saturation, double n) {
  if (c <= 0.0) return 0.0;
  if (half_saturation <= 0.0) return 1.0;
  const double cn = std::pow(c, n);
  return cn / (std::pow(half_saturation, n) + cn);
}

enum class CapacityDistribution : int { kGeometric = 0, kPoisson = 1 };

struct CapacityParams {
  double non_killer_fraction = 0.45;  // f_0; assumption, so that ~50 % kill nothing in 16 h
  double mean_if_killer = 3.0;       // m, 2-4 (Bhat 2007 [P])
  int max_kills = 6;                 // C_max, 5-7 (BIOLOGY.md c synthesis)
  CapacityDistribution distribution = CapacityDistribution::kGeometric;
};

// Capacity from two uniforms: u_class decides the non-killer class, u_count the count.
inline int sample_capacity(const CapacityParams& p, double u_class, double u_count) {
  if (u_class < p.non_killer_fraction || p.max_kills <= 0) return 0;
  if (p.distribution == CapacityDistribution::kPoisson) {
    // Poisson(m) conditioned on 1 <= C <= C_max, inverse CDF by summation.
    double pmf = std::exp(-p.mean_if_killer);
    double total = 0.0;
    for (int c = 1; c <= p.max_kills; ++c) {
      pmf *= p.mean_if_killer / c;
      total += pmf;
    }
    double target = u_count * total, cumulative = 0.0;
    pmf = std::exp(-p.mean_if_killer);
    for (int c = 1; c <= p.max_kills; ++c) {
      pmf *= p.mean_if_killer / c;
      cumulative += pmf;
      if (target <= cumulative) return c;
    }
    return p.max_kills;
  }
  if (p.mean_if_killer <= 1.0) return 1;
  const double log_fail = std::log1p(-1.0 / p.mean_if_killer);  // ln(1 - q)
  const double f_max = -std::expm1(p.max_kills * log_fail);     // F(C_max)
  const double c = std::ceil(std::log1p(-u_count * f_max) / log_fail);
  return std::clamp(static_cast<int>(c), 1, p.max_kills);
}

// Closed-form probability mass of the geometric capacity (tests, documentation).
inline double capacity_pmf(const CapacityParams& p, int c) {
  if (c < 0 || c > p.max_kills) return 0.0;
  if (c == 0) return p.non_killer_fraction;
  const double q = 1.0 / p.mean_if_killer;
  const double f_max = 1.0 - std::pow(1.0 - q, p.max_kills);
  return (1.0 - p.non_killer_fraction) * q * std::pow(1.0 - q, c - 1) / f_max;
}

struct GranuleParams {
  int granzyme_kills = 3;             // G_max, 3-4 granzyme kills (Prager 2019 [V])
  int dr_kills_without_perforin = 1;  // perforin-deficient: kill once (Prager 2019 [V])
  double restock_max_per_min = 0.0;   // g_max; assumption (0 = no restock within a run)
};

// The pathway of the next kill, or kNone when the cell can no longer kill.
inline KillPathway choose_pathway(int granules_left, bool perforin_competent, int kills_done,
                                  int capacity, const GranuleParams& p) {
  if (kills_done >= capacity) return KillPathway::kNone;
  if (!perforin_competent) {
    return kills_done < p.dr_kills_without_perforin ? KillPathway::kDeathReceptor
                                                    : KillPathway::kNone;
  }
  return granules_left > 0 ? KillPathway::kGranzyme : KillPathway::kDeathReceptor;
}

struct ExhaustionParams {
  double potency_loss_per_kill = 0.15;        // delta; assumption
  double recovery_basal_per_min = 0.0;        // r_0; assumption
  double recovery_max_per_min = 1.0 / 240.0;  // r_max, ~4 h time scale; assumption
  double cytokine_half_saturation = 1.0;      // K, in the cytokine field's units; assumption
  double cytokine_hill = 1.0;                 // n; assumption
};

inline double potency_after_kill(double potency, const ExhaustionParams& p) {
  return potency * (1.0 - p.potency_loss_per_kill);
}

inline double recovery_rate_per_min(double cytokine, const ExhaustionParams& p) {
  return p.recovery_basal_per_min +
         p.recovery_max_per_min * hill(cytokine, p.cytokine_half_saturation, p.cytokine_hill);
}

// Exact solution of dP/dt = r (1 - P) over dt for constant r.
inline double potency_step(double potency, double rate_per_min, double dt_min) {
  return 1.0 - (1.0 - potency) * std::exp(-rate_per_min * dt_min);
}

}  // namespace nksim::rules::nk
