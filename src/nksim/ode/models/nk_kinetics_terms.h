// The cellular kinetics of infused NK cells (docs/models/nk_kinetics.md) as terms that more
// than one model uses: nk_kinetics is these six states alone; aml_nk adds leukaemic blasts and
// Treg depletion after them. A model that uses these terms puts the six states first, in this
// order, and the 17 parameters first, in this order; it passes the number of regulatory T cells
// that consume IL-2 (nk_kinetics: the parameter Treg; aml_nk: Treg less the depleted share).
//     dE/dt    = (rho A + rho15 IL15/(K15 + IL15) + rho2 IL2/(K2 + IL2)) E - (1 - A) alpha E
//     dM/dt    = (1 - A) FB (alpha - beta) E - beta M
//     dA/dt    = 0        (A = 1 until Tmax; the model's own event adds -1 at t = Tmax)
//     dL/dt    = -r_L L
//     dIL15/dt = p15 - (k15 + c15 (1 - L)) IL15
//     dIL2/dt  = -(k2 + c2 treg) IL2
//     rho      = ln(FOLDX)/Tmax  (0 when Tmax = 0: no programme)
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "nksim/ode/ode_model.h"

namespace nksim::models::nk_terms {

enum P {
  FOLDX, Tmax, alpha, FB, beta, rho15, K15, rho2, K2, p15, k15, c15, r_L, L0, k2, c2, Treg,
  kNumParameters
};
enum S { E, M, A, L, IL15, IL2, kNumStates };

inline constexpr std::array<StateInfo, kNumStates> kStates = {{
    {"E", "cells/uL",
     "infused effector cells per uL blood (stein2019 set: transgene copies/ug DNA)"},
    {"M", "cells/uL", "persistent (memory) infused cells, same unit as E"},
    {"A", "-", "expansion programme: 1 until Tmax, then 0 (the model's own event)"},
    {"L", "-", "lymphodepletion depth: fraction of the host lymphocyte pool removed"},
    {"IL15", "pg/mL", "serum interleukin-15"},
    {"IL2", "pg/mL", "serum interleukin-2"},
}};

inline constexpr std::array<ParameterInfo, kNumParameters> kParameters = {{
    {"FOLDX", "-", "fold expansion over the programme, at rate rho = ln(FOLDX)/Tmax (Stein)"},
    {"Tmax", "day", "end of the expansion programme (0: none)"},
    {"alpha", "1/day", "effector contraction rate (death plus transition to memory)"},
    {"FB", "-", "fraction of the contraction that ends in memory (Stein's FB)"},
    {"beta", "1/day", "memory decay rate (must not exceed alpha)"},
    {"rho15", "1/day", "maximal IL-15-driven effector proliferation"},
    {"K15", "pg/mL", "IL-15 giving half-maximal proliferation"},
    {"rho2", "1/day", "maximal IL-2-driven effector proliferation"},
    {"K2", "pg/mL", "IL-2 giving half-maximal proliferation"},
    {"p15", "pg/(mL day)", "IL-15 production"},
    {"k15", "1/day", "IL-15 clearance without the host lymphocyte sink"},
    {"c15", "1/day", "IL-15 consumption by the intact host lymphocyte pool"},
    {"r_L", "1/day", "recovery rate of host lymphocytes after lymphodepletion"},
    {"L0", "-", "lymphodepletion depth at the infusion (t = 0)"},
    {"k2", "1/day", "IL-2 clearance without Tregs"},
    {"c2", "uL/(cell day)", "IL-2 consumption per regulatory T cell"},
    {"Treg", "cells/uL", "host regulatory T cells in blood"},
}};

// The kinetic entries followed by a model's own (states or parameters), as one array.
template <typename Info, std::size_t N, std::size_t K>
constexpr std::array<Info, N + K> followed_by(const std::array<Info, N>& first,
                                              const std::array<Info, K>& own) {
  std::array<Info, N + K> all{};
  for (std::size_t i = 0; i < N; ++i) all[i] = first[i];
  for (std::size_t i = 0; i < K; ++i) all[N + i] = own[i];
  return all;
}

// Stein's expansion rate ln(FOLDX)/Tmax; no programme (0) when Tmax = 0.
inline double programme_rate(const double* x) {
  return x[Tmax] > 0 ? std::log(x[FOLDX]) / x[Tmax] : 0.0;
}

// The six kinetic states at t = 0: no cells (they are given as a dose into E), M = 0, A = 1 if
// Tmax > 0, L = L0, IL-15 at its steady state for L0, IL-2 = 0.
inline std::array<double, kNumStates> initial(std::span<const double> p) {
  const double il15 = p[p15] / (p[k15] + p[c15] * (1 - p[L0]));
  return {0, 0, p[Tmax] > 0 ? 1.0 : 0.0, p[L0], il15, 0};
}

// The programme's end as the model's own bolus into A (none without a programme).
inline std::vector<ModelBolus> programme_end(std::span<const double> p) {
  if (!(p[Tmax] > 0)) return {};
  return {{A, p[Tmax], -1.0}};
}

// dy[E..IL2] at (y, x) with `treg` regulatory T cells per uL consuming IL-2.
inline void rhs(const double* y, const double* x, double treg, double* dy) {
  const double rho = programme_rate(x);
  const double h15 = y[IL15] / (x[K15] + y[IL15]);
  const double h2 = y[IL2] / (x[K2] + y[IL2]);
  dy[E] = (rho * y[A] + x[rho15] * h15 + x[rho2] * h2) * y[E] - (1 - y[A]) * x[alpha] * y[E];
  dy[M] = (1 - y[A]) * x[FB] * (x[alpha] - x[beta]) * y[E] - x[beta] * y[M];
  dy[A] = 0;
  dy[L] = -x[r_L] * y[L];
  dy[IL15] = x[p15] - (x[k15] + x[c15] * (1 - y[L])) * y[IL15];
  dy[IL2] = -(x[k2] + x[c2] * treg) * y[IL2];
}

// The same six right-hand sides as expressions; `treg` is the expression of the IL-2-consuming
// Treg count.
inline std::vector<Expr> equations(const Expr& treg) {
  const auto y = [](S i) { return Expr::state(i); };
  const auto x = [](P i) { return Expr::parameter(i); };
  const Expr rho =
      Expr::named("rho", piecewise({{log(x(FOLDX)) / x(Tmax), gt(x(Tmax), 0.0)}}, 0.0));
  const Expr h15 = Expr::named("h15", y(IL15) / (x(K15) + y(IL15)));
  const Expr h2 = Expr::named("h2", y(IL2) / (x(K2) + y(IL2)));
  return {
      (rho * y(A) + x(rho15) * h15 + x(rho2) * h2) * y(E) - (1.0 - y(A)) * x(alpha) * y(E),
      (1.0 - y(A)) * x(FB) * (x(alpha) - x(beta)) * y(E) - x(beta) * y(M),
      Expr(0.0),
      -x(r_L) * y(L),
      x(p15) - (x(k15) + x(c15) * (1.0 - y(L))) * y(IL15),
      -(x(k2) + x(c2) * treg) * y(IL2),
  };
}

// Rows and columns E..IL2 of the Jacobian of an n-state model (row-major, J[i*n + j]); the
// caller zeroes the matrix first and adds the derivatives by its own states (and by whatever
// `treg` depends on).
inline void jacobian(const double* y, const double* x, double treg, double* jac, int n) {
  const double rho = programme_rate(x);
  const double h15 = y[IL15] / (x[K15] + y[IL15]);
  const double h2 = y[IL2] / (x[K2] + y[IL2]);
  const double dh15 = x[K15] / ((x[K15] + y[IL15]) * (x[K15] + y[IL15]));
  const double dh2 = x[K2] / ((x[K2] + y[IL2]) * (x[K2] + y[IL2]));
  const double k = x[FB] * (x[alpha] - x[beta]);
  auto at = [jac, n](int row, int col) -> double& { return jac[row * n + col]; };
  at(E, E) = rho * y[A] + x[rho15] * h15 + x[rho2] * h2 - (1 - y[A]) * x[alpha];
  at(E, A) = (rho + x[alpha]) * y[E];
  at(E, IL15) = x[rho15] * dh15 * y[E];
  at(E, IL2) = x[rho2] * dh2 * y[E];
  at(M, E) = (1 - y[A]) * k;
  at(M, M) = -x[beta];
  at(M, A) = -k * y[E];
  at(L, L) = -x[r_L];
  at(IL15, L) = x[c15] * y[IL15];
  at(IL15, IL15) = -(x[k15] + x[c15] * (1 - y[L]));
  at(IL2, IL2) = -(x[k2] + x[c2] * treg);
}

}  // namespace nksim::models::nk_terms
