// Anti-CD19 CAR-NK cells depleting B cells in systemic lupus erythematosus (BIOLOGY_DISEASES
// 3.2). The infused cells follow nk_kinetics' equations (nk_kinetics_terms.h: expansion
// programme, contraction, memory, IL-15 after lymphodepletion); CD19+ B cells in blood are made
// at a constant rate, die, and are killed by the CAR-NK cells in proportion to their count; an
// autoantibody proxy (anti-dsDNA, as % of its baseline) is made partly by short-lived
// plasmablasts, which follow the B cells, and partly by long-lived plasma cells, which lack CD19
// and are not touched:
//     E, M, A, L, IL15, IL2: nk_kinetics (Treg a parameter)
//     dB/dt  = s_B - d_B B - k_B (E + M) B
//     dAb/dt = d_Ab (100 (f_Ab B d_B/s_B + 1 - f_Ab) - Ab)
// Without CAR-NK cells B* = s_B/d_B and Ab* = 100. The CAR-NK terms E..IL2 do not depend on B:
// with no B-cell compartment in the kinetics the infused cells are nk_kinetics' to the last bit.
// Read-outs: B (B cells per uL), N = E + M, depleted (1 while B < 1 cell/uL).
#include <array>

#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/nk_kinetics_terms.h"

namespace nksim::models {
namespace {

using namespace nk_terms;

enum Own { s_B = nk_terms::kNumParameters, d_B, k_B, f_Ab, d_Ab, kNumAllParameters };
enum OwnState { B = nk_terms::kNumStates, Ab };
constexpr int kN = nk_terms::kNumStates + 2;

// Below this B-cell count the B cells count as depleted (undetectable by routine flow
// cytometry); the same threshold read upwards is their reappearance.
constexpr double kDepletedBelow = 1.0;

constexpr auto kStatesAll = followed_by(
    nk_terms::kStates,
    std::array<StateInfo, 2>{{
        {"B", "cells/uL", "CD19+ B cells per uL blood"},
        {"Ab", "%", "autoantibody proxy (anti-dsDNA), % of the level before treatment"},
    }});

constexpr auto kParametersAll =
    followed_by(nk_terms::kParameters,
                std::array<ParameterInfo, 5>{{
                    {"s_B", "cells/(uL day)", "B-cell production (release from the marrow)"},
                    {"d_B", "1/day", "B-cell death rate in blood"},
                    {"k_B", "uL/(cell day)", "B-cell kill rate per CAR-NK cell per uL blood"},
                    {"f_Ab", "-", "share of the autoantibody made by CD19+ plasmablasts"},
                    {"d_Ab", "1/day", "autoantibody (IgG) elimination rate"},
                }});

// The kinetic values are nk_kinetics' car_nk_il15 set unchanged (the same 17 values).
std::vector<double> values() {
  std::vector<double> v(kNumAllParameters);
  v[FOLDX] = 8;
  v[Tmax] = 14;
  v[alpha] = 0.16;
  v[FB] = 0.05;
  v[beta] = 0.004;
  v[rho15] = 0.2;
  v[K15] = 30;
  v[rho2] = 0;
  v[K2] = 1000;
  v[p15] = 3 * 16.64;
  v[k15] = 1.664;
  v[c15] = 14.976;
  v[r_L] = 0.1;
  v[L0] = 0.9;
  v[k2] = 3.3;
  v[c2] = 0.0569;
  v[Treg] = 58;
  v[s_B] = 3;
  v[d_B] = 0.02;
  v[k_B] = 0.1;
  v[f_Ab] = 0.7;
  v[d_Ab] = 0.033;
  return v;
}

constexpr std::string_view kSource =
    "CAR-NK kinetics: nk_kinetics' car_nk_il15 set unchanged (assumptions chosen to meet Liu "
    "2020). B cells: d_B = 0.02/day (a blood lifespan of 50 days) and s_B = 3 cells/(uL day), "
    "so that B* = 150/uL, within the adult range of about 100-500/uL and towards its low end as "
    "in treated lupus: assumptions. k_B = 0.1 uL/(cell day) set by hand so that, with three "
    "infusions of 30 cells/uL (scenarios/car_nk_lupus.toml), B cells reappear near day 100, as "
    "after CD19 CAR-T cells in lupus (Mackensen 2022, Nat Med 28:2124: about 110 days); this is "
    "a CAR-T target used for a CAR-NK model. f_Ab = 0.7: assumption; d_Ab = 0.033/day, the IgG "
    "half-life of about 21 days";

class CarNkLupus final : public OdeModel {
 public:
  std::string_view name() const override { return "car_nk_lupus"; }
  std::string_view citation() const override {
    return "nksim's model (no published CAR-NK lupus model exists). CAR-NK kinetics: "
           "nk_kinetics (Stein 2019 structure; Liu 2020, N Engl J Med 382:545). Clinical CAR-NK "
           "in lupus: Gao 2025 case series (NCT06010472; 18 patients, three infusions). Targets "
           "from CD19 CAR-T cells in lupus: Mackensen A, Mueller F, Mougiakakos D, et al. "
           "(2022). Anti-CD19 CAR T cell therapy for refractory systemic lupus erythematosus. "
           "Nat Med 28:2124-2132.";
  }
  std::span<const StateInfo> states() const override { return kStatesAll; }
  std::span<const ParameterInfo> parameters() const override { return kParametersAll; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The target state: B cells, so that elimination_below reads as "B cells depleted".
  std::size_t tumour_state() const override { return B; }

  std::vector<double> default_initial(std::span<const double> p) const override {
    const auto kinetic = initial(p);
    std::vector<double> y0(kinetic.begin(), kinetic.end());
    y0.push_back(p[s_B] / p[d_B]);
    y0.push_back(100.0);
    return y0;
  }
  std::string_view default_initial_note() const override {
    return "as nk_kinetics (no cells: they are a dose into E; L = L0; IL-15 at its steady state "
           "for L0; IL-2 = 0), B at its steady state s_B/d_B, Ab = 100 %";
  }

  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override {
    return programme_end(p);
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    nk_terms::rhs(y, x, x[Treg], dy);
    dy[B] = x[s_B] - x[d_B] * y[B] - x[k_B] * (y[E] + y[M]) * y[B];
    dy[Ab] = x[d_Ab] * (100 * (x[f_Ab] * y[B] * x[d_B] / x[s_B] + 1 - x[f_Ab]) - y[Ab]);
  }

  std::vector<Expr> equations() const override {
    const auto y = [](int i) { return Expr::state(static_cast<std::size_t>(i)); };
    const auto x = [](int i) { return Expr::parameter(static_cast<std::size_t>(i)); };
    std::vector<Expr> f = nk_terms::equations(x(Treg));
    f.push_back(x(s_B) - x(d_B) * y(B) - x(k_B) * (y(E) + y(M)) * y(B));
    f.push_back(x(d_Ab) *
                (100.0 * (x(f_Ab) * y(B) * x(d_B) / x(s_B) + 1.0 - x(f_Ab)) - y(Ab)));
    return f;
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    const auto y = [](int i) { return Expr::state(static_cast<std::size_t>(i)); };
    return {{"N", "cells/uL", "CAR-NK cells per uL blood, E + M", y(E) + y(M)},
            {"depleted", "-",
             "1 while B cells are below 1 cell/uL (undetectable by routine flow cytometry), "
             "else 0",
             piecewise({{Expr(1.0), lt(y(B), kDepletedBelow)}}, 0.0)}};
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    nk_terms::jacobian(y, x, x[Treg], jac, kN);
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    at(B, E) = -x[k_B] * y[B];
    at(B, M) = -x[k_B] * y[B];
    at(B, B) = -x[d_B] - x[k_B] * (y[E] + y[M]);
    at(Ab, B) = x[d_Ab] * 100 * x[f_Ab] * x[d_B] / x[s_B];
    at(Ab, Ab) = -x[d_Ab];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"sle",
       "CD19 CAR-NK cells armoured with IL-15 after Cy/Flu in refractory lupus, B cells at "
       "150/uL before treatment",
       kSource, values()},
  };
};

static_assert(std::size(kParametersAll) == kNumAllParameters);

}  // namespace

const OdeModel& car_nk_lupus() {
  static const CarNkLupus model;
  return model;
}

}  // namespace nksim::models
