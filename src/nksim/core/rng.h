// Counter-based random numbers (Random123 Philox4x32-10).
//
// Every draw is a pure function of (seed, step, purpose, agent id): no generator state is carried
// between draws, so results do not depend on which thread handles which agent, on the number of
// threads, or on the order in which agents are visited. Salmon et al., "Parallel random numbers:
// as easy as 1, 2, 3", SC'11.
#pragma once

#include <cassert>
#include <cmath>
#include <cstdint>
#include <numbers>

#include <Random123/philox.h>

namespace nksim {

// What a draw is for; different purposes never share a stream.
enum class Purpose : std::uint32_t {
  kPlacement = 1,
  kMotility = 2,
  kProliferation = 3,
  kDivisionDirection = 4,
  kMutation = 5,
  kApoptosis = 6,
  kLysis = 7,
  // NK-cell biology (mechanisms nk_*, ifn_gamma_response, ligand_mutation).
  kNkCapacity = 20,
  kNkRecognition = 21,
  kNkDelay = 22,
  kNkInfusion = 23,
  kIfnResponse = 24,
  kRecruitment = 25,     // t_cell_recruitment (it used to share nk_infusion's purpose)
  kSystemicSupply = 26,  // systemic_supply: source sites, arrivals, their positions
  kViralInfection = 27,  // viral_infection: infection, eclipse length, cytopathic death
  kStellate = 30,        // stellate_activation: activation and senescence of stellate cells
  kAttachKill = 31,      // attach_kill: attachment, kill and detachment of effector cells
  kTest = 100,
};

// Streams never collide: the counter is (step, purpose << 16 | sub, id), so two draws share a
// stream only when they share step, purpose, sub-stream and id. Each purpose belongs to one
// mechanism (or the engine), `sub` must be below 2^16 (checked in debug builds), and a mechanism
// that needs many sub-streams keys them itself without overlap (nk_infusion: 2 per (dose,
// repeat), at most 8 doses x 4096 repeats = 65536 sub-streams, checked when the scenario is read).
// Four 32-bit words, then helpers turning them into uniforms and normals.
class RandomDraw {
 public:
  RandomDraw(std::uint64_t seed, std::uint64_t step, Purpose purpose, std::uint64_t id,
             std::uint32_t sub = 0) {
    assert(sub < (1u << 16) && "sub-stream out of range: it would run into another purpose");
    using Philox = r123::Philox4x32;
    const Philox::key_type key = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    const Philox::ctr_type counter = {
        {static_cast<std::uint32_t>(step), (static_cast<std::uint32_t>(purpose) << 16) ^ sub,
         static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(id >> 32)}};
    const Philox::ctr_type out = Philox()(counter, key);
    for (int i = 0; i < 4; ++i) words_[i] = out.v[i];
  }

  // Uniform in the open interval (0, 1) with 53 random bits; k in {0, 1}.
  double uniform(int k) const {
    const std::uint64_t bits = (static_cast<std::uint64_t>(words_[2 * k]) << 21) ^
                               (static_cast<std::uint64_t>(words_[2 * k + 1]) >> 11);
    return (static_cast<double>(bits & ((std::uint64_t{1} << 53) - 1)) + 0.5) * 0x1p-53;
  }
  // Two independent standard normals (Box-Muller).
  void normals(double& a, double& b) const {
    const double r = std::sqrt(-2.0 * std::log(uniform(0)));
    const double phi = 2.0 * std::numbers::pi * uniform(1);
    a = r * std::cos(phi);
    b = r * std::sin(phi);
  }

 private:
  std::uint32_t words_[4] = {0, 0, 0, 0};
};

// A unit vector uniformly distributed on the circle (dim 2, z = 0) or the sphere (dim 3).
inline void random_direction(const RandomDraw& draw, int dim, double& x, double& y, double& z) {
  const double phi = 2.0 * std::numbers::pi * draw.uniform(0);
  if (dim == 2) {
    x = std::cos(phi);
    y = std::sin(phi);
    z = 0.0;
    return;
  }
  const double cos_theta = 2.0 * draw.uniform(1) - 1.0;  // Archimedes: uniform in z
  const double sin_theta = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  x = sin_theta * std::cos(phi);
  y = sin_theta * std::sin(phi);
  z = cos_theta;
}

}  // namespace nksim
