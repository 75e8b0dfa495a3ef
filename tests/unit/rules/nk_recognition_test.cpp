// NK recognition signal and kill decision (src/nksim/rules/nk_recognition.h).
//
// S = a w_G L_G/(K_G + L_G) + w_o L_o/(K_o + L_o) + w_C L_C/(K_C + L_C) + w_16 L_I/(K_16 + L_I)
//     - w_M M/(K_M + M);   p = P p_max / (1 + e^{-(S - S_50)/w}).
#include <cmath>

#include <gtest/gtest.h>

#include "nksim/rules/nk_recognition.h"

namespace nksim::rules::nk {
namespace {

constexpr TargetDisplay kHealthy{.nkg2d_ligand = 0.05, .other_ligand = 0.1, .mhc_i = 1.0};
constexpr TargetDisplay kK562{.nkg2d_ligand = 1.0, .other_ligand = 1.0, .mhc_i = 0.0};

TEST(NkRecognition, OccupancyLimits) {
  EXPECT_EQ(occupancy(0.0, 0.5), 0.0);
  EXPECT_EQ(occupancy(-1.0, 0.5), 0.0);
  EXPECT_DOUBLE_EQ(occupancy(0.5, 0.5), 0.5);
  EXPECT_NEAR(occupancy(1e9, 0.5), 1.0, 1e-9);
  double previous = 0;
  for (double l = 0.01; l < 100; l *= 1.5) {
    EXPECT_GT(occupancy(l, 0.5), previous);
    previous = occupancy(l, 0.5);
  }
}

TEST(NkRecognition, SignalMatchesClosedFormAndIsBounded) {
  const RecognitionParams p;
  const TargetDisplay t{.nkg2d_ligand = 0.7,
                        .other_ligand = 0.2,
                        .car_antigen = 0.4,
                        .opsonisation = 0.1,
                        .mhc_i = 0.6};
  const double expected =
      0.8 * 2.0 * 0.7 / 1.2 + 1.0 * 0.2 / 0.7 + 4.0 * 0.4 / 0.7 + 2.5 * 0.1 / 0.4 - 3.0 * 0.6 / 0.9;
  EXPECT_NEAR(net_signal(t, p, 0.8), expected, 1e-14);
  // Bounds: -w_MHC <= S <= sum of activating weights.
  const TargetDisplay saturated{1e9, 1e9, 1e9, 1e9, 0.0};
  EXPECT_NEAR(net_signal(saturated, p), p.w_nkg2d + p.w_other + p.w_car + p.w_cd16, 1e-6);
  const TargetDisplay inhibited{0, 0, 0, 0, 1e9};
  EXPECT_NEAR(net_signal(inhibited, p), -p.w_mhc, 1e-6);
}

TEST(NkRecognition, SignalIsMonotone) {
  const RecognitionParams p;
  TargetDisplay t{.nkg2d_ligand = 0.3, .other_ligand = 0.3, .mhc_i = 0.5};
  const double base = net_signal(t, p);
  auto more = [&](double TargetDisplay::*member) {
    TargetDisplay u = t;
    u.*member += 0.5;
    return net_signal(u, p);
  };
  EXPECT_GT(more(&TargetDisplay::nkg2d_ligand), base);
  EXPECT_GT(more(&TargetDisplay::other_ligand), base);
  EXPECT_GT(more(&TargetDisplay::car_antigen), base);
  EXPECT_GT(more(&TargetDisplay::opsonisation), base);
  EXPECT_LT(more(&TargetDisplay::mhc_i), base);
  // Less NKG2D on the NK surface (soluble-ligand down-modulation) lowers the signal.
  EXPECT_LT(net_signal(t, p, 0.3), base);
  EXPECT_NEAR(net_signal(t, p, 0.0), base - p.w_nkg2d * occupancy(0.3, p.k_nkg2d), 1e-14);
}

TEST(NkRecognition, CommitProbabilityLogisticLimits) {
  const RecognitionParams p;
  EXPECT_DOUBLE_EQ(commit_probability(p.s_half, p), p.p_max / 2);
  EXPECT_NEAR(commit_probability(100.0, p), p.p_max, 1e-12);
  EXPECT_NEAR(commit_probability(-100.0, p), 0.0, 1e-12);
  EXPECT_DOUBLE_EQ(commit_probability(1.0, p, 0.4), 0.4 * commit_probability(1.0, p));
  EXPECT_EQ(commit_probability(1.0, p, 0.0), 0.0);
  double previous = -1;
  for (double s = -4; s <= 8; s += 0.25) {
    EXPECT_GT(commit_probability(s, p), previous);
    previous = commit_probability(s, p);
  }
}

// Missing self / induced self with the default parameters.
TEST(NkRecognition, HealthySparedAbnormalAttacked) {
  const RecognitionParams p;
  EXPECT_LT(commit_probability(net_signal(kHealthy, p), p), 0.001);
  EXPECT_GT(commit_probability(net_signal(kK562, p), p), 0.45);  // p_max 0.5: 0.3-0.5 per contact
  TargetDisplay mhc_low = kHealthy;  // missing self alone (ligands healthy)
  mhc_low.mhc_i = 0.0;
  TargetDisplay ligand_high = kHealthy;  // induced self alone (MHC-I normal)
  ligand_high.nkg2d_ligand = 5.0;
  ligand_high.other_ligand = 5.0;
  const double p_healthy = commit_probability(net_signal(kHealthy, p), p);
  EXPECT_GT(commit_probability(net_signal(mhc_low, p), p), 50 * p_healthy);
  EXPECT_GT(commit_probability(net_signal(ligand_high, p), p), 50 * p_healthy);
  // IFN-gamma-raised MHC-I (4x) protects a ligand-high tumour cell.
  TargetDisplay protected_tumour = kK562;
  protected_tumour.mhc_i = 4.0;
  EXPECT_LT(commit_probability(net_signal(protected_tumour, p), p), 0.01);
  // A CAR against an antigen it displays overrides normal MHC-I.
  TargetDisplay car_target = kHealthy;
  car_target.car_antigen = 1.0;
  EXPECT_GT(commit_probability(net_signal(car_target, p), p), 0.25);
}

}  // namespace
}  // namespace nksim::rules::nk
