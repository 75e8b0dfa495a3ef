// Points in the unit cube for sampling virtual patients: plain Monte Carlo, Latin hypercube and
// Sobol, plus the Gaussian copula that correlates columns.
//
// Random numbers come from Random123's Philox4x32-10 keyed by the trial seed and indexed by
// (patient, dimension, purpose): a patient's numbers never depend on how many threads or ranks
// run, or in which order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace nksim {

enum class SamplerKind { kMonteCarlo, kLatinHypercube, kSobol };

const char* sampler_name(SamplerKind kind);

// A uniform number in (0, 1), a pure function of its arguments (53 random bits).
double counter_uniform(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c);

// The unscrambled Sobol sequence (Gray-code order, Antonov-Saleev) with the first dimension
// 2^-k and dimensions 2.. from Joe & Kuo's new-joe-kuo-6.21201 initial direction numbers.
class SobolSequence {
 public:
  static constexpr std::size_t kMaxDimensions = 21;
  static constexpr int kBits = 52;

  // Throws std::invalid_argument when dimensions is 0 or above kMaxDimensions.
  explicit SobolSequence(std::size_t dimensions);
  std::size_t dimensions() const { return dims_; }
  // The next point (the first call returns point 0, the origin).
  void next(std::span<double> point);

 private:
  std::size_t dims_;
  std::uint64_t index_ = 0;
  std::vector<std::uint64_t> direction_;  // dims_ x kBits
  std::vector<std::uint64_t> state_;
};

// n x d points in (0, 1), row-major (row = patient). Sobol skips the origin (point 0) and
// ignores the seed; Latin hypercube puts exactly one point in each of the n strata of every
// dimension.
std::vector<double> sample_unit_cube(SamplerKind kind, std::size_t n, std::size_t d,
                                     std::uint64_t seed);

// Lower Cholesky factor of a symmetric matrix (row-major m x m); empty when the matrix is not
// positive definite.
std::vector<double> cholesky(std::span<const double> matrix, std::size_t m);

// Gaussian copula: for every row, z = Phi^-1(u[columns]), z' = L z, u[columns] = Phi(z').
void apply_gaussian_copula(std::vector<double>& points, std::size_t d,
                           std::span<const std::size_t> columns, std::span<const double> lower);

}  // namespace nksim
