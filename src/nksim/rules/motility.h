// Persistent random walk: closed forms used by the motility mechanism and its tests.
//
// A cell moves at constant speed s; at rate 1/P (P: persistence time) its direction is replaced
// by a fresh uniformly random one. The velocity autocorrelation is <v(0).v(t)> = s^2 exp(-t/P),
// so the mean squared displacement (Fuerth 1920; Othmer, Dunbar & Alt, J Math Biol 26 (1988)) is
//   MSD(t) = int_0^t int_0^t <v(a).v(b)> da db = 2 s^2 P [t - P (1 - exp(-t/P))]
//          = 2 d D [t - P (1 - exp(-t/P))]  with D = s^2 P / d in d dimensions.
// Time-discrete walk (step dt, turn probability q = 1 - exp(-dt/P) per step, x += v dt):
// <v_0.v_k> = s^2 e^{-k dt/P} exactly, so after n steps
//   MSD_n = s^2 dt^2 [n + 2 sum_{k=1}^{n-1} (n - k) e^{-k dt/P}],
// which tends to the continuous formula as dt/P -> 0.
#pragma once

#include <cmath>

namespace nksim::rules {

inline double furth_msd(double speed, double persistence_min, double t_min) {
  return 2.0 * speed * speed * persistence_min *
         (t_min - persistence_min * (-std::expm1(-t_min / persistence_min)));
}

inline double discrete_walk_msd(double speed, double persistence_min, double dt_min, int steps) {
  const double a = std::exp(-dt_min / persistence_min);
  double sum = steps;
  double ak = 1.0;
  for (int k = 1; k < steps; ++k) {
    ak *= a;
    sum += 2.0 * (steps - k) * ak;
  }
  return speed * speed * dt_min * dt_min * sum;
}

}  // namespace nksim::rules
