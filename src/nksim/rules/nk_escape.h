// Immune escape: heritable ligand/MHC-I variation at division, NKG2D-ligand shedding, and the
// down-modulation of NKG2D by soluble ligand.
//
// Biology (BIOLOGY.md Part 1 "risk: immune escape" and f): tumour cells vary in ligand and MHC-I
// expression and pass it to their daughters; NK pressure selects ligand-low / MHC-I-high clones.
// MICA/B is cleaved from the surface by ADAM10/17 and ERp5; soluble MICA down-modulates NKG2D on
// NK cells (Groh 2002, Nature 419:734 [P]). Rates are not well established: all defaults below
// are assumptions, to be varied in sensitivity analyses.
//
// Mutation at division (assumption): a daughter's level is the mother's times lognormal noise
// with median-bias mu and spread sigma, mean-preserving when mu = 0:
//   L_d = clamp(L_m exp(mu + sigma z - sigma^2/2), L_min, L_max),  z ~ N(0, 1).
//
// Shedding (assumption): the surface ligand L is made towards its baseline L_0 at rate k_syn and
// shed at rate k_shed:
//   dL/dt = k_syn (L_0 - L) - k_shed L.
// With lambda = k_syn + k_shed and L* = k_syn L_0 / lambda, the exact step is
//   L(t + dt) = L* + (L - L*) e^{-lambda dt},
// and the amount shed into the soluble field over the step is the exact integral
//   Q = k_shed [L* dt + (L - L*)(1 - e^{-lambda dt})/lambda].
//
// NKG2D down-modulation (assumption): the fraction R of NKG2D left on the NK surface recovers at
// k_rec and is internalised at k_int S/(K_S + S) in soluble ligand S:
//   dR/dt = k_rec (1 - R) - k_int h(S) R,  h(S) = S/(K_S + S).
// With lambda = k_rec + k_int h and R* = k_rec/lambda, R(t + dt) = R* + (R - R*) e^{-lambda dt}.
// R multiplies the NKG2D term of the activating signal (nk_recognition.h).
#pragma once

#include <algorithm>
#include <cmath>

namespace nksim::rules::nk {

struct MutationParams {
  double sigma = 0.2;      // log-scale spread per division; assumption
  double mu = 0.0;         // median bias; assumption (0 = mean-preserving)
  double min_level = 0.0;  // clamp
  double max_level = 10.0;
};

inline double mutate_level(double mother_level, double z, const MutationParams& p) {
  const double factor = std::exp(p.mu + p.sigma * z - 0.5 * p.sigma * p.sigma);
  return std::clamp(mother_level * factor, p.min_level, p.max_level);
}

struct SheddingParams {
  double synthesis_per_min = 1.0 / 240.0;  // k_syn; assumption (4 h turnover)
  double shed_per_min = 1.0 / 480.0;       // k_shed; assumption
};

struct SheddingStep {
  double surface = 0.0;  // L(t + dt)
  double shed = 0.0;     // amount released over dt (surface-level units)
};

inline SheddingStep shedding_step(double surface, double baseline, double dt_min,
                                  const SheddingParams& p) {
  const double lambda = p.synthesis_per_min + p.shed_per_min;
  if (lambda <= 0.0) return {surface, 0.0};
  const double steady = p.synthesis_per_min * baseline / lambda;
  const double decay = -std::expm1(-lambda * dt_min);  // 1 - e^{-lambda dt}
  return {steady + (surface - steady) * (1.0 - decay),
          p.shed_per_min * (steady * dt_min + (surface - steady) * decay / lambda)};
}

struct Nkg2dModulationParams {
  double recovery_per_min = 1.0 / 360.0;        // k_rec; assumption (6 h)
  double internalisation_per_min = 1.0 / 60.0;  // k_int; assumption (1 h)
  double soluble_half_saturation = 1.0;         // K_S, soluble field units; assumption
};

inline double nkg2d_steady_state(double soluble, const Nkg2dModulationParams& p) {
  const double h = soluble > 0.0 ? soluble / (p.soluble_half_saturation + soluble) : 0.0;
  return p.recovery_per_min / (p.recovery_per_min + p.internalisation_per_min * h);
}

inline double nkg2d_step(double available, double soluble, double dt_min,
                         const Nkg2dModulationParams& p) {
  const double h = soluble > 0.0 ? soluble / (p.soluble_half_saturation + soluble) : 0.0;
  const double lambda = p.recovery_per_min + p.internalisation_per_min * h;
  if (lambda <= 0.0) return available;
  const double steady = p.recovery_per_min / lambda;
  return steady + (available - steady) * std::exp(-lambda * dt_min);
}

}  // namespace nksim::rules::nk
