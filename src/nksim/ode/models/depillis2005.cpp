// de Pillis, Radunskaya & Wiseman 2005, Cancer Res 65:7950-7958: tumour T, NK cells N and
// tumour-specific CD8+ T cells L.
//     dT/dt = a T (1 - b T) - c N T - D T
//     dN/dt = sigma - f N + g T^2/(h + T^2) N - p N T
//     dL/dt = -m L + j (D T)^2/(k + (D T)^2) L - q L T + r N T
//     D     = d (L/T)^lambda / (s + (L/T)^lambda)      (overflow-safe form in cd8_kill.h)
// Parameter values: ../shared BIOLOGY part a.2 (BioModels MODEL1907260001, S-Ng and MeFAST codes).
#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"
#include "nksim/ode/models/cd8_kill.h"

namespace nksim::models {
namespace {

enum P { a, b, c, sigma, f, g, h, p, m, j, k, q, r, d, lambda, s };
enum S { T, N, L };

constexpr StateInfo kStates[] = {
    {"T", "cells", "tumour cells"},
    {"N", "cells", "natural killer (NK) cells"},
    {"L", "cells", "tumour-specific CD8+ T cells"},
};

constexpr ParameterInfo kParameters[] = {
    {"a", "1/day", "tumour growth rate"},
    {"b", "1/cell", "1/b is the tumour carrying capacity"},
    {"c", "1/(cell day)", "NK kill rate of tumour cells (mass action)"},
    {"sigma", "cells/day", "constant source of NK cells"},
    {"f", "1/day", "NK death rate"},
    {"g", "1/day", "maximal NK recruitment by tumour"},
    {"h", "cells^2", "NK recruitment steepness (T^2 at half-maximal recruitment)"},
    {"p", "1/(cell day)", "NK inactivation by tumour"},
    {"m", "1/day", "CD8 death rate"},
    {"j", "1/day", "maximal CD8 recruitment by killed tumour cells"},
    {"k", "cells^2", "CD8 recruitment steepness ((D T)^2 at half-maximal recruitment)"},
    {"q", "1/(cell day)", "CD8 inactivation by tumour"},
    {"r", "1/(cell day)", "CD8 priming by NK-tumour encounters"},
    {"d", "1/day", "maximal CD8 kill fraction of tumour per day"},
    {"lambda", "-", "exponent of the CD8:tumour ratio in the kill fraction"},
    {"s", "-", "steepness of the CD8 kill fraction (ratio^lambda at half-maximal kill)"},
};

// Values common to every variant (BioModels MODEL1907260001 = S-Ng getParameters.m).
std::vector<double> variant(double c_value, double g_value, double j_value, double d_value,
                            double lambda_value, double s_value) {
  return {0.514,  1.02e-9, c_value, 1.3e4,  4.12e-2,  g_value,     2.02e7, 1.0e-7,
          2.0e-2, j_value, 2.02e7,  3.42e-10, 1.1e-7, d_value, lambda_value, s_value};
}

class DePillis2005 final : public OdeModel {
 public:
  std::string_view name() const override { return "depillis2005"; }
  std::string_view citation() const override {
    return "de Pillis LG, Radunskaya AE, Wiseman CL (2005). A validated mathematical model of "
           "cell-mediated immune response to tumor growth. Cancer Res 65:7950-7958.";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return T; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    if (state == N) return dose_ranges::kMouseNkCells;
    return std::nullopt;
  }

  std::vector<double> default_initial(std::span<const double> par) const override {
    return {1e6, par[sigma] / par[f], 0.0};
  }
  std::string_view default_initial_note() const override {
    return "T0 = 1e6 cells, N0 = sigma/f (the tumour-free NK level, 3.155e5 for the built-in "
           "sets), L0 = 0 (no tumour-specific CD8 cells before the tumour is seen)";
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const Cd8Kill kill = cd8_kill(y[T], y[L], x[d], x[s], x[lambda]);
    const double t2 = y[T] * y[T];
    const double f2 = kill.flux * kill.flux;
    dy[T] = x[a] * y[T] * (1 - x[b] * y[T]) - x[c] * y[N] * y[T] - kill.flux;
    dy[N] = x[sigma] - x[f] * y[N] + x[g] * t2 / (x[h] + t2) * y[N] - x[p] * y[N] * y[T];
    dy[L] = -x[m] * y[L] + x[j] * f2 / (x[k] + f2) * y[L] - x[q] * y[L] * y[T] +
            x[r] * y[N] * y[T];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr kill = cd8_kill_flux(y(T), y(L), x(d), x(s), x(lambda));
    const Expr t2 = y(T) * y(T);
    const Expr f2 = kill * kill;
    return {
        x(a) * y(T) * (1.0 - x(b) * y(T)) - x(c) * y(N) * y(T) - kill,
        x(sigma) - x(f) * y(N) + x(g) * t2 / (x(h) + t2) * y(N) - x(p) * y(N) * y(T),
        -x(m) * y(L) + x(j) * f2 / (x(k) + f2) * y(L) - x(q) * y(L) * y(T) +
            x(r) * y(N) * y(T),
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    const Cd8Kill kill = cd8_kill(y[T], y[L], x[d], x[s], x[lambda]);
    const double t2 = y[T] * y[T];
    const double f2 = kill.flux * kill.flux;
    const double recruit = f2 / (x[k] + f2);
    const double drecruit = 2 * kill.flux * x[k] / ((x[k] + f2) * (x[k] + f2));
    const double hill = t2 / (x[h] + t2);
    const double dhill = 2 * y[T] * x[h] / ((x[h] + t2) * (x[h] + t2));
    double* row_t = jac;
    double* row_n = jac + 3;
    double* row_l = jac + 6;
    row_t[T] = x[a] * (1 - 2 * x[b] * y[T]) - x[c] * y[N] - kill.dflux_dT;
    row_t[N] = -x[c] * y[T];
    row_t[L] = -kill.dflux_dL;
    row_n[T] = x[g] * dhill * y[N] - x[p] * y[N];
    row_n[N] = -x[f] + x[g] * hill - x[p] * y[T];
    row_n[L] = 0;
    row_l[T] = x[j] * y[L] * drecruit * kill.dflux_dT - x[q] * y[L] + x[r] * y[N];
    row_l[N] = x[r] * y[T];
    row_l[L] = -x[m] + x[j] * recruit + x[j] * y[L] * drecruit * kill.dflux_dL - x[q] * y[T];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"mouse_nn", "mouse, non-transduced RMA lymphoma, CD8 lysis fit n (the default)",
       "BioModels MODEL1907260001 and S-Ng getParameters.m agree on every value",
       variant(3.23e-7, 2.5e-2, 3.75e-2, 1.43, 0.58, 2.73)},
      {"mouse_nl", "mouse, non-transduced RMA lymphoma, CD8 lysis fit l",
       "S-Ng getParameters.m; d, lambda, s also in the MeFAST comment lists",
       variant(3.23e-7, 2.5e-2, 3.75e-2, 3.60, 0.46, 1.61)},
      {"mouse_ln", "mouse, NKG2D-ligand (Rae-1/H60) transduced RMA, CD8 lysis fit n",
       "S-Ng getParameters.m (c, g, j); MeFAST disagrees on g and j (0.1245 or 0.0249; "
       "0.0374-0.996): unresolved, see docs/models/depillis2005.md",
       variant(3.5e-6, 2.0e-1, 1.13e-1, 3.51, 0.90, 5.07)},
      {"mouse_ll", "mouse, NKG2D-ligand transduced RMA, CD8 lysis fit l",
       "S-Ng getParameters.m; same caveats as mouse_ln",
       variant(3.5e-6, 2.0e-1, 3.0e-1, 7.17, 0.75, 0.40)},
      {"human_patient9", "mouse values with the CD8 lysis fit of patient 9 (Dudley 2002)",
       "S-Ng getParameters.m and MeFAST baseline; the paper's own table was not seen",
       variant(3.23e-7, 2.5e-2, 3.75e-2, 5.80, 1.36, 0.25)},
      {"human_patient10", "mouse values with the CD8 lysis fit of patient 10 (Dudley 2002)",
       "S-Ng getParameters.m; the paper's own table was not seen",
       variant(3.23e-7, 2.5e-2, 3.75e-2, 4.23, 1.43, 0.36)},
  };
};

}  // namespace

const OdeModel& depillis2005() {
  static const DePillis2005 model;
  return model;
}

}  // namespace nksim::models
