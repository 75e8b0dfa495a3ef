// Hernandez-Vargas & Meyer-Hermann 2012: influenza in the upper respiratory tract with type-I
// interferon and an explicit NK-cell compartment in the lung (7 ODEs, time in days).
//     dUH/dt = SH - kI UH V - kR UH F - dH UH        healthy epithelial cells
//     dUE/dt = kI UH V - kE UE - qK UE K             eclipse phase (infected, not producing)
//     dUI/dt = kE UE - dI UI - qK UI K               productively infected
//     dUR/dt = kR UH F - dR UR                       refractory to infection (IFN-induced)
//     dV/dt  = rhoV UI - dV V                        virus
//     dF/dt  = aI UI - dF F                          type-I interferon
//     dK/dt  = SK + phiK UI - dK K                   NK cells in the lung
//     SH = UH0 dH,  SK = K0 dK
// NK cells kill eclipse and productive cells alike (mass action qK). The reproduction number
// along a trajectory (eq. 3 of the paper) is a derived output:
//     R0 = SH kI kE rhoV / ((kE + qK K)(dH + kR F)(dI + qK K) dV)
#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"

namespace nksim::models {
namespace {

enum P { kI, kR, kE, qK, phiK, aI, rhoV, dH, dI, dR, dF, dK, dV, UH0, K0, V0, kNumParameters };
enum S { UH, UE, UI, UR, V, F, K };
constexpr int kN = 7;

constexpr StateInfo kStates[] = {
    {"UH", "cells", "healthy (uninfected, susceptible) epithelial cells"},
    {"UE", "cells", "infected epithelial cells in the eclipse phase (not yet producing virus)"},
    {"UI", "cells", "productively infected epithelial cells"},
    {"UR", "cells", "epithelial cells made refractory to infection by interferon"},
    {"V", "EID50/mL", "influenza virus titre"},
    {"F", "fold", "type-I interferon, fold change over baseline"},
    {"K", "cells", "NK cells in the lung"},
};

constexpr ParameterInfo kParameters[] = {
    {"kI", "mL/(EID50 day)", "infection rate of healthy cells by virus"},
    {"kR", "1/(fold day)", "rate at which interferon makes healthy cells refractory"},
    {"kE", "1/day", "transition from eclipse to productive infection"},
    {"qK", "1/(cell day)", "killing of infected (eclipse and productive) cells per NK cell"},
    {"phiK", "1/day", "NK cells recruited per productively infected cell per day"},
    {"aI", "fold/(cell day)", "interferon produced per productively infected cell"},
    {"rhoV", "EID50/(mL cell day)", "virus produced per productively infected cell"},
    {"dH", "1/day", "turnover of healthy cells (with SH = UH0 dH)"},
    {"dI", "1/day", "death of productively infected cells other than by NK cells"},
    {"dR", "1/day", "loss of refractory cells"},
    {"dF", "1/day", "interferon decay"},
    {"dK", "1/day", "NK-cell death in the lung (with SK = K0 dK)"},
    {"dV", "1/day", "virus clearance"},
    {"UH0", "cells", "healthy epithelium before infection (sets SH = UH0 dH)"},
    {"K0", "cells", "NK cells in the lung before infection (sets SK = K0 dK)"},
    {"V0", "EID50/mL", "virus at infection (the default initial V)"},
};

class HernandezVargas2012 final : public OdeModel {
 public:
  std::string_view name() const override { return "hernandez_vargas2012"; }
  std::string_view citation() const override {
    return "Hernandez-Vargas EA, Meyer-Hermann M (2012). Innate immune system dynamics to "
           "influenza virus. 8th IFAC Symposium on Biological and Medical Systems, Budapest, "
           "pp. 260-265. DOI 10.3182/20120829-3-HU-2029.00029.";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The engine's target state is the virus: peak, clearance and set point are of V.
  std::size_t tumour_state() const override { return V; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    if (state == K) return dose_ranges::kHumanNkCells;
    return std::nullopt;
  }

  std::vector<double> default_initial(std::span<const double> p) const override {
    return {p[UH0], 0, 0, 0, p[V0], 0, p[K0]};
  }
  std::string_view default_initial_note() const override {
    return "UH = UH0, K = K0 (the uninfected steady state), V = V0, no infected or refractory "
           "cells, F = 0 (no interferon above baseline), as in the paper";
  }

  void rhs(double, const double* y, const double* x, double* f) const override {
    const double sh = x[UH0] * x[dH], sk = x[K0] * x[dK];
    f[UH] = sh - x[kI] * y[UH] * y[V] - x[kR] * y[UH] * y[F] - x[dH] * y[UH];
    f[UE] = x[kI] * y[UH] * y[V] - x[kE] * y[UE] - x[qK] * y[UE] * y[K];
    f[UI] = x[kE] * y[UE] - x[dI] * y[UI] - x[qK] * y[UI] * y[K];
    f[UR] = x[kR] * y[UH] * y[F] - x[dR] * y[UR];
    f[V] = x[rhoV] * y[UI] - x[dV] * y[V];
    f[F] = x[aI] * y[UI] - x[dF] * y[F];
    f[K] = sk + x[phiK] * y[UI] - x[dK] * y[K];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr sh = Expr::named("SH", x(UH0) * x(dH));
    const Expr sk = Expr::named("SK", x(K0) * x(dK));
    return {
        sh - x(kI) * y(UH) * y(V) - x(kR) * y(UH) * y(F) - x(dH) * y(UH),
        x(kI) * y(UH) * y(V) - x(kE) * y(UE) - x(qK) * y(UE) * y(K),
        x(kE) * y(UE) - x(dI) * y(UI) - x(qK) * y(UI) * y(K),
        x(kR) * y(UH) * y(F) - x(dR) * y(UR),
        x(rhoV) * y(UI) - x(dV) * y(V),
        x(aI) * y(UI) - x(dF) * y(F),
        sk + x(phiK) * y(UI) - x(dK) * y(K),
    };
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    return {{"R0", "-",
             "reproduction number of the virus in the current state (eq. 3 of the paper): "
             "secondary infected cells per infected cell",
             x(UH0) * x(dH) * x(kI) * x(kE) * x(rhoV) /
                 ((x(kE) + x(qK) * y(K)) * (x(dH) + x(kR) * y(F)) * (x(dI) + x(qK) * y(K)) *
                  x(dV))}};
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    at(UH, UH) = -x[kI] * y[V] - x[kR] * y[F] - x[dH];
    at(UH, V) = -x[kI] * y[UH];
    at(UH, F) = -x[kR] * y[UH];
    at(UE, UH) = x[kI] * y[V];
    at(UE, UE) = -x[kE] - x[qK] * y[K];
    at(UE, V) = x[kI] * y[UH];
    at(UE, K) = -x[qK] * y[UE];
    at(UI, UE) = x[kE];
    at(UI, UI) = -x[dI] - x[qK] * y[K];
    at(UI, K) = -x[qK] * y[UI];
    at(UR, UH) = x[kR] * y[F];
    at(UR, UR) = -x[dR];
    at(UR, F) = x[kR] * y[UH];
    at(V, UI) = x[rhoV];
    at(V, V) = -x[dV];
    at(F, UI) = x[aI];
    at(F, F) = -x[dF];
    at(K, UI) = x[phiK];
    at(K, K) = -x[dK];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"equine_h3n8",
       "Table 1 of the paper: equine influenza, fitted to the viral titres and interferon fold "
       "change of Quinlivan 2007 (first 6 days)",
       "Hernandez-Vargas 2012 Table 1, where the paper takes kI from Moehler 2005; kR, rhoV, dV, "
       "UH0 from Baccam 2006; kE, dF from Saenz 2010; qK, dK from Kuznetsov 1994; K0 from "
       "Gregoire 2007; dH, dI, dR from Baccam 2006 or fitted; phiK and aI fitted; V0 chosen",
       {3e-3, 7, 0.5, 3e-6, 1e-3, 3e-6, 1e-2, 0.01, 0.01, 0.01, 4, 0.04, 5.2, 5e8, 8e5, 1e-3}},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& hernandez_vargas2012() {
  static const HernandezVargas2012 model;
  return model;
}

}  // namespace nksim::models
