// Pairwise cell-cell potentials of overdamped mechanics (PhysiCell's default potentials).
//
// Ghaffarizadeh et al., PLoS Comput Biol 14 (2018) e1005991, supplement S1, eq. (S5)-(S8).
// For two cells at distance d with radii r_i, r_j, R = r_i + r_j, the velocity contribution on
// cell i along the unit vector from j to i is (units: um/min)
//   v_rep = c_rep (1 - d/R)^2                 for d < R
//   v_adh = c_adh (1 - d/(s R))^2             for d < s R  (s: max adhesion distance / R)
//   v     = v_rep - v_adh
// Overdamped motion: dx/dt = sum of these velocities (no inertia).
//
// Equilibrium distance of a pair with both terms active (d < R): v = 0 gives
//   sqrt(c_rep)(1 - d/R) = sqrt(c_adh)(1 - d/(sR))
//   d* = (sqrt(c_rep) - sqrt(c_adh)) / (sqrt(c_rep)/R - sqrt(c_adh)/(sR)).
#pragma once

#include <cmath>

namespace nksim::rules {

struct PairForce {
  double repulsion_um_per_min = 10.0;  // c_rep
  double adhesion_um_per_min = 0.4;    // c_adh
  double adhesion_range = 1.25;        // s: adhesion reaches s (r_i + r_j)
};

// Speed (um/min) along the unit vector from j to i; positive pushes apart.
inline double pair_speed(const PairForce& p, double distance, double contact_distance) {
  double v = 0.0;
  if (distance < contact_distance) {
    const double a = 1.0 - distance / contact_distance;
    v += p.repulsion_um_per_min * a * a;
  }
  const double adhesion_distance = p.adhesion_range * contact_distance;
  if (distance < adhesion_distance) {
    const double a = 1.0 - distance / adhesion_distance;
    v -= p.adhesion_um_per_min * a * a;
  }
  return v;
}

// Dimensionless contact pressure contribution of one neighbour: (1 - d/R)^2 when overlapping.
inline double pair_pressure(double distance, double contact_distance) {
  if (distance >= contact_distance) return 0.0;
  const double a = 1.0 - distance / contact_distance;
  return a * a;
}

inline double equilibrium_distance(const PairForce& p, double contact_distance) {
  const double sr = std::sqrt(p.repulsion_um_per_min);
  const double sa = std::sqrt(p.adhesion_um_per_min);
  return (sr - sa) / (sr / contact_distance - sa / (p.adhesion_range * contact_distance));
}

}  // namespace nksim::rules
