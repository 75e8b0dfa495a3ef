// NK-cell recognition: activating minus inhibitory signal, and the decision to kill.
//
// Biology ("missing self" + "induced self"; Kärre 1986, Raulet 2003 [P]): an NK cell integrates
// activating receptors (NKG2D against MICA/B and ULBP stress ligands, NCRs/DNAM-1 against other
// activating ligands, a CAR against its antigen, CD16 against IgG on opsonised targets = ADCC)
// against inhibitory receptors (KIR and CD94/NKG2A) that see MHC class I. Healthy cells, with
// normal MHC-I and few stress ligands, are spared; MHC-I-low or ligand-high cells are attacked.
//
// Model (assumption; a receptor-occupancy form used by many ABMs): each ligand level L_i is in
// dimensionless units where 1 is the level on a typical healthy cell (MHC-I) or a typical
// stressed tumour cell (activating ligands). Receptor engagement saturates (Langmuir occupancy):
//   A = a_NKG2D w_NKG2D L_NKG2D/(K_NKG2D + L_NKG2D) + w_act L_act/(K_act + L_act)
//       + w_CAR L_CAR/(K_CAR + L_CAR) + w_CD16 L_Ig/(K_CD16 + L_Ig)
//   I = w_MHC M/(K_MHC + M)
//   S = A - I                                                          (net signal)
// a_NKG2D in [0, 1] is the fraction of NKG2D still on the NK surface (down-modulated by soluble
// ligand, see nk_escape.h). The probability of committing to a kill at one contact is logistic
// in S, scaled by the NK cell's potency P in [0, 1] (exhaustion, nk_capacity.h):
//   p_commit = P p_max / (1 + exp(-(S - S_50)/s_width)).
// p_max 0.5 follows the per-contact success of 0.3-0.5 in vitro and about 50 % in vivo (Ichise
// 2022, eLife 11:e76269 [V]); the weights and S_50 are chosen (assumption) so that a healthy
// cell (M = 1, L_NKG2D = 0.05) gives p_commit < 1 % and an MHC-I-negative ligand-high K562-like
// cell gives p_commit close to p_max.
#pragma once

#include <cmath>

namespace nksim::rules::nk {

// Langmuir occupancy L/(K + L) for L >= 0, K > 0; 0 for L <= 0.
inline double occupancy(double level, double half_saturation) {
  if (level <= 0.0) return 0.0;
  return level / (half_saturation + level);
}

// Ligand and MHC-I levels on one target (dimensionless, see above).
struct TargetDisplay {
  double nkg2d_ligand = 0.0;  // MICA/B, ULBP
  double other_ligand = 0.0;  // NCR / DNAM-1 ligands
  double car_antigen = 0.0;   // CAR target (0 when the product has no CAR)
  double opsonisation = 0.0;  // IgG bound (therapeutic antibody) for CD16/ADCC
  double mhc_i = 1.0;         // MHC class I (1 = healthy)
};

struct RecognitionParams {
  double w_nkg2d = 2.0, k_nkg2d = 0.5;  // assumption
  double w_other = 1.0, k_other = 0.5;  // assumption
  double w_car = 4.0, k_car = 0.3;      // assumption: a CAR overrides MHC-I
  double w_cd16 = 2.5, k_cd16 = 0.3;    // assumption
  double w_mhc = 3.0, k_mhc = 0.3;      // assumption: MHC-I dominant at healthy levels
  double p_max = 0.5;                   // per-contact success, 0.3-0.5 (BIOLOGY.md c)
  double s_half = 0.5;                  // net signal giving p_max/2 (assumption)
  double s_width = 0.25;                // logistic width (assumption)
};

inline double activating_signal(const TargetDisplay& t, const RecognitionParams& p,
                                double nkg2d_available) {
  return nkg2d_available * p.w_nkg2d * occupancy(t.nkg2d_ligand, p.k_nkg2d) +
         p.w_other * occupancy(t.other_ligand, p.k_other) +
         p.w_car * occupancy(t.car_antigen, p.k_car) +
         p.w_cd16 * occupancy(t.opsonisation, p.k_cd16);
}

inline double inhibitory_signal(const TargetDisplay& t, const RecognitionParams& p) {
  return p.w_mhc * occupancy(t.mhc_i, p.k_mhc);
}

// S = A - I.
inline double net_signal(const TargetDisplay& t, const RecognitionParams& p,
                         double nkg2d_available = 1.0) {
  return activating_signal(t, p, nkg2d_available) - inhibitory_signal(t, p);
}

// Logistic decision p_max / (1 + exp(-(S - S_50)/width)), times potency in [0, 1].
inline double commit_probability(double signal, const RecognitionParams& p, double potency = 1.0) {
  const double x = (signal - p.s_half) / p.s_width;
  return potency * p.p_max / (1.0 + std::exp(-x));
}

}  // namespace nksim::rules::nk
