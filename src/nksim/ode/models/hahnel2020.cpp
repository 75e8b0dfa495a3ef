// Chronic myeloid leukaemia (CML) under tyrosine-kinase inhibitor (TKI) therapy with an
// anti-leukaemic immune effector: Haehnel et al. 2020 (Cancer Res 80:2394). Quiescent leukaemic
// stem cells X, proliferating leukaemic cells Y and immune effectors Z (NK cells are their
// measured correlate: Rea 2017, Ilander 2017). The paper's time is in months:
//     dX/dt = -p_XY X + p_YX Y
//     dY/dt =  p_XY X - p_YX Y + p_Y Y (1 - Y/K_Y) - m Y Z - e_TKI TKI Y
//     dZ/dt =  r_Z - a Z + p_Z Y Z / (K_Z^2 + Y^2)
//     dTKI/dt = 0   (TKI = 1 until t_stop, then 0: the model's own event adds -1 at t_stop)
// nksim's clock is in days: the rates keep the paper's per-month values and units, and every
// right-hand side is divided by the days in a month, 365.25/12 = 30.4375 (t_stop, in months,
// becomes the event time t_stop x 30.4375 days).
//
// Read-out: the BCR-ABL1/ABL1 ratio in log10 %, 2 + log10(Y/K_Y). Without leukaemia the effector
// level is Z* = r_Z/a. The immune response Z can outgrow its decay a only while
// p_Z Y/(K_Z^2 + Y^2) > a; its maximum over Y is p_Z/(2 K_Z) (at Y = K_Z), so a patient with
// p_Z/(2 K_Z) <= a has no window of immune control.
#include <cmath>

#include "nksim/ode/models/builtin.h"

namespace nksim::models {
namespace {

enum P { p_YX, p_XY, e_TKI, p_Z, K_Z, t_stop, Y0, p_Y, K_Y, a, r_Z, m, kNumParameters };
enum S { X, Y, Z, TKI };
constexpr int kN = 4;

// Days per month: the paper's time unit in nksim's.
constexpr double kDaysPerMonth = 365.25 / 12;

constexpr StateInfo kStates[] = {
    {"X", "cells", "quiescent leukaemic stem cells (not hit by the TKI)"},
    {"Y", "cells", "proliferating leukaemic cells (BCR-ABL1 read-out: 2 + log10(Y/K_Y))"},
    {"Z", "cells", "anti-leukaemic immune effectors (NK cells are the measured correlate)"},
    {"TKI", "-", "TKI therapy: 1 until t_stop, then 0 (the model's own event)"},
};

constexpr ParameterInfo kParameters[] = {
    {"p_YX", "1/month", "proliferating cells becoming quiescent"},
    {"p_XY", "1/month", "quiescent cells becoming proliferating"},
    {"e_TKI", "1/month", "killing of proliferating cells by the TKI"},
    {"p_Z", "cells/month", "maximal leukaemia-driven effector recruitment"},
    {"K_Z", "cells", "leukaemic load Y of the strongest immune recruitment"},
    {"t_stop", "month", "TKI cessation time after the start of therapy (0: no TKI)"},
    {"Y0", "cells", "proliferating leukaemic cells at the start of therapy (initial state)"},
    {"p_Y", "1/month", "net proliferation of leukaemic cells"},
    {"K_Y", "cells", "capacity of proliferating leukaemic cells (BCR-ABL1 of 100 %)"},
    {"a", "1/month", "death of immune effectors"},
    {"r_Z", "cells/month", "production of immune effectors"},
    {"m", "1/(cell month)", "killing of proliferating leukaemic cells per effector"},
};

constexpr std::string_view kSource =
    "Haehnel et al. 2020, Table S1: per patient p_YX, p_XY, e_TKI, p_Z, K_Z and the cessation "
    "time t_stop; the load Y0 at the start of therapy as listed with the table in the myelo R "
    "package (not checked against the paper); shared p_Y = 1.658/month, K_Y = 1e6 cells, "
    "a = 2/month, r_Z = 200 cells/month, m = 1e-4/(cell month). p_YX, p_XY and p_Z carry the "
    "authors' unrounded estimates (3 significant digits), which round to the table's values; the "
    "relapse after stopping is the patient's observed outcome";

std::vector<double> values(double p_yx, double p_xy, double e_tki, double p_z, double k_z,
                           double t_stop_v, double y0) {
  return {p_yx, p_xy, e_tki, p_z, k_z, t_stop_v, y0, 1.658, 1e6, 2, 200, 1e-4};
}

class Hahnel2020 final : public OdeModel {
 public:
  std::string_view name() const override { return "hahnel2020"; }
  std::string_view citation() const override {
    return "Haehnel T, Baldow C, Fassoni AC, Guilhot J, Guilhot F, Saussele S, Mustjoki S, "
           "Jilg S, Jost PJ, Dulucq S, Mahon F-X, Roeder I, Glauche I (2020). Model-based "
           "inference and classification of immunologic control mechanisms from TKI cessation "
           "and dose reduction in patients with CML. Cancer Res 80:2394-2406 (bioRxiv "
           "10.1101/722546). NK cells as the effector's correlate: Rea 2017 (Haematologica "
           "102:1368), Ilander 2017 (Leukemia 31:1108).";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  // The leukaemic load read out as BCR-ABL1: relapse is Y rising above 0.1 % of K_Y.
  std::size_t tumour_state() const override { return Y; }

  // At the start of therapy: Y = Y0, X in balance with it (p_XY X = p_YX Y), Z in
  // quasi-equilibrium with Y0 (dZ/dt = 0) where that exists, else at its leukaemia-free level.
  std::vector<double> default_initial(std::span<const double> p) const override {
    const double x0 = p[p_XY] > 0 ? p[p_YX] / p[p_XY] * p[Y0] : 0.0;
    const double drive = p[p_Z] * p[Y0] / (p[K_Z] * p[K_Z] + p[Y0] * p[Y0]);
    const double z0 = p[a] > drive ? p[r_Z] / (p[a] - drive) : p[r_Z] / p[a];
    return {x0, p[Y0], z0, p[t_stop] > 0 ? 1.0 : 0.0};
  }
  std::string_view default_initial_note() const override {
    return "start of TKI therapy: Y = Y0, X = (p_YX/p_XY) Y0 (exchange in balance), "
           "Z = r_Z/(a - p_Z Y0/(K_Z^2 + Y0^2)) (effectors in quasi-equilibrium with Y0; r_Z/a "
           "where no such equilibrium exists), TKI = 1 if t_stop > 0 else 0";
  }

  std::vector<ModelBolus> model_boluses(std::span<const double> p) const override {
    if (!(p[t_stop] > 0)) return {};
    return {{TKI, p[t_stop] * kDaysPerMonth, -1.0}};
  }

  std::vector<DerivedOutput> derived_outputs() const override {
    return {{"BCR_ABL1", "log10 %",
             "BCR-ABL1/ABL1 ratio on the log10 % scale, 2 + log10(Y/K_Y) (the paper's read-out; "
             "-1 is 0.1 %, the loss of major molecular response)",
             2.0 + log(Expr::state(Y) / Expr::parameter(K_Y)) / std::log(10.0)}};
  }

  void rhs(double, const double* y, const double* x, double* dy) const override {
    const double recruit = x[p_Z] * y[Y] / (x[K_Z] * x[K_Z] + y[Y] * y[Y]);
    const double exchange = x[p_XY] * y[X] - x[p_YX] * y[Y];
    dy[X] = -exchange / kDaysPerMonth;
    dy[Y] = (exchange + x[p_Y] * y[Y] * (1 - y[Y] / x[K_Y]) - x[m] * y[Y] * y[Z] -
             x[e_TKI] * y[TKI] * y[Y]) /
            kDaysPerMonth;
    dy[Z] = (x[r_Z] - x[a] * y[Z] + recruit * y[Z]) / kDaysPerMonth;
    dy[TKI] = 0;
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto x = [](P i) { return Expr::parameter(i); };
    const Expr month = Expr::named("days_per_month", Expr(kDaysPerMonth));
    const Expr exchange = Expr::named("exchange", x(p_XY) * y(X) - x(p_YX) * y(Y));
    const Expr recruit = Expr::named("recruit", x(p_Z) * y(Y) / (x(K_Z) * x(K_Z) + y(Y) * y(Y)));
    return {
        -exchange / month,
        (exchange + x(p_Y) * y(Y) * (1.0 - y(Y) / x(K_Y)) - x(m) * y(Y) * y(Z) -
         x(e_TKI) * y(TKI) * y(Y)) /
            month,
        (x(r_Z) - x(a) * y(Z) + recruit * y(Z)) / month,
        Expr(0.0),
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* x, double* jac) const override {
    const double k2 = x[K_Z] * x[K_Z];
    const double y2 = y[Y] * y[Y];
    const double recruit = x[p_Z] * y[Y] / (k2 + y2);
    const double drecruit = x[p_Z] * (k2 - y2) / ((k2 + y2) * (k2 + y2));
    for (int i = 0; i < kN * kN; ++i) jac[i] = 0;
    auto at = [jac](int row, int col) -> double& { return jac[row * kN + col]; };
    constexpr double inv = 1 / kDaysPerMonth;
    at(X, X) = -x[p_XY] * inv;
    at(X, Y) = x[p_YX] * inv;
    at(Y, X) = x[p_XY] * inv;
    at(Y, Y) =
        (-x[p_YX] + x[p_Y] * (1 - 2 * y[Y] / x[K_Y]) - x[m] * y[Z] - x[e_TKI] * y[TKI]) * inv;
    at(Y, Z) = -x[m] * y[Y] * inv;
    at(Y, TKI) = -x[e_TKI] * y[Y] * inv;
    at(Z, Y) = drecruit * y[Z] * inv;
    at(Z, Z) = (-x[a] + recruit) * inv;
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"patient1",
       "Haehnel 2020 patient 1 (class C); TKI stopped at 85.9 months, relapsed after the stop",
       kSource, values(0.0126, 0.0483, 13.9, 2210, 362, 85.9, 742834)},
      {"patient2",
       "Haehnel 2020 patient 2 (class A); TKI stopped at 85.7 months, relapsed after the stop",
       kSource, values(0.00033, 0.0452, 1.95, 1940, 508, 85.7, 109001)},
      {"patient3",
       "Haehnel 2020 patient 3 (class A); TKI stopped at 72.9 months, relapsed after the stop",
       kSource, values(0.878, 0.184, 6.48, 1.5e-07, 4.29, 72.9, 33678)},
      {"patient4",
       "Haehnel 2020 patient 4 (class C); TKI stopped at 95.2 months, relapsed after the stop",
       kSource, values(0.000271, 1.68e-06, 2.31, 53800, 9570, 95.2, 217698)},
      {"patient5",
       "Haehnel 2020 patient 5 (class C); TKI stopped at 60.3 months, stayed in remission after "
       "the stop",
       kSource, values(0.000181, 0.00615, 2.38, 176, 28.7, 60.3, 312895)},
      {"patient6",
       "Haehnel 2020 patient 6 (class B); TKI stopped at 53 months, stayed in remission after the "
       "stop",
       kSource, values(0.702, 0.205, 2.07, 311000, 6480, 53, 2740)},
      {"patient7",
       "Haehnel 2020 patient 7 (class A); TKI stopped at 108 months, relapsed after the stop",
       kSource, values(0.00106, 0.000406, 1.86, 0.00585, 26.3, 108, 11949)},
      {"patient8",
       "Haehnel 2020 patient 8 (class C); TKI stopped at 84.7 months, stayed in remission after "
       "the stop",
       kSource, values(0.000215, 4.26e-05, 1.86, 696, 74.7, 84.7, 61731)},
      {"patient9",
       "Haehnel 2020 patient 9 (class A); TKI stopped at 60.7 months, relapsed after the stop",
       kSource, values(0.000378, 0.0732, 2.56, 325, 85.7, 60.7, 739824)},
      {"patient10",
       "Haehnel 2020 patient 10 (class C); TKI stopped at 70.5 months, relapsed after the stop",
       kSource, values(0.000635, 0.0447, 2.77, 473, 115, 70.5, 559804)},
      {"patient11",
       "Haehnel 2020 patient 11 (class C); TKI stopped at 50.1 months, stayed in remission after "
       "the stop",
       kSource, values(0.000302, 0.00292, 2.57, 2820, 318, 50.1, 878259)},
      {"patient12",
       "Haehnel 2020 patient 12 (class B); TKI stopped at 141 months, stayed in remission after "
       "the stop",
       kSource, values(0.0379, 0.00276, 4.3, 19800, 462, 141, 863636)},
      {"patient13",
       "Haehnel 2020 patient 13 (class B); TKI stopped at 145 months, stayed in remission after "
       "the stop",
       kSource, values(0.107, 4.56e-05, 3.23, 132000, 2120, 145, 975440)},
      {"patient14",
       "Haehnel 2020 patient 14 (class B); TKI stopped at 165 months, stayed in remission after "
       "the stop",
       kSource, values(0.00985, 1.1e-06, 2.13, 54000, 1430, 165, 1045239)},
      {"patient15",
       "Haehnel 2020 patient 15 (class B); TKI stopped at 131 months, stayed in remission after "
       "the stop",
       kSource, values(0.585, 0.056, 3.62, 82600, 1300, 131, 599823)},
      {"patient16",
       "Haehnel 2020 patient 16 (class B); TKI stopped at 60.7 months, stayed in remission after "
       "the stop",
       kSource, values(0.586, 3.22e-05, 17.7, 57600, 1550, 60.7, 546945)},
      {"patient17",
       "Haehnel 2020 patient 17 (class C); TKI stopped at 95.6 months, relapsed after the stop",
       kSource, values(0.00122, 0.0452, 2.36, 26800, 5700, 95.6, 996734)},
      {"patient18",
       "Haehnel 2020 patient 18 (class A); TKI stopped at 81.3 months, relapsed after the stop",
       kSource, values(0.000457, 0.051, 3.32, 6.57e-07, 6.84, 81.3, 1630508)},
      {"patient19",
       "Haehnel 2020 patient 19 (class A); TKI stopped at 92.6 months, relapsed after the stop",
       kSource, values(4.54e-05, 2.86e-06, 1.86, 14.7, 1740, 92.6, 637927)},
      {"patient20",
       "Haehnel 2020 patient 20 (class B); TKI stopped at 99 months, stayed in remission after the "
       "stop",
       kSource, values(0.00895, 0.0387, 2.38, 4420, 419, 99, 628117)},
      {"patient21",
       "Haehnel 2020 patient 21 (class B); TKI stopped at 69.3 months, stayed in remission after "
       "the stop",
       kSource, values(0.0224, 0.0353, 7.01, 2530, 212, 69.3, 309978)},
  };
};

static_assert(kNumParameters == std::size(kParameters));

}  // namespace

const OdeModel& hahnel2020() {
  static const Hahnel2020 model;
  return model;
}

}  // namespace nksim::models
