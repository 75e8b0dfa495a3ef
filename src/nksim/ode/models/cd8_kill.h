// The de Pillis ratio-dependent CD8 kill term, written so that it cannot overflow.
//
// de Pillis 2005 (Cancer Res 65:7950) kill fraction per day:
//     D = d (L/T)^lambda / (s + (L/T)^lambda)
// Dividing through by (L/T)^lambda gives the same function as
//     D = d / (1 + s (T/L)^lambda),     D = 0 for L <= 0,
// which stays finite as T -> 0 (where the first form computes inf/inf and stiff solvers fail on
// elimination runs). Models use the kill flux D*T and its partial derivatives:
//     u = s (T/L)^lambda,  D = d/(1+u),
//     d(D T)/dT = D (1 - lambda u/(1+u)),
//     d(D T)/dL = D lambda u/(1+u) * T/L.
#pragma once

#include <cmath>

namespace nksim::models {

struct Cd8Kill {
  double flux = 0;   // D*T, tumour cells killed per day
  double dflux_dT = 0;
  double dflux_dL = 0;
};

inline Cd8Kill cd8_kill(double tumour, double cd8, double d, double s, double lambda) {
  Cd8Kill k;
  if (cd8 <= 0 || tumour <= 0) {
    // Limits: L -> 0+ gives D -> 0; T -> 0+ gives D -> d and D*T -> 0.
    k.dflux_dT = cd8 > 0 ? d : 0;
    return k;
  }
  const double u = s * std::pow(tumour / cd8, lambda);
  const double kill_fraction = d / (1 + u);
  const double w = u / (1 + u);
  k.flux = kill_fraction * tumour;
  k.dflux_dT = kill_fraction * (1 - lambda * w);
  k.dflux_dL = kill_fraction * lambda * w * (tumour / cd8);
  return k;
}

}  // namespace nksim::models
