// IFN-gamma effects: MHC-I up-regulation, macrophage activation, DC maturation, T-cell killing.
//
// Biology (BIOLOGY.md Part 1 and f): activated NK cells secrete IFN-gamma in all directions; it
// diffuses far (> 800 um, Hoekstra 2020, Nat Cancer 1:291 [V]) and needs hours of exposure to
// change a cell (Thibaut 2020, Nat Cancer 1:302 [V]). It raises MHC class I on target cells,
// several-fold over 24-48 h [P], which protects them from NK cells (more inhibition) but exposes
// them to CD8 T cells; it activates macrophages and matures dendritic cells, which recruit and
// prime T cells.
//
// MHC-I (BIOLOGY.md f, suggested form [P]):
//   dM/dt = k_on I/(K + I) - k_off (M - M_0)
// For constant IFN-gamma concentration I over a step, with M* = M_0 + (k_on/k_off) I/(K + I),
// the exact solution is
//   M(t + dt) = M* + (M(t) - M*) exp(-k_off dt).
// Defaults: time scale 1/k_off = 12 h and a four-fold maximal rise (M* = M_0 + 3 at saturation)
// (assumption within "several-fold over 24-48 h" [P]).
//
// Macrophage activation and DC maturation (assumption): a resting cell switches at hazard
// k_max H(I), H the Hill response of nk_capacity.h, so P(switch in dt) = 1 - exp(-k_max H dt).
// CD8 T-cell recruitment (assumption): new T cells arrive at rate r_T per mature DC.
// T-cell kill (assumption): a T cell sees peptide on MHC-I, so its per-contact commit probability
// needs both: p = p_max M^n/(K_M^n + M^n) * A/(K_A + A), A the antigen level. MHC-I-negative
// cells are invisible to T cells (and are the ones NK cells kill).
#pragma once

#include <cmath>

#include "nksim/rules/nk_capacity.h"
#include "nksim/rules/nk_event_probability.h"

namespace nksim::rules::nk {

struct MhcResponseParams {
  double mhc_on_per_min = 3.0 / 720.0;   // k_on; assumption (4-fold at saturation, 12 h scale)
  double mhc_off_per_min = 1.0 / 720.0;  // k_off; assumption (12 h)
  double ifn_half_saturation = 0.1;      // K, field units (ng/mL); assumption
};

// The steady state M* for constant IFN-gamma, given the cell's baseline M_0.
inline double mhc_steady_state(double mhc_baseline, double ifn, const MhcResponseParams& p) {
  const double drive = ifn > 0.0 ? ifn / (p.ifn_half_saturation + ifn) : 0.0;
  return mhc_baseline + p.mhc_on_per_min / p.mhc_off_per_min * drive;
}

// Exact step of dM/dt = k_on I/(K + I) - k_off (M - M_0) for constant I.
inline double mhc_step(double mhc, double mhc_baseline, double ifn, double dt_min,
                       const MhcResponseParams& p) {
  const double target = mhc_steady_state(mhc_baseline, ifn, p);
  return target + (mhc - target) * std::exp(-p.mhc_off_per_min * dt_min);
}

struct IfnSwitchParams {
  double max_rate_per_min = 1.0 / 360.0;  // assumption: ~6 h at saturating IFN-gamma
  double half_saturation = 0.1;           // assumption, field units
  double hill_n = 2.0;                    // assumption (switch-like; hours of exposure needed)
};

// Probability that a resting macrophage activates (or an immature DC matures) in dt.
inline double ifn_switch_probability(double ifn, double dt_min, const IfnSwitchParams& p) {
  return probability_in_step(p.max_rate_per_min * hill(ifn, p.half_saturation, p.hill_n), dt_min);
}

// Probability that at least one CD8 T cell is recruited in dt, with n mature DCs each recruiting
// at rate r (the arrivals form a Poisson process of rate n r).
inline double t_cell_recruit_probability(int mature_dcs, double rate_per_dc_per_min,
                                         double dt_min) {
  return probability_in_step(mature_dcs * rate_per_dc_per_min, dt_min);
}

struct TCellKillParams {
  double p_max = 0.5;         // assumption
  double mhc_half = 0.3;      // K_M; assumption
  double mhc_hill = 2.0;      // n; assumption
  double antigen_half = 0.2;  // K_A; assumption
};

inline double t_cell_commit_probability(double mhc_i, double antigen, const TCellKillParams& p) {
  const double antigen_term = antigen > 0.0 ? antigen / (p.antigen_half + antigen) : 0.0;
  return p.p_max * hill(mhc_i, p.mhc_half, p.mhc_hill) * antigen_term;
}

}  // namespace nksim::rules::nk
