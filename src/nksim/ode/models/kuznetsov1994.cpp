// Kuznetsov, Makalkin, Taylor & Perelson 1994, Bull Math Biol 56:295-321.
// Two-equation quasi-steady-state reduction of the effector-tumour conjugate model:
//     dE/dt = s + p E T/(g + T) - m E T - d E
//     dT/dt = a T (1 - b T) - n E T
#include "nksim/ode/models/builtin.h"
#include "nksim/ode/models/dose_ranges.h"

namespace nksim::models {
namespace {

enum P { s, p, g, m, d, a, b, n };
enum S { E, T };

constexpr StateInfo kStates[] = {
    {"E", "cells", "effector cells (cytotoxic lymphocytes, NK and CD8 together)"},
    {"T", "cells", "tumour cells (BCL1 lymphoma in mouse spleen)"},
};

constexpr ParameterInfo kParameters[] = {
    {"s", "cells/day", "normal (tumour-independent) influx of effector cells"},
    {"p", "1/day", "maximal tumour-stimulated effector accumulation"},
    {"g", "cells", "tumour size giving half-maximal effector accumulation"},
    {"m", "1/(cell day)", "effector inactivation per tumour contact"},
    {"d", "1/day", "effector death rate"},
    {"a", "1/day", "tumour growth rate"},
    {"b", "1/cell", "1/b is the tumour carrying capacity"},
    {"n", "1/(cell day)", "tumour kill per effector"},
};

class Kuznetsov1994 final : public OdeModel {
 public:
  std::string_view name() const override { return "kuznetsov1994"; }
  std::string_view citation() const override {
    return "Kuznetsov VA, Makalkin IA, Taylor MA, Perelson AS (1994). Nonlinear dynamics of "
           "immunogenic tumors: parameter estimation and global bifurcation analysis. "
           "Bull Math Biol 56:295-321.";
  }
  std::span<const StateInfo> states() const override { return kStates; }
  std::span<const ParameterInfo> parameters() const override { return kParameters; }
  std::span<const ParameterSet> parameter_sets() const override { return sets_; }
  std::size_t tumour_state() const override { return T; }
  std::optional<PlausibleDose> plausible_dose(std::size_t state) const override {
    if (state == E) return dose_ranges::kMouseNkCells;
    return std::nullopt;
  }

  std::vector<double> default_initial(std::span<const double>) const override {
    return {3.2e5, 5e6};
  }
  std::string_view default_initial_note() const override {
    return "E0 = 3.2e5, T0 = 5e6: the BioModels BIOMD0000000762 simulation labelled Figure 1b";
  }

  void rhs(double, const double* y, const double* k, double* f) const override {
    const double e = y[E], t = y[T];
    f[E] = k[s] + k[p] * e * t / (k[g] + t) - k[m] * e * t - k[d] * e;
    f[T] = k[a] * t * (1 - k[b] * t) - k[n] * e * t;
  }

  std::vector<Expr> equations() const override {
    const auto y = [](S i) { return Expr::state(i); };
    const auto k = [](P i) { return Expr::parameter(i); };
    return {
        k(s) + k(p) * y(E) * y(T) / (k(g) + y(T)) - k(m) * y(E) * y(T) - k(d) * y(E),
        k(a) * y(T) * (1.0 - k(b) * y(T)) - k(n) * y(E) * y(T),
    };
  }

  bool has_jacobian() const override { return true; }
  void jacobian(double, const double* y, const double* k, double* jac) const override {
    const double e = y[E], t = y[T];
    const double sat = t / (k[g] + t);
    const double dsat = k[g] / ((k[g] + t) * (k[g] + t));
    jac[0] = k[p] * sat - k[m] * t - k[d];       // dfE/dE
    jac[1] = k[p] * e * dsat - k[m] * e;          // dfE/dT
    jac[2] = -k[n] * t;                           // dfT/dE
    jac[3] = k[a] * (1 - 2 * k[b] * t) - k[n] * e;  // dfT/dT
  }

 private:
  std::vector<ParameterSet> sets_ = {
      {"bcl1",
       "BCL1 lymphoma in chimeric mice, the paper's fitted dimensional values (Table 1)",
       "Kuznetsov 1994 Table 1; identical in BioModels BIOMD0000000762 and independent codes",
       {1.3e4, 0.1245, 2.019e7, 3.422e-10, 0.0412, 0.18, 2.0e-9, 1.101e-7}},
  };
};

}  // namespace

const OdeModel& kuznetsov1994() {
  static const Kuznetsov1994 model;
  return model;
}

}  // namespace nksim::models
