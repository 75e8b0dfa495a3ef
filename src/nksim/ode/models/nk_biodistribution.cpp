// Where infused NK cells go: blood, lung (first pass), liver/spleen/marrow and tumour
// (BIOLOGY_DISEASES section 6.3, nk_trafficking.h), with death in every compartment that
// IL-2 can slow, and a count of the cells that died so that the share of the dose in each
// compartment (%ID) is a read-out.
//     dN_i/dt  = trafficking (nk_trafficking.h), every death rate times f
//     f        = 1 - s h,  h = IL2/(K2 + IL2)    (cytokine-supported survival, 0 <= s <= 1)
//     dIL2/dt  = -k2 IL2                         (IL-2 doses are boluses into IL2)
//     dDead/dt = f (d_b N_b + d_l N_l + d_o N_o + d_t N_t)
// Time in days: section 6.3 gives its rates per hour; each is 24 times that here.
// Doses of cells go into N_b. Nothing is created, so N_b + N_l + N_o + N_t + Dead is every cell
// infused so far, and with all d_i = 0 the four compartments hold the dose exactly. The
// cytokine acts on survival, not on division, in every compartment: systemic IL-2 reaches them
// all, and a drive confined to blood, which holds < 1 % of the cells, could not change the pool.
#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"
#include "nksim/ode/models/nk_trafficking.h"

namespace nksim::models {
namespace {

namespace traffic = nk_trafficking;

enum P { s = traffic::kNumTraffickingParameters, K2, k2, V_blood, kNumParameters };
enum S { N_b, N_l, N_o, N_t, IL2, Dead };
constexpr int kN = 6;

constexpr StateInfo kStates[] = {
    {"N_b", "cells", "infused NK cells in blood (a cell dose is a bolus into N_b)"},
    {"N_l", "cells", "infused NK cells in the lung (first-pass trapping)"},
    {"N_o", "cells", "infused NK cells in liver, spleen and bone marrow"},
    {"N_t", "cells", "infused NK cells in the tumour"},
    {"IL2", "pg/mL", "serum interleukin-2 (a dose is a bolus into IL2)"},
    {"Dead", "cells", "infused NK cells that have died, cumulative"},
};

constexpr ParameterInfo kOwnParameters[] = {
    {"s", "-", "largest share of the death rates that IL-2 prevents (0: no support)"},
    {"K2", "pg/mL", "IL-2 giving half the largest support"},
    {"k2", "1/day", "IL-2 clearance (with consumption by regulatory T cells)"},
    {"V_blood", "uL", "blood volume, for the read-out in cells/uL"},
};
constexpr auto kParameters = traffic::with_trafficking(kOwnParameters);

// Section 6.3's rates, a death rate shared by the four compartments, then s, K2, k2, V_blood.
// IL-2: nk_kinetics' s.c. IL-2 values (K2 = 1000 pg/mL; k2 = 3.3/day clearance plus 3.3/day
// consumption by 58 Tregs/uL). Blood volume 5 L (about 70 mL/kg in a 70 kg adult).
std::vector<double> values(double death_per_day, double support) {
  std::vector<double> v = traffic::section_6_3_rates(death_per_day);
  v.insert(v.end(), {support, 1000, 6.6, 5e6});
  return v;
}

class NkBiodistribution final : public OdeModel {
 public:
  std::string_view name() const override { return "nk_biodistribution"; }
  std::string_view citation() const override {
    return "Compartments and calibration targets: BIOLOGY_DISEASES section 6.3 (rates chosen by "
           "hand to meet the imaging data). Data: Meller B et al. (2004) Eur J Nucl Med Mol "
           "Imaging 31, DOI 10.1007/s00259-003-1398-4 (111In-labelled NK cells in renal-cell "
           "carcinoma); PMID 15186726 (2004; donor NK in blood up to 3 days, not after 7); Khot A "
           "et al. (2019) J Pharmacol Exp Ther 368:503-513 (tumour < 1 %ID/g).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The blood is the target state: `elimination_below` reads as "the infused cells are no longer
  // detectable in blood".
  std::size_t tumour_state() const override { return N_b; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    if (state == N_b) return dose_ranges::kHumanNkCells;
    return std::nullopt;
  }

  std::vector<double> default_initial(std::span<const double>) const override {
    return std::vector<double>(kN, 0.0);
  }
  std::string_view default_initial_note() const override {
    return "no cells and no IL-2: the infusion is a dose into N_b, IL-2 doses go into IL2";
  }

  // f = 1 - s h: the factor on every death rate.
  static double death_factor(const double* y, const double* x) {
    return 1 - x[s] * y[IL2] / (x[K2] + y[IL2]);
  }

  void rhs(double, const double* y, const double* x, double* f) const override {
    const double factor = death_factor(y, x);
    traffic::rhs(y, x, factor, N_b, f);
    f[IL2] = -x[k2] * y[IL2];
    f[Dead] = factor * traffic::deaths(y, x, N_b);
  }

  std::vector<Expr> equations() const override {
    const Expr il2 = Expr::state(IL2);
    const Expr factor =
        Expr::named("f", 1.0 - Expr::parameter(s) * il2 / (Expr::parameter(K2) + il2));
    const auto cells = traffic::equations(&factor, N_b);
    return {cells[0], cells[1], cells[2], cells[3],
            -Expr::parameter(k2) * Expr::state(IL2),
            factor * traffic::deaths_expression(N_b)};
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const Expr all = y(N_b) + y(N_l) + y(N_o) + y(N_t) + y(Dead);
    const auto percent = [&](const Expr& part) {
      return piecewise({{100.0 * part / all, gt(all, 0.0)}}, 0.0);
    };
    const char* of_dose =
        " (% of every cell infused so far, living or dead: %ID; 0 before the first dose)";
    return {
        {"blood_per_uL", "cells/uL", "infused NK cells per uL of blood: N_b/V_blood",
         y(N_b) / Expr::parameter(V_blood)},
        {"pct_blood", "%", std::string("share in blood") + of_dose, percent(y(N_b))},
        {"pct_lung", "%", std::string("share in the lung") + of_dose, percent(y(N_l))},
        {"pct_organs", "%", std::string("share in liver, spleen and marrow") + of_dose,
         percent(y(N_o))},
        {"pct_tumour", "%", std::string("share in the tumour") + of_dose, percent(y(N_t))},
        {"pct_alive", "%", std::string("share still alive") + of_dose,
         percent(y(N_b) + y(N_l) + y(N_o) + y(N_t))},
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    const double factor = death_factor(y, x);
    traffic::jacobian(x, factor, N_b, kN, jac);
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    // d f / d IL2 = -s K2/(K2 + IL2)^2
    const double dfactor = -x[s] * x[K2] / ((x[K2] + y[IL2]) * (x[K2] + y[IL2]));
    const double death_rate[] = {x[traffic::d_b], x[traffic::d_l], x[traffic::d_o],
                                 x[traffic::d_t]};
    for (int i = 0; i < 4; ++i) {
      at(N_b + i, IL2) = -dfactor * death_rate[i] * y[N_b + i];
      at(Dead, N_b + i) = factor * death_rate[i];
    }
    at(IL2, IL2) = -x[k2];
    at(Dead, IL2) = dfactor * traffic::deaths(y, x, N_b);
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"haplo_nk",
       "allogeneic (haploidentical) activated NK cells given i.v.; IL-2 support if IL-2 is dosed",
       "trafficking rates: BIOLOGY_DISEASES section 6.3 (per hour x 24; chosen by hand to meet "
       "Meller 2004: > 50 % in lung first, then liver, spleen and marrow, little in blood); "
       "death 0.25/day in every compartment: assumption (nk_kinetics' contraction rate of "
       "haploidentical NK, Rubnitz 2010), which puts the loss of a 1e9-cell dose from blood "
       "between day 3 and 7 as in PMID 15186726; s = 1 (IL-2 at saturation stops "
       "the death of activated NK cells): assumption; K2, k2: nk_kinetics' IL-2 values",
       values(0.25, 1)},
      {"no_death",
       "section 6.3's illustrative calculation: the trafficking alone, no death",
       "BIOLOGY_DISEASES section 6.3 rates (per hour x 24) with every death rate 0: its table "
       "of percentages at 0.5 h, 24 h and 144 h",
       values(0, 1)},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& nk_biodistribution() {
  static const NkBiodistribution model;
  return model;
}

}  // namespace nksim::models
