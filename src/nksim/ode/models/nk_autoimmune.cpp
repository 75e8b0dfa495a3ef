// NK regulation of autoreactive T cells: a minimal model (BIOLOGY_DISEASES 3.3). Regulatory
// (CD56bright) NK cells kill activated autoreactive T cells, restrained by NKG2A binding HLA-E
// on the T cells; they also kill activated protective (antiviral) T cells, the double edge.
//     dA/dt = s_A + r_A A Ag/(K_Ag + Ag) - d_A A - k_NA N A/(1 + h_E HLAE)
//     dN/dt = s_N + r_N N IL2/(K_2 + IL2) - d_N N
//     dD/dt = c_D A - d_D D
//     dV/dt = s_V - d_V V - k_NV N V/(1 + h_E HLAE)
// Antigen Ag, IL-2 available to NK (IL2) and HLA-E (HLAE) are constant parameters. For them the
// steady state is closed-form: N* = s_N/(d_N - r_N IL2/(K_2 + IL2)),
// A* = s_A/(d_A + k_NA N*/(1 + h_E HLAE) - r_A Ag/(K_Ag + Ag)), D* = c_D A*/d_D,
// V* = s_V/(d_V + k_NV N*/(1 + h_E HLAE)). No model with fitted rates exists: every rate is an
// assumption chosen for plausible orders of magnitude; evidence weak.
#include "nksim/ode/models/builtin.h"

namespace nksim::models {
namespace {

enum P {
  s_A, r_A, Ag, K_Ag, d_A, k_NA, h_E, HLAE, s_N, r_N, IL2, K_2, d_N, c_D, d_D, s_V, d_V, k_NV,
  kNumParameters
};
enum S { A, N, D, V };

constexpr StateInfo kStates[] = {
    {"A", "cells/uL", "activated autoreactive T cells"},
    {"N", "cells/uL", "regulatory (CD56bright) NK cells"},
    {"D", "-", "tissue damage score (inflammation caused by A)"},
    {"V", "cells/uL", "activated protective (antiviral) T cells, also killed by NK cells"},
};

constexpr ParameterInfo kParameters[] = {
    {"s_A", "cells/(uL day)", "activation of autoreactive T cells by antigen-presenting cells"},
    {"r_A", "1/day", "maximal antigen-driven proliferation of activated autoreactive T cells"},
    {"Ag", "-", "self-antigen level (held constant)"},
    {"K_Ag", "-", "antigen level giving half-maximal proliferation"},
    {"d_A", "1/day", "death or return to rest of activated T cells"},
    {"k_NA", "uL/(cell day)", "NK killing of activated autoreactive T cells (NKG2D, TRAIL)"},
    {"h_E", "-", "strength of the NKG2A restraint per unit of HLA-E"},
    {"HLAE", "-", "HLA-E on activated T cells (1: usual level; 0: NKG2A blocked)"},
    {"s_N", "cells/(uL day)", "supply of regulatory NK cells"},
    {"r_N", "1/day", "maximal IL-2-driven NK proliferation"},
    {"IL2", "pg/mL", "IL-2 available to NK cells (held constant; raised by CD25 blockade)"},
    {"K_2", "pg/mL", "IL-2 giving half-maximal NK proliferation"},
    {"d_N", "1/day", "NK death"},
    {"c_D", "uL/(cell day)", "damage caused per activated autoreactive T cell"},
    {"d_D", "1/day", "resolution of damage"},
    {"s_V", "cells/(uL day)", "activation of protective T cells"},
    {"d_V", "1/day", "death or return to rest of protective T cells"},
    {"k_NV", "uL/(cell day)", "NK killing of activated protective T cells"},
};

class NkAutoimmune final : public OdeModel {
 public:
  std::string_view name() const override { return "nk_autoimmune"; }
  std::string_view citation() const override {
    return "nksim's minimal model (no published model with fitted rates exists). Mechanism: "
           "Lu L et al. (2007) Immunity 26:593 (NKG2D killing of activated autoreactive CD4 T "
           "cells, restrained by Qa-1/NKG2A); Bielekova B et al. (2006) PNAS 103:5941 (CD56bright "
           "NK expansion on daclizumab correlates with T-cell contraction); Waggoner SN et al. "
           "(2012) Nature 481:394 (NK cells kill activated antiviral T cells).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The engine's target: the activated autoreactive T cells.
  std::size_t tumour_state() const override { return A; }

  std::vector<double> default_initial(std::span<const double> p) const override {
    const double n = p[s_N] / (p[d_N] - p[r_N] * p[IL2] / (p[K_2] + p[IL2]));
    const double restraint = 1 + p[h_E] * p[HLAE];
    const double v = p[s_V] / (p[d_V] + p[k_NV] * n / restraint);
    return {0, n, 0, v};
  }
  std::string_view default_initial_note() const override {
    return "no activated autoreactive T cells and no damage (a flare starting at t = 0); N and "
           "V at their steady states s_N/(d_N - r_N IL2/(K_2 + IL2)) and "
           "s_V/(d_V + k_NV N/(1 + h_E HLAE))";
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const double restraint = 1 + x[h_E] * x[HLAE];
    dy[A] = x[s_A] + x[r_A] * y[A] * x[Ag] / (x[K_Ag] + x[Ag]) - x[d_A] * y[A] -
            x[k_NA] * y[N] * y[A] / restraint;
    dy[N] = x[s_N] + x[r_N] * y[N] * x[IL2] / (x[K_2] + x[IL2]) - x[d_N] * y[N];
    dy[D] = x[c_D] * y[A] - x[d_D] * y[D];
    dy[V] = x[s_V] - x[d_V] * y[V] - x[k_NV] * y[N] * y[V] / restraint;
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr restraint = Expr::named("restraint", 1.0 + x(h_E) * x(HLAE));
    return {
        x(s_A) + x(r_A) * y(A) * x(Ag) / (x(K_Ag) + x(Ag)) - x(d_A) * y(A) -
            x(k_NA) * y(N) * y(A) / restraint,
        x(s_N) + x(r_N) * y(N) * x(IL2) / (x(K_2) + x(IL2)) - x(d_N) * y(N),
        x(c_D) * y(A) - x(d_D) * y(D),
        x(s_V) - x(d_V) * y(V) - x(k_NV) * y(N) * y(V) / restraint,
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    const double restraint = 1 + x[h_E] * x[HLAE];
    for (int i = 0; i < 16; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * 4 + col]; };
    at(A, A) = x[r_A] * x[Ag] / (x[K_Ag] + x[Ag]) - x[d_A] - x[k_NA] * y[N] / restraint;
    at(A, N) = -x[k_NA] * y[A] / restraint;
    at(N, N) = x[r_N] * x[IL2] / (x[K_2] + x[IL2]) - x[d_N];
    at(D, A) = x[c_D];
    at(D, D) = -x[d_D];
    at(V, N) = -x[k_NV] * y[V] / restraint;
    at(V, V) = -x[d_V] - x[k_NV] * y[N] / restraint;
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"ms_like",
       "a relapsing autoimmune flare (MS-like) with resident CD56bright NK cells",
       "all values are assumptions of plausible order (no fitted rates exist, "
       "BIOLOGY_DISEASES 3.3): activated T cells live about 3 days (d_A 0.3/day); N* = 13/uL, "
       "about a tenth of blood NK cells being CD56bright; k_NA 0.01 uL/(cell day) gives N* a "
       "kill rate of 0.07/day against 0.3/day natural loss (de Pillis 2006's u N L^2 term, "
       "the only published rate, is quadratic in whole-body counts and does not carry "
       "over); the NKG2A restraint halves killing at the "
       "usual HLA-E level (Lu 2007, Nielsen 2012: direction only); k_NV half of k_NA",
       {0.5, 0.25, 1, 1, 0.3, 0.01, 1, 1, 1, 0.05, 10, 10, 0.1, 0.1, 0.05, 0.5, 0.05, 0.005}},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& nk_autoimmune() {
  static const NkAutoimmune model;
  return model;
}

}  // namespace nksim::models
