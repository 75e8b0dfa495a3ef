// IFN-gamma responses (src/nksim/rules/nk_ifn_gamma.h).
//
// dM/dt = k_on I/(K + I) - k_off (M - M_0), constant I:
//   M(t) = M* + (M(0) - M*) e^{-k_off t},  M* = M_0 + (k_on/k_off) I/(K + I).
#include <cmath>

#include <gtest/gtest.h>

#include "nksim/rules/nk_ifn_gamma.h"
#include "nksim/rules/nk_recognition.h"

namespace nksim::rules::nk {
namespace {

TEST(NkIfnGamma, MhcStepIsTheAnalyticSolution) {
  const MhcResponseParams p;
  const double m0 = 0.5, ifn = 0.3;
  const double target = m0 + p.mhc_on_per_min / p.mhc_off_per_min * ifn / (0.1 + ifn);
  EXPECT_NEAR(mhc_steady_state(m0, ifn, p), target, 1e-15);
  for (double t : {1.0, 60.0, 720.0, 5000.0}) {
    EXPECT_NEAR(mhc_step(m0, m0, ifn, t, p),
                target + (m0 - target) * std::exp(-p.mhc_off_per_min * t), 1e-14);
  }
  // Any sub-division of a step gives the same result.
  double m = m0;
  for (int i = 0; i < 60; ++i) m = mhc_step(m, m0, ifn, 1.0, p);
  EXPECT_NEAR(m, mhc_step(m0, m0, ifn, 60.0, p), 1e-13);
  // Fine RK4 of the ODE agrees.
  double y = m0;
  const double h = 1.0;
  const auto f = [&](double v) {
    return p.mhc_on_per_min * ifn / (p.ifn_half_saturation + ifn) - p.mhc_off_per_min * (v - m0);
  };
  for (int i = 0; i < 1440; ++i) {
    const double k1 = f(y), k2 = f(y + h / 2 * k1), k3 = f(y + h / 2 * k2), k4 = f(y + h * k3);
    y += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  EXPECT_NEAR(y, mhc_step(m0, m0, ifn, 1440.0, p), 1e-10);
}

TEST(NkIfnGamma, MhcRelaxesToBaselineWithoutIfnAndRisesAtMostFourFold) {
  const MhcResponseParams p;
  EXPECT_NEAR(mhc_step(3.0, 1.0, 0.0, 1e6, p), 1.0, 1e-12);
  EXPECT_NEAR(mhc_steady_state(1.0, 1e9, p), 4.0, 1e-6);
  EXPECT_LT(mhc_step(1.0, 1.0, 1.0, 24 * 60.0, p), 4.0);
  EXPECT_GT(mhc_step(1.0, 1.0, 1.0, 24 * 60.0, p), 2.5);  // several-fold within a day or two
}

TEST(NkIfnGamma, SwitchAndRecruitmentProbabilities) {
  const IfnSwitchParams p;
  EXPECT_EQ(ifn_switch_probability(0.0, 10.0, p), 0.0);
  EXPECT_NEAR(ifn_switch_probability(p.half_saturation, 10.0, p),
              1 - std::exp(-p.max_rate_per_min * 0.5 * 10.0), 1e-15);
  EXPECT_LT(ifn_switch_probability(0.05, 10.0, p), ifn_switch_probability(0.5, 10.0, p));
  EXPECT_EQ(t_cell_recruit_probability(0, 0.01, 10.0), 0.0);
  EXPECT_NEAR(t_cell_recruit_probability(3, 0.01, 10.0), 1 - std::exp(-0.3), 1e-15);
}

// The NK paradox: IFN-gamma-raised MHC-I protects a tumour cell from NK cells and exposes it to
// T cells; an MHC-I-negative cell is the reverse.
TEST(NkIfnGamma, MhcHighSparedByNkKilledByTCells) {
  const RecognitionParams nk;
  const TCellKillParams t;
  const double antigen = 1.0;
  const TargetDisplay mhc_high{.nkg2d_ligand = 1.0, .other_ligand = 1.0, .mhc_i = 4.0};
  const TargetDisplay mhc_negative{.nkg2d_ligand = 1.0, .other_ligand = 1.0, .mhc_i = 0.0};
  EXPECT_LT(commit_probability(net_signal(mhc_high, nk), nk), 0.01);
  EXPECT_GT(t_cell_commit_probability(mhc_high.mhc_i, antigen, t), 0.3);
  EXPECT_GT(commit_probability(net_signal(mhc_negative, nk), nk), 0.45);
  EXPECT_EQ(t_cell_commit_probability(mhc_negative.mhc_i, antigen, t), 0.0);
  EXPECT_EQ(t_cell_commit_probability(4.0, 0.0, t), 0.0);  // no antigen, no T-cell kill
}

}  // namespace
}  // namespace nksim::rules::nk
