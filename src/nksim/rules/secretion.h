// Secretion and uptake by one agent into its voxel, integrated implicitly over dt.
//
// BioFVM (Ghaffarizadeh et al., Bioinformatics 32 (2016) 1256), eq. for cell-based sources:
// with cell volume V_c, voxel volume V_v, secretion rate S (1/min) towards target T, uptake rate
// U (1/min) and net export E (amount/min):
//   dc/dt = (V_c/V_v) [S (T - c) - U c] + E / V_v
// Backward Euler over dt (unconditionally stable, never makes c negative):
//   c' = (c + dt (V_c/V_v) S T + dt E / V_v) / (1 + dt (V_c/V_v)(S + U))
#pragma once

namespace nksim::rules {

// The same step as an affine map c' = (c + add) * scale.
struct AffineExchange {
  double add = 0.0;
  double scale = 1.0;
};

inline AffineExchange secrete_uptake_map(double dt, double volume_ratio, double secretion_per_min,
                                         double target, double uptake_per_min,
                                         double export_per_voxel) {
  return {dt * (volume_ratio * secretion_per_min * target + export_per_voxel),
          1.0 / (1.0 + dt * volume_ratio * (secretion_per_min + uptake_per_min))};
}

inline double secrete_uptake(double c, double dt, double volume_ratio, double secretion_per_min,
                             double target, double uptake_per_min, double export_per_voxel) {
  return (c + dt * (volume_ratio * secretion_per_min * target + export_per_voxel)) /
         (1.0 + dt * volume_ratio * (secretion_per_min + uptake_per_min));
}

}  // namespace nksim::rules
