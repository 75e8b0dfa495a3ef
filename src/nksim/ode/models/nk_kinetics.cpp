// Cellular kinetics of infused NK / CAR-NK cells: Stein et al. 2019's effector -> memory
// structure as a compartment model, with expansion driven by an expansion programme (Stein's
// Tmax) and by IL-15 and IL-2, lymphodepletion raising IL-15 and Tregs consuming IL-2.
//     dE/dt    = (rho A + rho15 IL15/(K15 + IL15) + rho2 IL2/(K2 + IL2)) E - (1 - A) alpha E
//     dM/dt    = (1 - A) FB (alpha - beta) E - beta M
//     dA/dt    = 0        (A = 1 until Tmax; the model's own event adds -1 at t = Tmax)
//     dL/dt    = -r_L L
//     dIL15/dt = p15 - (k15 + c15 (1 - L)) IL15
//     dIL2/dt  = -(k2 + c2 Treg) IL2
//     rho      = ln(FOLDX)/Tmax  (0 when Tmax = 0: no programme)
//
// Reduction to Stein's closed form (rho15 = rho2 = 0, E(0) = C0, M(0) = 0): for t < Tmax,
// E = C0 e^{rho t}, M = 0. After Tmax, with Cmax = E(Tmax) and tau = t - Tmax, E = Cmax e^{-alpha
// tau} and M solves dM/dt = k E - beta M with k = FB (alpha - beta):
//     M = k Cmax (e^{-beta tau} - e^{-alpha tau}) / (alpha - beta)
//       = FB Cmax (e^{-beta tau} - e^{-alpha tau})
// so E + M = (1 - FB) Cmax e^{-alpha tau} + FB Cmax e^{-beta tau}: Stein's C(t) exactly. FB is
// thus the fraction of the contracting effectors that become memory, weighted so that the
// memory phase starts at FB Cmax; it needs alpha >= beta.
//
// The switch at Tmax is a jump of the state A (a bolus of -1 given by the model itself), so the
// engine restarts the solver there and the kink of C(t) is resolved exactly.
#include <cmath>

#include "nksim/ode/models/builtin.h"

namespace nksim::models {
namespace {

enum P {
  FOLDX, Tmax, alpha, FB, beta, rho15, K15, rho2, K2, p15, k15, c15, r_L, L0, k2, c2, Treg,
  kNumParameters
};
enum S { E, M, A, L, IL15, IL2 };
constexpr int kN = 6;

constexpr StateInfo kStates[] = {
    {"E", "cells/uL",
     "infused effector cells per uL blood (stein2019 set: transgene copies/ug DNA)"},
    {"M", "cells/uL", "persistent (memory) infused cells, same unit as E"},
    {"A", "-", "expansion programme: 1 until Tmax, then 0 (the model's own event)"},
    {"L", "-", "lymphodepletion depth: fraction of the host lymphocyte pool removed"},
    {"IL15", "pg/mL", "serum interleukin-15"},
    {"IL2", "pg/mL", "serum interleukin-2"},
};

constexpr ParameterInfo kParameters[] = {
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
};

// Shared by every set: the cytokine and lymphodepletion values (see the sources of each set).
//   IL-15: t1/2 about 1 h at baseline (k15 + c15 = 16.64/day); the lymphocyte sink is taken to be
//   9/10 of the clearance, so full lymphodepletion raises IL-15 tenfold, 3 -> 30 pg/mL.
//   IL-2: apparent t1/2 of subcutaneous IL-2 about 5 h (k2 = 3.3/day); the pre-treatment Treg
//   count (58/uL) doubles it (c2 = 3.3/58, to 3 digits).
std::vector<double> values(double foldx_v, double tmax_v, double alpha_v, double fb_v,
                           double beta_v, double rho15_v, double rho2_v, double k2_half,
                           double l0_v) {
  std::vector<double> v(kNumParameters);
  v[FOLDX] = foldx_v;
  v[Tmax] = tmax_v;
  v[alpha] = alpha_v;
  v[FB] = fb_v;
  v[beta] = beta_v;
  v[rho15] = rho15_v;
  v[K15] = 30;
  v[rho2] = rho2_v;
  v[K2] = k2_half;
  v[p15] = 3 * 16.64;
  v[k15] = 1.664;
  v[c15] = 14.976;
  v[r_L] = 0.1;
  v[L0] = l0_v;
  v[k2] = 3.3;
  v[c2] = 0.0569;
  v[Treg] = 58;
  return v;
}

class NkKinetics final : public OdeModel {
 public:
  std::string_view name() const override { return "nk_kinetics"; }
  std::string_view citation() const override {
    return "Structure: Stein AM, Grupp SA, Levine JE, et al. (2019). Tisagenlecleucel "
           "model-based cellular kinetic analysis of chimeric antigen receptor-T cells. CPT "
           "Pharmacometrics Syst Pharmacol 8:285-295. Cytokine drive: Miller 2005 (Blood "
           "105:3051), Bachanova 2014 (Blood 123:3855). NK sets: Rubnitz 2010 (J Clin Oncol "
           "28:955), Romee 2016 (Sci Transl Med 8:357ra123), Liu 2020 (N Engl J Med 382:545).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // No tumour: the target state is the effector level, so that an elimination endpoint reads
  // as "cells fall below a detection threshold".
  std::size_t tumour_state() const override { return E; }

  std::vector<double> default_initial(std::span<const double> p) const override {
    const double il15 = p[p15] / (p[k15] + p[c15] * (1 - p[L0]));
    return {0, 0, p[Tmax] > 0 ? 1.0 : 0.0, p[L0], il15, 0};
  }
  std::string_view default_initial_note() const override {
    return "no cells (they are given as a dose into E), M = 0, A = 1 if Tmax > 0 else 0, "
           "L = L0, IL-15 at its steady state for L0, IL-2 = 0";
  }

  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override {
    if (!(p[Tmax] > 0)) return {};
    return {{A, p[Tmax], -1.0}};
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const double rho = programme_rate(x);
    const double h15 = y[IL15] / (x[K15] + y[IL15]);
    const double h2 = y[IL2] / (x[K2] + y[IL2]);
    dy[E] = (rho * y[A] + x[rho15] * h15 + x[rho2] * h2) * y[E] - (1 - y[A]) * x[alpha] * y[E];
    dy[M] = (1 - y[A]) * x[FB] * (x[alpha] - x[beta]) * y[E] - x[beta] * y[M];
    dy[A] = 0;
    dy[L] = -x[r_L] * y[L];
    dy[IL15] = x[p15] - (x[k15] + x[c15] * (1 - y[L])) * y[IL15];
    dy[IL2] = -(x[k2] + x[c2] * x[Treg]) * y[IL2];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr rho = Expr::named(
        "rho", piecewise({{log(x(FOLDX)) / x(Tmax), gt(x(Tmax), 0.0)}}, 0.0));
    const Expr h15 = Expr::named("h15", y(IL15) / (x(K15) + y(IL15)));
    const Expr h2 = Expr::named("h2", y(IL2) / (x(K2) + y(IL2)));
    return {
        (rho * y(A) + x(rho15) * h15 + x(rho2) * h2) * y(E) - (1.0 - y(A)) * x(alpha) * y(E),
        (1.0 - y(A)) * x(FB) * (x(alpha) - x(beta)) * y(E) - x(beta) * y(M),
        Expr(0.0),
        -x(r_L) * y(L),
        x(p15) - (x(k15) + x(c15) * (1.0 - y(L))) * y(IL15),
        -(x(k2) + x(c2) * x(Treg)) * y(IL2),
    };
  }

  // Stein's expansion rate ln(FOLDX)/Tmax; no programme (0) when Tmax = 0.
  static double programme_rate(const double* x) {
    return x[Tmax] > 0 ? std::log(x[FOLDX]) / x[Tmax] : 0.0;
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    const double rho = programme_rate(x);
    const double h15 = y[IL15] / (x[K15] + y[IL15]);
    const double h2 = y[IL2] / (x[K2] + y[IL2]);
    const double dh15 = x[K15] / ((x[K15] + y[IL15]) * (x[K15] + y[IL15]));
    const double dh2 = x[K2] / ((x[K2] + y[IL2]) * (x[K2] + y[IL2]));
    const double k = x[FB] * (x[alpha] - x[beta]);
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
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
    at(IL2, IL2) = -(x[k2] + x[c2] * x[Treg]);
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"haplo_nk_il2",
       "unmanipulated haploidentical NK after Cy/Flu lymphodepletion, with s.c. IL-2",
       "alpha = 0.25/day fitted by hand, with the scenario's dose of 80 cells/uL in blood, to "
       "Rubnitz 2010 (median engraftment 10 days, 5.8 NK/uL on day 14); FB = 0: Rubnitz and "
       "Bachanova 2010 see no persistence; rho15 = 0.2/day, rho2 = 0.5/day, K15, K2, L0 = 0.9, "
       "r_L = 0.1/day: assumptions (Miller 2005: Hi-Cy/Flu raises IL-15 and only then do "
       "donor NK expand); cytokine values: see docs/models/nk_kinetics.md",
       values(1, 0, 0.25, 0, 0.01, 0.2, 0.5, 1000, 0.9)},
      {"ciml_nk",
       "cytokine-induced memory-like (IL-12/15/18) NK after Cy/Flu, with s.c. IL-2",
       "assumptions chosen from the qualitative reports of Romee 2016: memory-like NK express "
       "CD25 and respond to low IL-2 (K2 = 150 pg/mL, about 10 pM), proliferate more to IL-15 "
       "(rho15 = 0.35/day), contract more slowly (alpha = 0.2/day) and leave a memory pool "
       "(FB = 0.05, beta = 0.03/day, half-life 23 days); not fitted to patient data",
       values(1, 0, 0.2, 0.05, 0.03, 0.35, 0.5, 150, 0.9)},
      {"car_nk_il15",
       "CD19 CAR-NK armoured with IL-15 (cord blood), after Cy/Flu, no IL-2",
       "assumptions chosen to meet Liu 2020 (CAR-NK expanded early and persisted at low levels "
       "for at least 12 months): antigen-driven eightfold expansion (FOLDX = 8) over Tmax = 14 "
       "days, "
       "alpha = 0.16/day as Stein 2019 for CAR-T, FB = 0.05 (Stein: 0.0079) and beta = 0.004/day "
       "(memory half-life 173 days) for the autocrine IL-15; rho2 = 0 (no IL-2 given)",
       values(8, 14, 0.16, 0.05, 0.004, 0.2, 0, 1000, 0.9)},
      {"stein2019",
       "Stein 2019 typical tisagenlecleucel curve (E in transgene copies/ug DNA); no cytokine "
       "drive, so E + M is the closed form",
       "Stein 2019 typical values: FOLDX 3900, Tmax 9.3 days, alpha 0.16/day, FB 0.0079, beta "
       "0.0032/day; start the run with E = Cmax/FOLDX = 24000/3900",
       values(3900, 9.3, 0.16, 0.0079, 0.0032, 0, 0, 1000, 0)},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& nk_kinetics() {
  static const NkKinetics model;
  return model;
}

}  // namespace nksim::models
