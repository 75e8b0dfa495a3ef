// de Pillis, Gu & Radunskaya 2006, J Theor Biol 238:841-862: tumour T, NK N, CD8 L, circulating
// lymphocytes C, chemotherapy M and IL-2 I. Drug and TIL inputs v_M, v_I, v_L are doses.
//     dT/dt = a T (1 - b T) - c N T - D T - K_T (1 - e^-M) T
//     dN/dt = e C - f N + g T^2/(h + T^2) N - p N T - K_N (1 - e^-M) N
//     dL/dt = -m L + j (D T)^2/(k + (D T)^2) L - q L T + (r1 N + r2 C) T - u N L^2
//             - K_L (1 - e^-M) L + p_I L I/(g_I + I) + v_L(t)
//     dC/dt = alpha - beta C - K_C (1 - e^-M) C
//     dM/dt = -gamma M + v_M(t)
//     dI/dt = -mu_I I + v_I(t)
//     D     = d (L/T)^l / (s + (L/T)^l)
#include <cmath>

#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"
#include "nksim/ode/models/cd8_kill.h"

namespace nksim::models {
namespace {

enum P {
  a, b, c, d, e, l, f, g, h, j, k, m, q, p, s, r1, r2, u,
  K_T, K_N, K_L, K_C, alpha, beta, gamma, p_I, g_I, mu_I, kNumParameters
};
enum S { T, N, L, C, M, I };
constexpr int kN = 6;

constexpr StateInfo kStates[] = {
    {"T", "cells", "tumour cells"},
    {"N", "cells", "natural killer (NK) cells"},
    {"L", "cells", "tumour-specific CD8+ T cells"},
    {"C", "cells", "circulating lymphocytes"},
    {"M", "mg/L", "chemotherapy drug concentration"},
    {"I", "IU/L", "interleukin-2 concentration"},
};

constexpr ParameterInfo kParameters[] = {
    {"a", "1/day", "tumour growth rate"},
    {"b", "1/cell", "1/b is the tumour carrying capacity"},
    {"c", "1/(cell day)", "NK kill rate of tumour cells"},
    {"d", "1/day", "maximal CD8 kill fraction of tumour per day"},
    {"e", "1/day", "fraction of circulating lymphocytes that become NK cells per day"},
    {"l", "-", "exponent of the CD8:tumour ratio in the kill fraction"},
    {"f", "1/day", "NK death rate"},
    {"g", "1/day", "maximal NK recruitment by tumour"},
    {"h", "cells^2", "NK recruitment steepness"},
    {"j", "1/day", "maximal CD8 recruitment by killed tumour cells"},
    {"k", "cells^2", "CD8 recruitment steepness"},
    {"m", "1/day", "CD8 death rate"},
    {"q", "1/(cell day)", "CD8 inactivation by tumour"},
    {"p", "1/(cell day)", "NK inactivation by tumour"},
    {"s", "-", "steepness of the CD8 kill fraction"},
    {"r1", "1/(cell day)", "CD8 priming by NK-tumour encounters"},
    {"r2", "1/(cell day)", "CD8 priming by circulating lymphocyte-tumour encounters"},
    {"u", "1/(cell^2 day)", "NK regulation (suppression) of activated CD8 cells"},
    {"K_T", "1/day", "chemotherapy kill of tumour cells"},
    {"K_N", "1/day", "chemotherapy kill of NK cells"},
    {"K_L", "1/day", "chemotherapy kill of CD8 cells"},
    {"K_C", "1/day", "chemotherapy kill of circulating lymphocytes"},
    {"alpha", "cells/day", "constant source of circulating lymphocytes"},
    {"beta", "1/day", "natural death of circulating lymphocytes"},
    {"gamma", "1/day", "chemotherapy decay rate"},
    {"p_I", "1/day", "maximal IL-2-driven CD8 expansion"},
    {"g_I", "IU/L", "IL-2 level giving half-maximal CD8 expansion"},
    {"mu_I", "1/day", "IL-2 decay rate (half-life about 1.7 h)"},
};

std::vector<double> patient9() {
  return {0.431,   1.02e-9, 6.41e-11, 2.34,   2.08e-7, 2.09,  4.12e-2, 1.25e-2, 2.02e7, 2.49e-2,
          3.66e7,  2.04e-1, 1.42e-6,  3.42e-6, 8.39e-2, 1.1e-7, 6.5e-11, 3.0e-10, 0.9,   0.6,
          0.6,     0.6,     7.5e8,    1.2e-2, 0.9,     0.125, 2.0e7,   10.0};
}

std::vector<double> patient10() {
  std::vector<double> v = patient9();
  v[d] = 1.88;
  v[l] = 1.81;
  v[s] = 5.12e-1;
  v[k] = 5.66e7;
  v[m] = 9.12;
  v[q] = 1.59e-6;
  v[p] = 3.59e-6;
  v[alpha] = 5.0e8;
  v[beta] = 8.0e-3;
  return v;
}

class DePillis2006 final : public OdeModel {
 public:
  std::string_view name() const override { return "depillis2006"; }
  std::string_view citation() const override {
    return "de Pillis LG, Gu W, Radunskaya AE (2006). Mixed immunotherapy and chemotherapy of "
           "tumors: modeling, applications and biological interpretations. J Theor Biol "
           "238:841-862.";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return T; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    if (state == N) return dose_ranges::kHumanNkCells;
    return std::nullopt;
  }

  std::vector<double> default_initial(std::span<const double>) const override {
    return {1e6, 1e5, 1e2, 6e10, 0, 0};
  }
  std::string_view default_initial_note() const override {
    return "the 'tumour remission' start of public codes (Patsatzis 2021 paramet.i): T = 1e6, "
           "N = 1e5, L = 1e2, C = 6e10, M = I = 0; the 'persistence' start is N = 1e3, L = 10, "
           "C = 6e8";
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const Cd8Kill kill = cd8_kill(y[T], y[L], x[d], x[s], x[l]);
    const double chemo = -std::expm1(-y[M]);  // 1 - e^-M without cancellation
    const double t2 = y[T] * y[T];
    const double f2 = kill.flux * kill.flux;
    dy[T] = x[a] * y[T] * (1 - x[b] * y[T]) - x[c] * y[N] * y[T] - kill.flux -
            x[K_T] * chemo * y[T];
    dy[N] = x[e] * y[C] - x[f] * y[N] + x[g] * t2 / (x[h] + t2) * y[N] - x[p] * y[N] * y[T] -
            x[K_N] * chemo * y[N];
    dy[L] = -x[m] * y[L] + x[j] * f2 / (x[k] + f2) * y[L] - x[q] * y[L] * y[T] +
            (x[r1] * y[N] + x[r2] * y[C]) * y[T] - x[u] * y[N] * y[L] * y[L] -
            x[K_L] * chemo * y[L] + x[p_I] * y[L] * y[I] / (x[g_I] + y[I]);
    dy[C] = x[alpha] - x[beta] * y[C] - x[K_C] * chemo * y[C];
    dy[M] = -x[gamma] * y[M];
    dy[I] = -x[mu_I] * y[I];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr kill = cd8_kill_flux(y(T), y(L), x(d), x(s), x(l));
    const Expr chemo = Expr::named("chemo", 1.0 - exp(-y(M)));
    const Expr t2 = y(T) * y(T);
    const Expr f2 = kill * kill;
    return {
        x(a) * y(T) * (1.0 - x(b) * y(T)) - x(c) * y(N) * y(T) - kill - x(K_T) * chemo * y(T),
        x(e) * y(C) - x(f) * y(N) + x(g) * t2 / (x(h) + t2) * y(N) - x(p) * y(N) * y(T) -
            x(K_N) * chemo * y(N),
        -x(m) * y(L) + x(j) * f2 / (x(k) + f2) * y(L) - x(q) * y(L) * y(T) +
            (x(r1) * y(N) + x(r2) * y(C)) * y(T) - x(u) * y(N) * y(L) * y(L) -
            x(K_L) * chemo * y(L) + x(p_I) * y(L) * y(I) / (x(g_I) + y(I)),
        x(alpha) - x(beta) * y(C) - x(K_C) * chemo * y(C),
        -x(gamma) * y(M),
        -x(mu_I) * y(I),
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    const Cd8Kill kill = cd8_kill(y[T], y[L], x[d], x[s], x[l]);
    const double chemo = -std::expm1(-y[M]);
    const double dchemo = std::exp(-y[M]);
    const double t2 = y[T] * y[T];
    const double f2 = kill.flux * kill.flux;
    const double recruit = f2 / (x[k] + f2);
    const double drecruit = 2 * kill.flux * x[k] / ((x[k] + f2) * (x[k] + f2));
    const double hill = t2 / (x[h] + t2);
    const double dhill = 2 * y[T] * x[h] / ((x[h] + t2) * (x[h] + t2));
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    at(T, T) = x[a] * (1 - 2 * x[b] * y[T]) - x[c] * y[N] - kill.dflux_dT - x[K_T] * chemo;
    at(T, N) = -x[c] * y[T];
    at(T, L) = -kill.dflux_dL;
    at(T, M) = -x[K_T] * dchemo * y[T];
    at(N, T) = x[g] * dhill * y[N] - x[p] * y[N];
    at(N, N) = -x[f] + x[g] * hill - x[p] * y[T] - x[K_N] * chemo;
    at(N, C) = x[e];
    at(N, M) = -x[K_N] * dchemo * y[N];
    at(L, T) = x[j] * y[L] * drecruit * kill.dflux_dT - x[q] * y[L] + x[r1] * y[N] + x[r2] * y[C];
    at(L, N) = x[r1] * y[T] - x[u] * y[L] * y[L];
    at(L, L) = -x[m] + x[j] * recruit + x[j] * y[L] * drecruit * kill.dflux_dL - x[q] * y[T] -
               2 * x[u] * y[N] * y[L] - x[K_L] * chemo + x[p_I] * y[I] / (x[g_I] + y[I]);
    at(L, C) = x[r2] * y[T];
    at(L, M) = -x[K_L] * dchemo * y[L];
    at(L, I) = x[p_I] * y[L] * x[g_I] / ((x[g_I] + y[I]) * (x[g_I] + y[I]));
    at(C, C) = -x[beta] - x[K_C] * chemo;
    at(C, M) = -x[K_C] * dchemo * y[C];
    at(M, M) = -x[gamma];
    at(I, I) = -x[mu_I];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"patient9", "human patient 9 (de Pillis 2006 fit; remission with a strong immune start)",
       "agrees across Patsatzis 2021 (paramet.i), Alamir 2022 and a public MATLAB code; "
       "l = 2.09 (one code has 2.08), r2 = 6.5e-11 nominal, g_I = 2e7",
       patient9()},
      {"patient10", "human patient 10 (de Pillis 2006 fit)",
       "one public MATLAB code only; m = 9.12/day (a CD8 half-life of 1.8 h) is kept as that "
       "source gives it, although 9.12e-2 may be meant: see docs/models/depillis2006.md",
       patient10()},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& depillis2006() {
  static const DePillis2006 model;
  return model;
}

}  // namespace nksim::models
