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
//
// The terms themselves are in nk_kinetics_terms.h, which aml_nk uses too; here Treg is a
// parameter.
#include <cmath>

#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/nk_kinetics_terms.h"

namespace nksim::models {
namespace {

using namespace nk_terms;
constexpr int kN = kNumStates;

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
    const auto y0 = initial(p);
    return {y0.begin(), y0.end()};
  }
  std::string_view default_initial_note() const override {
    return "no cells (they are given as a dose into E), M = 0, A = 1 if Tmax > 0 else 0, "
           "L = L0, IL-15 at its steady state for L0, IL-2 = 0";
  }

  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override {
    return programme_end(p);
  }

  // The kinetic terms with the Treg count a parameter (nk_kinetics_terms.h).
  void rhs(double, const double* y, const double* x, double* dy) const override {
    nk_terms::rhs(y, x, x[Treg], dy);
  }

  std::vector<Expr> equations() const override {
    return nk_terms::equations(Expr::parameter(Treg));
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    nk_terms::jacobian(y, x, x[Treg], jac, kN);
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


}  // namespace

const OdeModel& nk_kinetics() {
  static const NkKinetics model;
  return model;
}

}  // namespace nksim::models
