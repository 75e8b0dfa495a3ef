// Reproducible uniforms for statistical tests of the rule kernels (the kernels themselves take
// their uniforms as arguments, so any source works; mt19937_64 is fully specified by the
// standard, and the conversion below is ours, so results are identical on every platform).
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace nksim::testing {

class Uniforms {
 public:
  explicit Uniforms(std::uint64_t seed) : engine_(seed) {}
  // Uniform in the open interval (0, 1).
  double next() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1p-53; }
  // Standard normal (Box-Muller, one of the pair).
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(next()));
    return r * std::cos(2.0 * std::numbers::pi * next());
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace nksim::testing
