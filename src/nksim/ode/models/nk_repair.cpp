// HYPOTHESIS: NK cells aiding tissue repair by secreting a pro-angiogenic growth factor
// (VEGF-like) that drives vessel regrowth (BIOLOGY_DISEASES 5). Rodent evidence only
// (Bouchentouf 2010, mouse myocardial infarction); no published quantitative model.
//     dE/dt = r_E E G/(K_G + G) (1 - E/E_max) - d_E E
//     dN/dt = s_N - d_N N
//     dG/dt = g_0 + s_G N - d_G G
// N activated NK cells in the injured tissue, G the growth factor, E vessel density relative to
// healthy tissue. With constant supply the steady state is closed-form: N* = s_N/d_N,
// G* = (g_0 + s_G N*)/d_G, E* = E_max (1 - d_E/(r_E h)) with h = G*/(K_G + G*) if r_E h > d_E,
// else 0. Every rate is an assumption.
#include "nksim/ode/models/builtin.h"

namespace nksim::models {
namespace {

enum P { s_N, d_N, g_0, s_G, d_G, r_E, K_G, E_max, d_E, kNumParameters };
enum S { E, N, G };  // the target state first (SBML import picks the first state)

constexpr StateInfo kStates[] = {
    {"E", "-", "vessel density relative to healthy tissue (1 = healthy)"},
    {"N", "cells/uL", "activated NK cells in the injured tissue (per uL of tissue)"},
    {"G", "pg/mL", "NK-secreted pro-angiogenic growth factor (VEGF-like)"},
};

constexpr ParameterInfo kParameters[] = {
    {"s_N", "cells/(uL day)", "recruitment of activated NK cells into the tissue"},
    {"d_N", "1/day", "loss of activated NK cells from the tissue"},
    {"g_0", "pg/(mL day)", "growth-factor production by other cells"},
    {"s_G", "pg uL/(mL cell day)", "growth-factor secretion per activated NK cell"},
    {"d_G", "1/day", "growth-factor clearance"},
    {"r_E", "1/day", "maximal vessel regrowth"},
    {"K_G", "pg/mL", "growth factor giving half-maximal regrowth"},
    {"E_max", "-", "vessel density of healthy tissue"},
    {"d_E", "1/day", "vessel regression"},
};

class NkRepair final : public OdeModel {
 public:
  std::string_view name() const override { return "nk_repair"; }
  std::string_view citation() const override {
    return "Hypothesis model of nksim (no published quantitative model). Motivation: "
           "Bouchentouf M et al. (2010) J Immunol 185:7014 (IL-2-activated NK cells raise "
           "angiogenesis after mouse myocardial infarction); decidual NK cells and spiral-artery "
           "remodelling (physiology, not therapy).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The engine's target: vessel density (an elimination endpoint reads as vessels lost).
  std::size_t tumour_state() const override { return E; }

  std::vector<double> default_initial(std::span<const double> p) const override {
    const double n = p[d_N] > 0 ? p[s_N] / p[d_N] : 0.0;
    const double g = (p[g_0] + p[s_G] * n) / p[d_G];
    return {0.3, n, g};
  }
  std::string_view default_initial_note() const override {
    return "an injured tissue with 30 % of its vessels (E = 0.3), N at s_N/d_N and G at its "
           "steady state for that N";
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const double h = y[G] / (x[K_G] + y[G]);
    dy[N] = x[s_N] - x[d_N] * y[N];
    dy[G] = x[g_0] + x[s_G] * y[N] - x[d_G] * y[G];
    dy[E] = x[r_E] * y[E] * h * (1 - y[E] / x[E_max]) - x[d_E] * y[E];
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr h = Expr::named("hG", y(G) / (x(K_G) + y(G)));
    return {
        x(r_E) * y(E) * h * (1.0 - y(E) / x(E_max)) - x(d_E) * y(E),
        x(s_N) - x(d_N) * y(N),
        x(g_0) + x(s_G) * y(N) - x(d_G) * y(G),
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    const double h = y[G] / (x[K_G] + y[G]);
    const double dh = x[K_G] / ((x[K_G] + y[G]) * (x[K_G] + y[G]));
    for (int i = 0; i < 9; ++i) jac[i] = 0;
    jac[N * 3 + N] = -x[d_N];
    jac[G * 3 + N] = x[s_G];
    jac[G * 3 + G] = -x[d_G];
    jac[E * 3 + G] = x[r_E] * y[E] * dh * (1 - y[E] / x[E_max]);
    jac[E * 3 + E] = x[r_E] * h * (1 - 2 * y[E] / x[E_max]) - x[d_E];
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"hypothesis",
       "HYPOTHESIS: NK-secreted growth factor driving vessel regrowth after an injury; no NK "
       "supply unless given (s_N = 0), so N comes only from doses",
       "every value is an assumption (no effect size is published; BIOLOGY_DISEASES 5): NK "
       "cells stay about 5 days (d_N 0.2/day; the mouse infiltrate appears by day 6, "
       "Bouchentouf 2010); growth factor t1/2 about 1 h (d_G 16.6/day) with a background of "
       "10 pg/mL (g_0 166); s_G 83 gives +5 pg/mL per NK/uL; K_G 50 pg/mL; vessels regrow "
       "over weeks (r_E 0.2/day) and regress without support (d_E 0.02/day)",
       {0, 0.2, 166, 83, 16.6, 0.2, 50, 1, 0.02}},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& nk_repair() {
  static const NkRepair model;
  return model;
}

}  // namespace nksim::models
