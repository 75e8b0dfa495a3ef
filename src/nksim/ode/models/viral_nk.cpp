// Chronic viral infection with NK cells: the target-cell-limited model of Perelson, Neumann and
// Ciupe (BIOLOGY e) with an NK state N that kills infected cells and, for HBV, cures them without
// killing (the non-cytolytic IFN-gamma arm Ciupe 2007 gives the CTL). Time in days, cells and
// virions per mL.
//     dT/dt = lambda - dT T - beta T V + rhoNK N I
//     dI/dt = beta T V - delta I - kNK N I - rhoNK N I
//     dV/dt = (1 - eps) p I - c V
//     dN/dt = sN - dN N                 (an NK infusion is a dose into N)
// eps blocks virion production (a drug, Neumann 1998). The infected-cell loss rate is
// delta_eff = delta + (kNK + rhoNK) N; the measured infected-cell death rates of the sources are
// delta_eff at the baseline NK level N0 = sN/dN, so each set splits them into delta and the NK
// part. The reproduction number in the current state is a derived output:
//     R = beta (1 - eps) p T / (c (delta + (kNK + rhoNK) N))
#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"

namespace nksim::models {
namespace {

enum P { lambda, dT, beta, delta, p, c, eps, kNK, rhoNK, sN, dN, kNumParameters };
enum S { T, I, V, N };
constexpr int kN = 4;

constexpr StateInfo kStates[] = {
    {"T", "cells/mL", "uninfected target cells (CD4 T cells for HIV, hepatocytes for HBV, HCV)"},
    {"I", "cells/mL", "productively infected cells"},
    {"V", "copies/mL", "free virus (viral load)"},
    {"N", "cells/mL", "NK cells, per mL of blood"},
};

constexpr ParameterInfo kParameters[] = {
    {"lambda", "cells/(mL day)", "production of target cells"},
    {"dT", "1/day", "death of target cells"},
    {"beta", "mL/(copy day)", "infection rate"},
    {"delta", "1/day", "death of infected cells other than by NK cells"},
    {"p", "copies/(cell day)", "virions produced per infected cell"},
    {"c", "1/day", "clearance of free virus"},
    {"eps", "-", "efficacy of a drug blocking virion production (0: none, 1: complete)"},
    {"kNK", "mL/(cell day)", "killing of infected cells per NK cell (cytolysis)"},
    {"rhoNK", "mL/(cell day)", "non-cytolytic cure of infected cells per NK cell (IFN-gamma)"},
    {"sN", "cells/(mL day)", "NK-cell production (N0 = sN/dN at baseline)"},
    {"dN", "1/day", "NK-cell death"},
};

// NK level and turnover shared by every set: blood NK cells about 200/uL = 2e5/mL (assumption:
// the middle of the usual adult range, about 90-600/uL) with a half-life of about 10 days
// (dN = 0.07/day; Zhang 2007, deuterium labelling of human NK cells); sN = dN N0.
constexpr double kSN = 14000, kDN = 0.07;

// One set's values, in the order of kParameters. Each set is derived from measured quantities:
// the target pool T0 = lambda/dT, the reproduction number R0 = beta p T0/(c delta_eff) without
// drug, the infected-cell loss rate delta_eff = delta + (kNK + rhoNK) N0 at the baseline NK level
// N0 = sN/dN, and the NK share of it; beta is rounded to 4 digits and every value written as a
// decimal literal, so that the set survives an SBML round trip (15 significant digits) exactly.
std::vector<double> values(double lambda_v, double dt, double beta_v, double delta_v, double p_v,
                           double c_v, double eps_v, double knk, double rhonk) {
  return {lambda_v, dt, beta_v, delta_v, p_v, c_v, eps_v, knk, rhonk, kSN, kDN};
}

class ViralNk final : public OdeModel {
 public:
  std::string_view name() const override { return "viral_nk"; }
  std::string_view citation() const override {
    return "Target-cell-limited viral dynamics: Perelson AS et al. (1996) Science 271:1582-1586; "
           "Neumann AU et al. (1998) Science 282:103-107; Nowak MA et al. (1996) PNAS "
           "93:4398-4402; Ciupe SM et al. (2007) J Theor Biol 247:23-35 (non-cytolytic cure). "
           "NK terms: nksim (BIOLOGY e).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return V; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    // The human range (1e5-1e8 NK cells/kg, 70 kg) spread over about 5 L of blood.
    static constexpr PlausibleDose kPerMlBlood{
        1.4e3, 1.4e6,
        "human: 1e5-1e8 NK cells/kg per infusion in a 70 kg adult, per mL of 5 L of blood",
        "Liu 2020 NEJM; Miller 2005 Blood; Bachanova 2014 Blood"};
    if (state == N) return kPerMlBlood;
    return std::nullopt;
  }

  // The chronic (infected) steady state without drug (eps = 0) at N0 = sN/dN: the patient before
  // treatment. Without a chronic state (R0 <= 1 without drug) the uninfected state.
  std::vector<double> default_initial(std::span<const double> x) const override {
    const double n0 = x[sN] / x[dN];
    const double t0 = x[lambda] / x[dT];
    const double delta_eff = x[delta] + (x[kNK] + x[rhoNK]) * n0;
    const double t_star = x[c] * delta_eff / (x[beta] * x[p]);
    if (!(t_star < t0)) return {t0, 0, 0, n0};
    const double i_star = (x[lambda] - x[dT] * t_star) / (x[delta] + x[kNK] * n0);
    return {t_star, i_star, x[p] * i_star / x[c], n0};
  }
  std::string_view default_initial_note() const override {
    return "the chronic steady state without drug (eps = 0) at the baseline NK level "
           "N0 = sN/dN: T = c delta_eff/(beta p), I = (lambda - dT T)/(delta + kNK N0), "
           "V = p I/c with delta_eff = delta + (kNK + rhoNK) N0; the uninfected state "
           "(T = lambda/dT) when R0 <= 1";
  }

  void rhs(double, const double* y, const double* x, double* f) const override {
    f[T] = x[lambda] - x[dT] * y[T] - x[beta] * y[T] * y[V] + x[rhoNK] * y[N] * y[I];
    f[I] = x[beta] * y[T] * y[V] - x[delta] * y[I] - x[kNK] * y[N] * y[I] -
           x[rhoNK] * y[N] * y[I];
    f[V] = (1 - x[eps]) * x[p] * y[I] - x[c] * y[V];
    f[N] = x[sN] - x[dN] * y[N];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    return {
        x(lambda) - x(dT) * y(T) - x(beta) * y(T) * y(V) + x(rhoNK) * y(N) * y(I),
        x(beta) * y(T) * y(V) - x(delta) * y(I) - x(kNK) * y(N) * y(I) -
            x(rhoNK) * y(N) * y(I),
        (1.0 - x(eps)) * x(p) * y(I) - x(c) * y(V),
        x(sN) - x(dN) * y(N),
    };
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    return {{"R", "-",
             "reproduction number of the virus in the current state: beta (1 - eps) p T / "
             "(c (delta + (kNK + rhoNK) N)); below 1 the infection declines",
             x(beta) * (1.0 - x(eps)) * x(p) * y(T) /
                 (x(c) * (x(delta) + (x(kNK) + x(rhoNK)) * y(N)))}};
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    at(T, T) = -x[dT] - x[beta] * y[V];
    at(T, I) = x[rhoNK] * y[N];
    at(T, V) = -x[beta] * y[T];
    at(T, N) = x[rhoNK] * y[I];
    at(I, T) = x[beta] * y[V];
    at(I, I) = -x[delta] - (x[kNK] + x[rhoNK]) * y[N];
    at(I, V) = x[beta] * y[T];
    at(I, N) = -(x[kNK] + x[rhoNK]) * y[I];
    at(V, I) = (1 - x[eps]) * x[p];
    at(V, V) = -x[c];
    at(N, N) = -x[dN];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"hbv",
       "chronic hepatitis B; evidence for NK benefit weak (NK cells also kill antiviral T cells "
       "and hepatocytes)",
       "c = 0.67/day (virion half-life about 1 day) and delta_eff = 0.042/day (infected-cell "
       "half-life about 17 days, inside the 10-100 days of Nowak 1996); T0 = 1.36e7 "
       "hepatocytes/mL (Goyal 2017, as Ciupe 2007); assumptions: dT = 0.01/day, p = 100, "
       "R0 = 10 (beta = 2.069e-10 from it), NK share of delta_eff 0.007/day split equally "
       "into cytolysis and non-cytolytic cure",
       values(136000, 0.01, 2.069e-10, 0.035, 100, 0.67, 0, 1.75e-8, 1.75e-8)},
      {"hcv",
       "chronic hepatitis C under interferon-alpha 10 MU daily (eps = 0.95); evidence: moderate "
       "association (NK activation tracks the first-phase decline), no NK infusion data",
       "c = 6.2/day, delta_eff = 0.14/day and eps = 0.95 (10 MU daily): Neumann 1998; T0 = "
       "1.36e7 hepatocytes/mL (Goyal 2017); assumptions: dT = 0.01/day, p = 10, R0 = 3 (beta "
       "= 1.915e-8 from it; viral load about 1e6/mL before treatment), NK cytolysis 0.014/day of "
       "delta_eff (a tenth), no cure arm",
       values(136000, 0.01, 1.915e-8, 0.126, 10, 6.2, 0.95, 7e-8, 0)},
      {"hiv",
       "untreated chronic HIV-1; evidence contested: fitted SIV models find NK cells barely "
       "change infected-cell death and their net effect raises viral load (Elemans 2011)",
       "delta_eff = 0.45/day (infected-cell lifespan 2.2 days) and c = 3/day (virion half-life "
       "about 0.24 day): Perelson 1996; assumptions: T0 = 1e6 target cells/mL, dT = 0.01/day, "
       "R0 = 8 (beta = 1.35e-6), p = 8 (set point about 5e4 copies/mL), NK cytolysis "
       "0.02/day of delta_eff (small, after Elemans 2011), no cure arm",
       values(10000, 0.01, 1.35e-6, 0.43, 8, 3, 0, 1e-7, 0)},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& viral_nk() {
  static const ViralNk model;
  return model;
}

}  // namespace nksim::models
