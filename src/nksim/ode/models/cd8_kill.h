// The de Pillis ratio-dependent CD8 kill term, written so that it cannot overflow.
//
// de Pillis 2005 (Cancer Res 65:7950) kill fraction per day:
//     D = d (L/T)^lambda / (s + (L/T)^lambda)
// Dividing through by (L/T)^lambda gives the same function as
//     D = d / (1 + s (T/L)^lambda),     D = 0 for L <= 0, D = d for T <= 0 < L,
// which stays finite as T -> 0 (where the first form computes inf/inf and stiff solvers fail on
// elimination runs). Models use the kill flux D*T and its partial derivatives:
//     u = s (T/L)^lambda,  D = d/(1+u),
//     d(D T)/dT = D (1 - lambda u/(1+u)),
//     d(D T)/dL = D lambda u/(1+u) * T/L.
#pragma once

#include <cmath>

#include "nksim/ode/expression.h"

namespace nksim::models {

struct Cd8Kill {
  double flux = 0;   // D*T, tumour cells killed per day
  double dflux_dT = 0;
  double dflux_dL = 0;
};

inline Cd8Kill cd8_kill(double tumour, double cd8, double d, double s, double lambda) {
  Cd8Kill k;
  if (cd8 <= 0) return k;  // no CD8 cells, no kill (the limit L -> 0+)
  if (tumour <= 0) {
    // D -> d as T -> 0+. Continuing D = d to T <= 0 keeps the flux continuous, so T = 0 stays
    // attracting when a solver steps slightly below zero; cutting the kill to 0 there instead
    // makes small negative tumours grow more negative (observed: T = -83 after elimination).
    k.flux = d * tumour;
    k.dflux_dT = d;
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

// The kill flux D*T of cd8_kill() as an expression named "DT", with the same cases and
// operations.
inline Expr cd8_kill_flux(const Expr& tumour, const Expr& cd8, const Expr& d, const Expr& s,
                          const Expr& lambda) {
  return Expr::named("DT", piecewise({{0.0, le(cd8, 0.0)}, {d * tumour, le(tumour, 0.0)}},
                                     d / (1.0 + s * pow(tumour / cd8, lambda)) * tumour));
}

}  // namespace nksim::models
