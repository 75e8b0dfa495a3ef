// Adler et al. 2020's myofibroblast-macrophage circuit of tissue repair and fibrosis, with NK
// removal of myofibroblasts (activated and senescent hepatic stellate cells in the liver):
//     dF/dt   = F [lambda1 P/(k1 + P) (1 - F/K) - mu1 - delta0 - k_NK N/(1 + s_T F)]
//     dM/dt   = M [lambda2 C/(k2 + C) - mu2] + u_inj max(Inj, 0)
//     dC/dt   = beta1 F - alpha1 M C/(k2 + C) - gamma C
//     dP/dt   = beta2 M + beta3 F - alpha2 F P/(k1 + P) - gamma P
//     dN/dt   = s_N - d_N N
//     dInj/dt = 0    (Inj = 1 until T_inj, then 0: the model's own event)
// F myofibroblasts, M macrophages (cells/mL), C the growth factor CSF1, P PDGF (molecules/mL),
// N NK cells in the tissue (cells/mL). The circuit is Adler's; the NK term and its TGF-beta
// suppression (s_T: TGF-beta taken proportional to F) are nksim's extension
// (BIOLOGY_DISEASES 4.2.1), and the macrophage influx during injury is a pulse whose size is
// taken from a re-implementation and not checked against the paper.
//
// Fixed points (C and P at their steady state for given F, M): healing (F = M = 0), "hot
// fibrosis" (F ~ 4.85e5, M ~ 6.45e5), "cold fibrosis" (M = 0, F ~ 2.84e5) and two saddles between
// them. A total removal delta0 + k_NK N above ~0.214/day removes the hot state (saddle-node) and
// above ~0.080/day the cold one (tests/unit/ode/adler2020_test.cpp).
#include <algorithm>

#include "nksim/ode/models/builtin.h"

namespace nksim::models {
namespace {

enum P {
  lambda1, lambda2, mu1, mu2, K, k1, k2, beta1, beta2, beta3, alpha1, alpha2, gamma,
  u_inj, T_inj, delta0, k_NK, s_T, s_N, d_N,
  kNumParameters
};
enum S { F, M, C, Pdgf, N, Inj };

constexpr StateInfo kStates[] = {
    {"F", "cells/mL", "myofibroblasts (activated and senescent hepatic stellate cells)"},
    {"M", "cells/mL", "macrophages"},
    {"C", "molecules/mL", "CSF1, the macrophage growth factor made by myofibroblasts"},
    {"P", "molecules/mL", "PDGF, the myofibroblast growth factor made by both cell types"},
    {"N", "cells/mL", "NK cells in the tissue (resident plus infused)"},
    {"Inj", "-", "injury: 1 until T_inj, then 0 (the model's own event; set T_inj = 0 for none)"},
};

constexpr ParameterInfo kParameters[] = {
    {"lambda1", "1/day", "maximal myofibroblast proliferation"},
    {"lambda2", "1/day", "maximal macrophage proliferation"},
    {"mu1", "1/day", "myofibroblast removal without NK cells"},
    {"mu2", "1/day", "macrophage removal"},
    {"K", "cells/mL", "myofibroblast carrying capacity"},
    {"k1", "molecules/mL", "PDGF giving half-maximal proliferation and uptake"},
    {"k2", "molecules/mL", "CSF1 giving half-maximal proliferation and uptake"},
    {"beta1", "molecules/(cell day)", "CSF1 secretion per myofibroblast"},
    {"beta2", "molecules/(cell day)", "PDGF secretion per macrophage"},
    {"beta3", "molecules/(cell day)", "PDGF secretion per myofibroblast"},
    {"alpha1", "molecules/(cell day)", "maximal CSF1 uptake per macrophage"},
    {"alpha2", "molecules/(cell day)", "maximal PDGF uptake per myofibroblast"},
    {"gamma", "1/day", "degradation of CSF1 and PDGF"},
    {"u_inj", "cells/(mL day)", "macrophage influx while the injury lasts"},
    {"T_inj", "day", "duration of the injury (0: none)"},
    {"delta0", "1/day", "extra myofibroblast removal not carried by N (a fixed NK effort)"},
    {"k_NK", "mL/(cell day)", "myofibroblast removal per NK cell"},
    {"s_T", "mL/cell", "TGF-beta suppression of NK removal per myofibroblast (0: none)"},
    {"s_N", "cells/(mL day)", "NK supply to the tissue (recruitment and proliferation)"},
    {"d_N", "1/day", "NK loss from the tissue (death and exit)"},
};

// Adler's values; beta and alpha are per minute in the paper (x1440 here).
std::vector<double> values(double s_n, double s_t) {
  std::vector<double> v(kNumParameters);
  v[lambda1] = 0.9;
  v[lambda2] = 0.8;
  v[mu1] = 0.3;
  v[mu2] = 0.3;
  v[K] = 1e6;
  v[k1] = 6e8;
  v[k2] = 6e8;
  v[beta1] = 470 * 1440.0;
  v[beta2] = 70 * 1440.0;
  v[beta3] = 240 * 1440.0;
  v[alpha1] = 940 * 1440.0;
  v[alpha2] = 510 * 1440.0;
  v[gamma] = 2;
  v[u_inj] = 140 * 1440.0;
  v[T_inj] = 4;
  v[delta0] = 0;
  v[k_NK] = 1e-7;
  v[s_T] = s_t;
  v[s_N] = s_n;
  v[d_N] = 0.1;
  return v;
}

constexpr const char* kAdlerSource =
    "Adler 2020 (iScience 23:100841) values as quoted alike by several public "
    "re-implementations: lambda1 0.9, lambda2 0.8, mu1 = mu2 0.3, gamma 2 /day, K 1e6 cells/mL, "
    "k1 = k2 6e8 molecules/mL, beta1 470, beta2 70, beta3 240, alpha1 940, alpha2 510 "
    "molecules/(cell min) x 1440; injury influx 140 macrophages/(mL min) for 4 days from one "
    "re-implementation, not checked against the paper. NK terms: assumptions (no per-NK kill "
    "rate on stellate cells is published): k_NK 1e-7 mL/(cell day) so that 1e6 NK/mL, the order "
    "of liver-resident NK density, removes 0.1/day; d_N 0.1/day";

class Adler2020 final : public OdeModel {
 public:
  std::string_view name() const override { return "adler2020"; }
  std::string_view citation() const override {
    return "Adler M, Mayo A, Zhou X, Franklin RA, Meizlish ML, Medzhitov R, Kallenberger SM, "
           "Alon U (2020). Principles of cell circuits for tissue repair and fibrosis. iScience "
           "23:100841. NK removal of myofibroblasts: nksim's extension after Krizhanovsky 2008 "
           "(Cell 134:657) and Radaeva 2006 (Gastroenterology 130:435).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The "tumour" of the engine is the fibrotic cell mass: elimination = resolution.
  std::size_t tumour_state() const override { return F; }

  std::vector<double> default_initial(std::span<const double> p) const override {
    return {1, 0, 0, 0, p[d_N] > 0 ? p[s_N] / p[d_N] : 0.0, p[T_inj] > 0 ? 1.0 : 0.0};
  }
  std::string_view default_initial_note() const override {
    return "one myofibroblast per mL, no macrophages, no growth factors, NK at their steady "
           "state s_N/d_N, injury on if T_inj > 0 (the 4-day injury then ends in hot fibrosis)";
  }

  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override {
    if (!(p[T_inj] > 0)) return {};
    return {{Inj, p[T_inj], -1.0}};
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const double hp = y[Pdgf] / (x[k1] + y[Pdgf]);
    const double hc = y[C] / (x[k2] + y[C]);
    const double nk = x[k_NK] * y[N] / (1 + x[s_T] * y[F]);
    dy[F] = y[F] * (x[lambda1] * hp * (1 - y[F] / x[K]) - x[mu1] - x[delta0] - nk);
    dy[M] = y[M] * (x[lambda2] * hc - x[mu2]) + x[u_inj] * std::max(y[Inj], 0.0);
    dy[C] = x[beta1] * y[F] - x[alpha1] * y[M] * hc - x[gamma] * y[C];
    dy[Pdgf] = x[beta2] * y[M] + x[beta3] * y[F] - x[alpha2] * y[F] * hp - x[gamma] * y[Pdgf];
    dy[N] = x[s_N] - x[d_N] * y[N];
    dy[Inj] = 0;
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr hp = Expr::named("hP", y(Pdgf) / (x(k1) + y(Pdgf)));
    const Expr hc = Expr::named("hC", y(C) / (x(k2) + y(C)));
    const Expr nk = Expr::named("delta_NK", x(k_NK) * y(N) / (1.0 + x(s_T) * y(F)));
    return {
        y(F) * (x(lambda1) * hp * (1.0 - y(F) / x(K)) - x(mu1) - x(delta0) - nk),
        y(M) * (x(lambda2) * hc - x(mu2)) + x(u_inj) * Expr::make(ExprOp::kMax, {y(Inj), 0.0}),
        x(beta1) * y(F) - x(alpha1) * y(M) * hc - x(gamma) * y(C),
        x(beta2) * y(M) + x(beta3) * y(F) - x(alpha2) * y(F) * hp - x(gamma) * y(Pdgf),
        x(s_N) - x(d_N) * y(N),
        Expr(0.0),
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    constexpr int kN = 6;
    const double hp = y[Pdgf] / (x[k1] + y[Pdgf]);
    const double hc = y[C] / (x[k2] + y[C]);
    const double dhp = x[k1] / ((x[k1] + y[Pdgf]) * (x[k1] + y[Pdgf]));
    const double dhc = x[k2] / ((x[k2] + y[C]) * (x[k2] + y[C]));
    const double damp = 1 + x[s_T] * y[F];
    const double nk = x[k_NK] * y[N] / damp;
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    at(F, F) = x[lambda1] * hp * (1 - y[F] / x[K]) - x[mu1] - x[delta0] - nk +
               y[F] * (-x[lambda1] * hp / x[K] + x[k_NK] * y[N] * x[s_T] / (damp * damp));
    at(F, Pdgf) = y[F] * x[lambda1] * (1 - y[F] / x[K]) * dhp;
    at(F, N) = -y[F] * x[k_NK] / damp;
    at(M, M) = x[lambda2] * hc - x[mu2];
    at(M, C) = y[M] * x[lambda2] * dhc;
    at(M, Inj) = y[Inj] > 0 ? x[u_inj] : 0.0;
    at(C, F) = x[beta1];
    at(C, M) = -x[alpha1] * hc;
    at(C, C) = -x[alpha1] * y[M] * dhc - x[gamma];
    at(Pdgf, F) = x[beta3] - x[alpha2] * hp;
    at(Pdgf, M) = x[beta2];
    at(Pdgf, Pdgf) = -x[alpha2] * y[F] * dhp - x[gamma];
    at(N, N) = -x[d_N];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"adler2020", "Adler's circuit without NK cells (N = 0 unless dosed)", kAdlerSource,
       values(0, 0)},
      {"liver_nk", "resident liver NK cells removing myofibroblasts at 0.1/day (N = 1e6/mL)",
       "as adler2020; s_N = 1e5 cells/(mL day) is an assumption giving N = s_N/d_N = 1e6 "
       "NK/mL (order of magnitude: about 1e10 lymphocytes in a human liver, a third to a half "
       "of them NK, recalled from reviews, not re-read)",
       values(1e5, 0)},
      {"liver_nk_tgfb",
       "as liver_nk, with TGF-beta (taken proportional to F) suppressing NK removal",
       "as liver_nk; s_T = 5e-6 mL/cell is an assumption (NK removal halved at F = 2e5/mL) "
       "standing for the suppression of the NK/IFN-gamma axis in advanced fibrosis "
       "(Jeong 2011, Hepatology 53:1342; TGF-beta lowers NK killing of stellate cells)",
       values(1e5, 5e-6)},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& adler2020() {
  static const Adler2020 model;
  return model;
}

}  // namespace nksim::models
