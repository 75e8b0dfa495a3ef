// The simulated box: dimension, bounds and boundary behaviour for agents.
#pragma once

#include <array>
#include <cmath>

namespace nksim {

enum class AgentBoundary { kReflecting, kPeriodic };

struct Domain {
  int dim = 3;  // 2 or 3 (2-D: z is 0 everywhere)
  std::array<double, 3> lo_um = {0, 0, 0};
  std::array<double, 3> hi_um = {100, 100, 100};
  AgentBoundary boundary = AgentBoundary::kReflecting;

  double extent(int axis) const { return hi_um[axis] - lo_um[axis]; }
  bool periodic() const { return boundary == AgentBoundary::kPeriodic; }

  // Displacement a - b along one axis (minimum image when periodic).
  double delta(int axis, double a, double b) const {
    double d = a - b;
    if (periodic()) {
      const double l = extent(axis);
      if (d > 0.5 * l)
        d -= l;
      else if (d < -0.5 * l)
        d += l;
    }
    return d;
  }

  // Brings a coordinate back into the box: mirror at the walls or wrap around.
  double confine(int axis, double x) const {
    const double lo = lo_um[axis], hi = hi_um[axis];
    if (x >= lo && x < hi) return x;
    if (periodic()) {
      const double l = hi - lo;
      double y = std::fmod(x - lo, l);
      if (y < 0) y += l;
      y += lo;
      return y < hi ? y : lo;
    }
    if (x < lo) x = 2 * lo - x;
    if (x > hi) x = 2 * hi - x;
    // A move larger than the box: clamp.
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    return x;
  }
};

}  // namespace nksim
