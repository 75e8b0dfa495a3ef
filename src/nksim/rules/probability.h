// Probability that an event happens within a time step.
//
// An event that occurs at a constant rate r (per minute) is a Poisson process; the waiting time
// is exponential, so the probability of at least one event in dt is
//   P = 1 - exp(-r dt)
// (not the linearisation r dt, which exceeds 1 for r dt > 1 and biases rates upward).
// Reference: e.g. Gillespie, J. Phys. Chem. 81 (1977); Chaste's cell-cycle models.
#pragma once

#include <cmath>

namespace nksim::rules {

inline double event_probability(double rate_per_min, double dt_min) {
  return -std::expm1(-rate_per_min * dt_min);
}

// Growth-rate multiplier for pressure-limited (contact-inhibited) proliferation:
//   f(p) = max(0, 1 - p / p_max)
// p is the dimensionless contact pressure (sum of squared relative overlaps, see forces.h).
// Assumption, in the spirit of PhysiCell's pressure-based arrest (Ghaffarizadeh et al. 2018).
inline double pressure_growth_factor(double pressure, double pressure_max) {
  if (pressure_max <= 0) return 1.0;
  const double f = 1.0 - pressure / pressure_max;
  return f > 0 ? f : 0.0;
}

}  // namespace nksim::rules
