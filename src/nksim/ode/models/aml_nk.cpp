// Refractory acute myeloid leukaemia treated with infused haploidentical NK cells after Cy/Flu
// and s.c. IL-2, with or without host Treg depletion by IL-2-diphtheria toxin (IL2DT), as in
// Bachanova 2014 (Blood 123:3855). The NK cells follow nk_kinetics' equations
// (nk_kinetics_terms.h) with the IL-2-consuming Tregs reduced by the depletion D; the marrow
// blasts grow logistically and are killed by the infused cells in proportion to their count:
//     E, M, A, L, IL15, IL2: nk_kinetics, with Treg replaced by Treg_free = Treg (1 - D)
//     dD/dt = -r_D D                                     Treg depletion, recovering
//     dB/dt = r_B B (1 - B/B_max) - kappa (E + M) B       marrow blast %
// Without blasts (B = 0) and without depletion (D = 0) E and M are nk_kinetics' to the last bit.
// Read-outs: B (marrow blast %), NK = E + M (donor NK per uL blood) and CR, 1 while B is below
// 5 % (the blast criterion of complete remission, Cheson 2003 / Doehner 2017), read at day 28.
#include <array>

#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/nk_kinetics_terms.h"

namespace nksim::models {
namespace {

using namespace nk_terms;

enum Own { r_D = nk_terms::kNumParameters, D0, r_B, B_max, kappa, B0, kNumAllParameters };
enum OwnState { D = nk_terms::kNumStates, B };
constexpr int kN = nk_terms::kNumStates + 2;

constexpr auto kStatesAll = followed_by(
    nk_terms::kStates,
    std::array<StateInfo, 2>{{
        {"D", "-", "depth of host Treg depletion: fraction of the Tregs removed (IL2DT)"},
        {"B", "%", "leukaemic blasts, % of marrow nucleated cells"},
    }});

constexpr auto kParametersAll =
    followed_by(nk_terms::kParameters,
                std::array<ParameterInfo, 6>{{
                    {"r_D", "1/day", "recovery rate of host Tregs after depletion"},
                    {"D0", "-", "Treg depletion depth at the infusion (0: no IL2DT)"},
                    {"r_B", "1/day", "net growth rate of marrow blasts at low burden"},
                    {"B_max", "%", "blast percentage of a fully replaced marrow"},
                    {"kappa", "uL/(cell day)", "blast kill rate per donor NK cell per uL blood"},
                    {"B0", "%", "marrow blasts left after Cy/Flu, at the infusion"},
                }});

// The Bachanova 2014 protocol, as one patient of typical parameters (the trial samples around
// them, scenarios/trial_aml_nk.toml). The kinetic values differ from nk_kinetics' haplo_nk_il2
// set where adults with refractory AML and 9 MU IL-2 needed it (docs/models/aml_nk.md).
std::vector<double> values(double d0_v) {
  std::vector<double> v(kNumAllParameters);
  v[FOLDX] = 1;
  v[Tmax] = 0;
  v[alpha] = 0.5;
  v[FB] = 0;
  v[beta] = 0.01;
  v[rho15] = 1.6;
  v[K15] = 100;
  v[rho2] = 1.5;
  v[K2] = 300;
  v[p15] = 3 * 16.64;
  v[k15] = 1.664;
  v[c15] = 14.976;
  v[r_L] = 0.05;
  v[L0] = 0.9;
  v[k2] = 3.3;
  v[c2] = 0.171;
  v[Treg] = 58;
  v[r_D] = 0.1;
  v[D0] = d0_v;
  v[r_B] = 0.07;
  v[B_max] = 100;
  v[kappa] = 0.0015;
  v[B0] = 20;
  return v;
}

constexpr std::string_view kSource =
    "set by hand to Bachanova 2014 (Blood 123:3855) with the trial's spread of p15 and Treg "
    "(scenarios/trial_aml_nk.toml): alpha = 0.5/day, rho15 = 1.6/day, K15 = 100 pg/mL, "
    "rho2 = 1.5/day, K2 = 300 pg/mL, c2 = 0.171 uL/(cell day) (Tregs take three quarters of the "
    "IL-2 clearance) and r_L = 0.05/day to the expansion rates (10 % vs 27 % with > 100 donor "
    "NK/uL on day 14) and the median count of 1000/uL in expanders; kappa = 0.0015 uL/(cell day), "
    "r_B = 0.07/day and B0 = 20 % to the day-28 CR rates (21 % vs 53 %); Treg = 58/uL from "
    "Bachanova 2010; p15, k15, c15, k2, L0 as nk_kinetics; FB = 0 (no persistence, Rubnitz "
    "2010); B_max = 100 % by definition; r_D = 0.1/day: assumption";

class AmlNk final : public OdeModel {
 public:
  std::string_view name() const override { return "aml_nk"; }
  std::string_view citation() const override {
    return "Bachanova V, Cooley S, Defor TE, et al. (2014). Clearance of acute myeloid leukemia "
           "by haploidentical natural killer cells is improved using IL-2 diphtheria toxin "
           "fusion protein. Blood 123:3855-3863. NK kinetics: nk_kinetics (Stein 2019 "
           "structure; Miller 2005, Blood 105:3051; Rubnitz 2010, J Clin Oncol 28:955).";
  }
  std::span<const StateInfo> states() const override { return kStatesAll; }
  std::span<const ParameterInfo> parameters() const override { return kParametersAll; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return B; }

  std::vector<double> default_initial(std::span<const double> p) const override {
    const auto kinetic = initial(p);
    std::vector<double> y0(kinetic.begin(), kinetic.end());
    y0.push_back(p[D0]);
    y0.push_back(p[B0]);
    return y0;
  }
  std::string_view default_initial_note() const override {
    return "as nk_kinetics (no cells: they are a dose into E; L = L0; IL-15 at its steady state "
           "for L0; IL-2 = 0), D = D0, B = B0 (blasts left after Cy/Flu)";
  }

  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override {
    return programme_end(p);
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    nk_terms::rhs(y, x, x[Treg] * (1 - y[D]), dy);
    dy[D] = -x[r_D] * y[D];
    dy[B] = x[r_B] * y[B] * (1 - y[B] / x[B_max]) - x[kappa] * (y[E] + y[M]) * y[B];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](int i) { return Expr::state(static_cast<std::size_t>(i)); };
    const auto x = [](int i) { return Expr::parameter(static_cast<std::size_t>(i)); };
    std::vector<Expr> f = nk_terms::equations(Expr::named("Treg_free", x(Treg) * (1.0 - y(D))));
    f.push_back(-x(r_D) * y(D));
    f.push_back(x(r_B) * y(B) * (1.0 - y(B) / x(B_max)) - x(kappa) * (y(E) + y(M)) * y(B));
    return f;
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    const auto y = [](int i) { return Expr::state(static_cast<std::size_t>(i)); };
    return {{"NK", "cells/uL", "donor NK cells per uL blood, E + M", y(E) + y(M)},
            {"CR", "-",
             "1 while marrow blasts are below 5 %, else 0; at day 28 the complete-remission "
             "criterion (Cheson 2003 J Clin Oncol 21:4642; Doehner 2017 Blood 129:424)",
             piecewise({{Expr(1.0), lt(y(B), 5.0)}}, 0.0)}};
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    nk_terms::jacobian(y, x, x[Treg] * (1 - y[D]), jac, kN);
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    at(IL2, D) = x[c2] * x[Treg] * y[IL2];
    at(D, D) = -x[r_D];
    at(B, E) = -x[kappa] * y[B];
    at(B, M) = -x[kappa] * y[B];
    at(B, B) = x[r_B] * (1 - 2 * y[B] / x[B_max]) - x[kappa] * (y[E] + y[M]);
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"il2", "haploidentical NK after Cy/Flu with s.c. IL-2 (Bachanova 2014, 42 patients)",
       kSource, values(0)},
      {"il2dt",
       "as il2, with host Tregs depleted by IL-2-diphtheria toxin before the infusion "
       "(Bachanova 2014, 15 patients)",
       "as il2; D0 = 0.9 (nine tenths of the Tregs removed at the infusion): assumption after "
       "Bachanova 2014, where effective depletion left Tregs below 5 % of CD4 cells on day 7",
       values(0.9)},
  };
};

static_assert(std::size(kParametersAll) == kNumAllParameters);

}  // namespace

const OdeModel& aml_nk() {
  static const AmlNk model;
  return model;
}

}  // namespace nksim::models
