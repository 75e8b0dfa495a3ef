// Where infused NK cells go: the four-compartment trafficking of BIOLOGY_DISEASES section 6.3,
// shared by nk_biodistribution and nk_metastasis (the same equations, written once).
//     dNb/dt = -(k_bl + k_bo + k_bt) Nb + k_lb Nl + k_ob No + k_tb Nt - d_b Nb     blood
//     dNl/dt =  k_bl Nb - k_lb Nl - d_l Nl                                         lung
//     dNo/dt =  k_bo Nb - k_ob No - d_o No                         liver, spleen, marrow
//     dNt/dt =  k_bt Nb - k_tb Nt - d_t Nt                                         tumour
// Time in days: the section's rates are per hour, so each is 24 times its hourly value here.
// A model may scale every death rate by one factor (nk_biodistribution's cytokine support);
// the factor is a multiplier of the d_i, evaluated by the model.
//
// The trafficking parameters come first in both models' parameter lists, in the order of
// TraffickingParameter, and the four cell states are consecutive, starting at `first`.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "nksim/ode/ode_model.h"

namespace nksim::models::nk_trafficking {

enum TraffickingParameter {
  k_bl, k_lb, k_bo, k_ob, k_bt, k_tb, d_b, d_l, d_o, d_t, kNumTraffickingParameters
};
// Offsets of the four compartments from the first cell state.
enum Compartment { kBlood, kLung, kOrgans, kTumour, kNumCompartments };

inline constexpr ParameterInfo kParameters[] = {
    {"k_bl", "1/day", "blood -> lung transfer (first-pass trapping); 12/h in section 6.3"},
    {"k_lb", "1/day", "lung -> blood release; 0.12/h in section 6.3"},
    {"k_bo", "1/day", "blood -> liver, spleen and marrow; 3/h in section 6.3"},
    {"k_ob", "1/day", "liver, spleen and marrow -> blood; 0.002/h in section 6.3"},
    {"k_bt", "1/day", "blood -> tumour; 0.02/h in section 6.3"},
    {"k_tb", "1/day", "tumour -> blood; 0.01/h in section 6.3"},
    {"d_b", "1/day", "death of infused NK cells in blood"},
    {"d_l", "1/day", "death of infused NK cells in lung"},
    {"d_o", "1/day", "death of infused NK cells in liver, spleen and marrow"},
    {"d_t", "1/day", "death of infused NK cells in the tumour"},
};

// Section 6.3's hand-chosen hourly rates in 1/day (x 24: 12, 0.12, 3, 0.002, 0.02, 0.01 per
// hour), written as decimal literals so that a set survives an SBML round trip exactly, then
// the four death rates.
inline std::vector<double> section_6_3_rates(double death_per_day) {
  return {288, 2.88, 72, 0.048, 0.48, 0.24, death_per_day, death_per_day, death_per_day,
          death_per_day};
}

// A model's parameter list: the trafficking parameters followed by the model's own.
template <std::size_t N>
constexpr std::array<ParameterInfo, kNumTraffickingParameters + N> with_trafficking(
    const ParameterInfo (&own)[N]) {
  std::array<ParameterInfo, kNumTraffickingParameters + N> all{};
  for (std::size_t i = 0; i < kNumTraffickingParameters; ++i) all[i] = kParameters[i];
  for (std::size_t i = 0; i < N; ++i) all[kNumTraffickingParameters + i] = own[i];
  return all;
}

// d(cells)/dt of the four compartments y[first..first+3] into f[first..], every death rate
// multiplied by `death_factor`.
inline void rhs(const double* y, const double* x, double death_factor, std::size_t first,
                double* f) {
  const double* n = y + first;
  double* dn = f + first;
  dn[kBlood] = -(x[k_bl] + x[k_bo] + x[k_bt]) * n[kBlood] + x[k_lb] * n[kLung] +
               x[k_ob] * n[kOrgans] + x[k_tb] * n[kTumour] - death_factor * x[d_b] * n[kBlood];
  dn[kLung] = x[k_bl] * n[kBlood] - x[k_lb] * n[kLung] - death_factor * x[d_l] * n[kLung];
  dn[kOrgans] = x[k_bo] * n[kBlood] - x[k_ob] * n[kOrgans] - death_factor * x[d_o] * n[kOrgans];
  dn[kTumour] = x[k_bt] * n[kBlood] - x[k_tb] * n[kTumour] - death_factor * x[d_t] * n[kTumour];
}

// Cells dying per day over the four compartments (before the death factor).
inline double deaths(const double* y, const double* x, std::size_t first) {
  const double* n = y + first;
  return x[d_b] * n[kBlood] + x[d_l] * n[kLung] + x[d_o] * n[kOrgans] + x[d_t] * n[kTumour];
}

// The 4x4 block d f_i / d y_j of a row-major n-by-n Jacobian (the death factor held fixed).
inline void jacobian(const double* x, double death_factor, std::size_t first, std::size_t n,
                     double* jac) {
  auto at = [&](std::size_t row, std::size_t col) -> double& {
    return jac[(first + row) * n + first + col];
  };
  at(kBlood, kBlood) = -(x[k_bl] + x[k_bo] + x[k_bt]) - death_factor * x[d_b];
  at(kBlood, kLung) = x[k_lb];
  at(kBlood, kOrgans) = x[k_ob];
  at(kBlood, kTumour) = x[k_tb];
  at(kLung, kBlood) = x[k_bl];
  at(kLung, kLung) = -x[k_lb] - death_factor * x[d_l];
  at(kOrgans, kBlood) = x[k_bo];
  at(kOrgans, kOrgans) = -x[k_ob] - death_factor * x[d_o];
  at(kTumour, kBlood) = x[k_bt];
  at(kTumour, kTumour) = -x[k_tb] - death_factor * x[d_t];
}

// The same four equations as expressions; `death_factor` multiplies every death rate, or is
// absent (nullptr).
inline std::array<Expr, kNumCompartments> equations(const Expr* death_factor, std::size_t first) {
  const auto n = [first](Compartment c) { return Expr::state(first + c); };
  const auto x = [](TraffickingParameter p) { return Expr::parameter(p); };
  const auto death = [&](TraffickingParameter p) {
    return death_factor != nullptr ? *death_factor * x(p) : x(p);
  };
  return {
      -(x(k_bl) + x(k_bo) + x(k_bt)) * n(kBlood) + x(k_lb) * n(kLung) + x(k_ob) * n(kOrgans) +
          x(k_tb) * n(kTumour) - death(d_b) * n(kBlood),
      x(k_bl) * n(kBlood) - x(k_lb) * n(kLung) - death(d_l) * n(kLung),
      x(k_bo) * n(kBlood) - x(k_ob) * n(kOrgans) - death(d_o) * n(kOrgans),
      x(k_bt) * n(kBlood) - x(k_tb) * n(kTumour) - death(d_t) * n(kTumour),
  };
}

inline Expr deaths_expression(std::size_t first) {
  const auto n = [first](Compartment c) { return Expr::state(first + c); };
  const auto x = [](TraffickingParameter p) { return Expr::parameter(p); };
  return x(d_b) * n(kBlood) + x(d_l) * n(kLung) + x(d_o) * n(kOrgans) + x(d_t) * n(kTumour);
}

}  // namespace nksim::models::nk_trafficking
