// A shedding primary tumour, circulating tumour cells (CTCs) killed by NK cells in blood and in
// the lung capillaries where they arrest, and the metastases the survivors seed. Infused NK
// cells traffic as in nk_biodistribution (the same equations, nk_trafficking.h, without
// cytokine support); the host's own NK cells are a constant background E_b, E_l.
//     dP/dt   = a P ln(K/P) - sigma P                                 primary (Gompertz), shedding
//     dC_b/dt = sigma P - (k_arr + d_cb + kappa_b (E_b + N_b)) C_b    CTCs in blood
//     dC_l/dt = k_arr C_b - (d_cl + mu + kappa_l (E_l + N_l)) C_l     CTCs arrested in the lung
//     dN_i/dt = trafficking of the infused NK cells (nk_trafficking.h)
//     dM_n/dt = mu C_l                                                metastases seeded
//     dM_c/dt = mu C_l + lambda_m M_c                                 cells in metastases
//     dK_d/dt = kappa_b (E_b + N_b) C_b + kappa_l (E_l + N_l) C_l     CTCs killed by NK, cumulative
// Each metastasis starts from one cell. Every shed cell is in blood, in the lung, killed, dead
// otherwise or seeded: with d_cb = d_cl = 0, P(0) - P + growth = C_b + C_l + K_d + M_n.
#include <cmath>

#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"
#include "nksim/ode/models/nk_trafficking.h"

namespace nksim::models {
namespace {

namespace traffic = nk_trafficking;

enum P {
  a = traffic::kNumTraffickingParameters, K, sigma, k_arr, d_cb, d_cl, mu, lambda_m, kappa_b,
  kappa_l, E_b, E_l, V_blood, kNumParameters
};
enum S { Pr, C_b, C_l, N_b, N_l, N_o, N_t, M_n, M_c, K_d };
constexpr int kN = 10;

constexpr StateInfo kStates[] = {
    {"P", "cells", "primary tumour cells (must stay > 0: the growth law takes ln P)"},
    {"C_b", "cells", "circulating tumour cells in blood"},
    {"C_l", "cells", "tumour cells arrested in lung capillaries"},
    {"N_b", "cells", "infused NK cells in blood (a cell dose is a bolus into N_b)"},
    {"N_l", "cells", "infused NK cells in the lung"},
    {"N_o", "cells", "infused NK cells in liver, spleen and bone marrow"},
    {"N_t", "cells", "infused NK cells in the primary tumour (they do not kill there here)"},
    {"M_n", "-", "metastases seeded since the start, cumulative (one cell each)"},
    {"M_c", "cells", "cells in metastases"},
    {"K_d", "cells", "circulating and arrested tumour cells killed by NK cells, cumulative"},
};

constexpr ParameterInfo kOwnParameters[] = {
    {"a", "1/day", "Gompertz growth rate of the primary"},
    {"K", "cells", "Gompertz size limit of the primary"},
    {"sigma", "1/day", "shedding of primary cells into blood, per cell"},
    {"k_arr", "1/day", "arrest of CTCs in lung capillaries (first pass)"},
    {"d_cb", "1/day", "death of CTCs in blood other than by NK cells"},
    {"d_cl", "1/day", "death of arrested tumour cells other than by NK cells"},
    {"mu", "1/day", "seeding of a metastasis by an arrested tumour cell"},
    {"lambda_m", "1/day", "growth of cells in metastases (exponential while they are small)"},
    {"kappa_b", "1/(cell day)", "killing of CTCs per NK cell in blood"},
    {"kappa_l", "1/(cell day)", "killing of arrested tumour cells per NK cell in the lung"},
    {"E_b", "cells", "the host's own NK cells in blood (constant)"},
    {"E_l", "cells", "the host's own NK cells in the lung (constant)"},
    {"V_blood", "uL", "blood volume, for the read-outs per volume"},
};
constexpr auto kParameters = traffic::with_trafficking(kOwnParameters);

class NkMetastasis final : public OdeModel {
 public:
  std::string_view name() const override { return "nk_metastasis"; }
  std::string_view citation() const override {
    return "nksim's synthesis. Primary growth: Iwata K, Kawasaki K, Shigesada N (2000) J Theor "
           "Biol 203:177-186; shedding: Butler TP, Gullino PM (1975) Cancer Res 35:512-516; CTC "
           "half-life: Meng S et al. (2004) Clin Cancer Res 10:8152-8162; NK control of lung "
           "metastases in NK-depleted mice: Gorelik E et al. (1982) Int J Cancer 30:107-112, "
           "Barlozzari T et al. (1985) J Immunol 134:2783-2789; NK trafficking: "
           "nk_biodistribution.";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The target is the metastatic burden (cells in metastases).
  std::size_t tumour_state() const override { return M_c; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    if (state == N_b) return dose_ranges::kHumanNkCells;
    return std::nullopt;
  }

  // A 1e9-cell primary (about 1 g) with its CTCs at their quasi-steady state for the host's NK
  // cells; no infused cells, no metastases yet.
  std::vector<double> default_initial(std::span<const double> x) const override {
    const double p0 = 1e9;
    const double cb = x[sigma] * p0 / blood_loss(x.data(), 0);
    const double cl = x[k_arr] * cb / lung_loss(x.data(), 0);
    return {p0, cb, cl, 0, 0, 0, 0, 0, 0, 0};
  }
  std::string_view default_initial_note() const override {
    return "P = 1e9 cells (about 1 g); C_b = sigma P/(k_arr + d_cb + kappa_b E_b) and C_l = "
           "k_arr C_b/(d_cl + mu + kappa_l E_l), their steady state with the host's NK cells; "
           "everything else 0";
  }

  static double blood_loss(const double* x, double infused) {
    return x[k_arr] + x[d_cb] + x[kappa_b] * (x[E_b] + infused);
  }
  static double lung_loss(const double* x, double infused) {
    return x[d_cl] + x[mu] + x[kappa_l] * (x[E_l] + infused);
  }

  void rhs(double, const double* y, const double* x, double* f) const override {
    const double kill_b = x[kappa_b] * (x[E_b] + y[N_b]) * y[C_b];
    const double kill_l = x[kappa_l] * (x[E_l] + y[N_l]) * y[C_l];
    f[Pr] = x[a] * y[Pr] * std::log(x[K] / y[Pr]) - x[sigma] * y[Pr];
    f[C_b] = x[sigma] * y[Pr] - (x[k_arr] + x[d_cb]) * y[C_b] - kill_b;
    f[C_l] = x[k_arr] * y[C_b] - (x[d_cl] + x[mu]) * y[C_l] - kill_l;
    traffic::rhs(y, x, 1.0, N_b, f);
    f[M_n] = x[mu] * y[C_l];
    f[M_c] = x[mu] * y[C_l] + x[lambda_m] * y[M_c];
    f[K_d] = kill_b + kill_l;
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](int i) { return Expr::parameter(static_cast<std::size_t>(i)); };
    const Expr kill_b = Expr::named("kill_b", x(kappa_b) * (x(E_b) + y(N_b)) * y(C_b));
    const Expr kill_l = Expr::named("kill_l", x(kappa_l) * (x(E_l) + y(N_l)) * y(C_l));
    const auto nk = traffic::equations(nullptr, N_b);
    return {
        x(a) * y(Pr) * log(x(K) / y(Pr)) - x(sigma) * y(Pr),
        x(sigma) * y(Pr) - (x(k_arr) + x(d_cb)) * y(C_b) - kill_b,
        x(k_arr) * y(C_b) - (x(d_cl) + x(mu)) * y(C_l) - kill_l,
        nk[0], nk[1], nk[2], nk[3],
        x(mu) * y(C_l),
        x(mu) * y(C_l) + x(lambda_m) * y(M_c),
        kill_b + kill_l,
    };
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](int i) { return Expr::parameter(static_cast<std::size_t>(i)); };
    return {
        {"ctc_per_7_5mL", "cells/7.5 mL",
         "CTCs in a 7.5 mL blood sample (the CellSearch volume): 7500 C_b/V_blood",
         7500.0 * y(C_b) / x(V_blood)},
        {"nk_blood_per_uL", "cells/uL", "all NK cells per uL of blood: (E_b + N_b)/V_blood",
         (x(E_b) + y(N_b)) / x(V_blood)},
        {"nk_lung", "cells", "all NK cells in the lung: E_l + N_l", x(E_l) + y(N_l)},
        {"seeding_per_day", "1/day", "metastases seeded per day: mu C_l", x(mu) * y(C_l)},
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    const double nk_b = x[E_b] + y[N_b], nk_l = x[E_l] + y[N_l];
    at(Pr, Pr) = x[a] * (std::log(x[K] / y[Pr]) - 1) - x[sigma];
    at(C_b, Pr) = x[sigma];
    at(C_b, C_b) = -(x[k_arr] + x[d_cb]) - x[kappa_b] * nk_b;
    at(C_b, N_b) = -x[kappa_b] * y[C_b];
    at(C_l, C_b) = x[k_arr];
    at(C_l, C_l) = -(x[d_cl] + x[mu]) - x[kappa_l] * nk_l;
    at(C_l, N_l) = -x[kappa_l] * y[C_l];
    traffic::jacobian(x, 1.0, N_b, kN, jac);
    at(M_n, C_l) = x[mu];
    at(M_c, C_l) = x[mu];
    at(M_c, M_c) = x[lambda_m];
    at(K_d, C_b) = x[kappa_b] * nk_b;
    at(K_d, N_b) = x[kappa_b] * y[C_b];
    at(K_d, C_l) = x[kappa_l] * nk_l;
    at(K_d, N_l) = x[kappa_l] * y[C_l];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"human_1g_primary",
       "a 1 g primary shedding into blood; the host's NK cells kill CTCs in blood and lung, an "
       "NK infusion (a dose into N_b) adds cells that traffic as in nk_biodistribution",
       "Gompertz a = 0.00286/day, K = 7.3e10 cells: Iwata 2000's fit to a hepatocellular "
       "carcinoma (recalled values); sigma = 3.2e-3/day: Butler & Gullino 1975 (3.2e6 cells "
       "shed per g per day, rat mammary carcinoma, 1e9 cells/g); CTCs leave blood at 9.8/day "
       "(half-life 1.7 h, within Meng 2004's 1-2.4 h): k_arr = 8.8/day plus 1/day NK killing "
       "(kappa_b E_b); E_b = 1e9 (200 NK/uL in 5 L); assumptions: E_l = 1e9, NK killing in the "
       "lung 9/day (kappa_l E_l), d_cl = 0.5/day, d_cb = 0, so that depleting 90 % of the host "
       "NK cells raises seeding several-fold as in NK-depleted mice (Gorelik 1982: 10x more "
       "B16 lung foci); mu = 1.6e-7/day: set so that a 1e9-cell primary seeds about 0.05 "
       "metastases per day, Iwata's colonisation rate at that size; lambda_m = a ln K = "
       "0.0715/day (Iwata's Gompertz growth of a one-cell metastasis); trafficking: "
       "nk_biodistribution's haplo_nk set (death 0.25/day)",
       values()},
  };

  static std::vector<double> values() {
    std::vector<double> v = traffic::section_6_3_rates(0.25);
    v.insert(v.end(), {0.00286, 7.3e10, 3.2e-3, 8.8, 0, 0.5, 1.6e-7, 0.0715, 1e-9, 9e-9, 1e9,
                       1e9, 5e6});
    return v;
  }
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& nk_metastasis() {
  static const NkMetastasis model;
  return model;
}

}  // namespace nksim::models
