#include "nksim/trial/samplers.h"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "nksim/trial/distributions.h"

namespace nksim {

const char* sampler_name(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::kMonteCarlo:
      return "monte_carlo";
    case SamplerKind::kLatinHypercube:
      return "lhs";
    case SamplerKind::kSobol:
      return "sobol";
  }
  return "?";
}

double counter_uniform(std::uint64_t seed, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  using Philox = r123::Philox4x32;
  Philox generator;
  const Philox::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const Philox::ctr_type counter = {
      {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(c),
       static_cast<std::uint32_t>((a >> 32) ^ (b >> 32) ^ (c >> 32))}};
  const Philox::ctr_type r = generator(counter, key);
  const std::uint64_t bits = (static_cast<std::uint64_t>(r[0]) << 32 | r[1]) >> 11;
  return (static_cast<double>(bits) + 0.5) * 0x1p-53;
}

namespace {

// Joe & Kuo, new-joe-kuo-6.21201: for dimensions 2.., the degree s of the primitive
// polynomial, its coefficients a (interior bits) and the initial direction numbers m_1..m_s.
struct JoeKuo {
  unsigned s;
  unsigned a;
  unsigned m[7];
};
constexpr JoeKuo kJoeKuo[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
};
static_assert(std::size(kJoeKuo) + 1 == SobolSequence::kMaxDimensions);

}  // namespace

SobolSequence::SobolSequence(std::size_t dimensions) : dims_(dimensions) {
  if (dims_ == 0 || dims_ > kMaxDimensions) {
    throw std::invalid_argument("Sobol sequence supports 1 to " + std::to_string(kMaxDimensions) +
                                " dimensions");
  }
  constexpr int bits = kBits;
  direction_.assign(dims_ * bits, 0);
  state_.assign(dims_, 0);
  // V_k = m_k 2^(bits - k): the k-th direction number as an integer of `bits` bits.
  for (int k = 1; k <= bits; ++k) direction_[static_cast<std::size_t>(k - 1)] = 1ULL << (bits - k);
  for (std::size_t j = 1; j < dims_; ++j) {
    const JoeKuo& jk = kJoeKuo[j - 1];
    std::uint64_t* v = &direction_[j * bits];
    const int s = static_cast<int>(jk.s);
    for (int k = 1; k <= std::min(s, bits); ++k) {
      v[k - 1] = static_cast<std::uint64_t>(jk.m[k - 1]) << (bits - k);
    }
    // Recurrence: V_k = a_1 V_{k-1} ^ ... ^ a_{s-1} V_{k-s+1} ^ V_{k-s} ^ (V_{k-s} >> s).
    for (int k = s + 1; k <= bits; ++k) {
      std::uint64_t value = v[k - s - 1] ^ (v[k - s - 1] >> s);
      for (int i = 1; i < s; ++i) {
        if ((jk.a >> (s - 1 - i)) & 1U) value ^= v[k - i - 1];
      }
      v[k - 1] = value;
    }
  }
}

void SobolSequence::next(std::span<double> point) {
  if (index_ > 0) {
    // Gray code: flip the direction number of the lowest zero bit of index - 1.
    std::uint64_t c = 0;
    std::uint64_t value = index_ - 1;
    while (value & 1U) {
      value >>= 1;
      ++c;
    }
    for (std::size_t j = 0; j < dims_; ++j) state_[j] ^= direction_[j * kBits + c];
  }
  for (std::size_t j = 0; j < dims_ && j < point.size(); ++j) {
    point[j] = std::ldexp(static_cast<double>(state_[j]), -kBits);
  }
  ++index_;
}

std::vector<double> sample_unit_cube(SamplerKind kind, std::size_t n, std::size_t d,
                                     std::uint64_t seed) {
  std::vector<double> points(n * d, 0.5);
  if (d == 0) return points;
  constexpr std::uint64_t kPurposeMc = 1, kPurposeStratum = 2, kPurposeJitter = 3;
  switch (kind) {
    case SamplerKind::kMonteCarlo:
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j)
          points[i * d + j] = counter_uniform(seed, i, j, kPurposeMc);
      break;
    case SamplerKind::kLatinHypercube: {
      std::vector<std::size_t> order(n);
      std::vector<double> keys(n);
      for (std::size_t j = 0; j < d; ++j) {
        for (std::size_t i = 0; i < n; ++i) keys[i] = counter_uniform(seed, i, j, kPurposeStratum);
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
          return keys[x] < keys[y] || (keys[x] == keys[y] && x < y);
        });
        // Patient order[r] falls in stratum r.
        for (std::size_t r = 0; r < n; ++r) {
          const std::size_t i = order[r];
          points[i * d + j] =
              (static_cast<double>(r) + counter_uniform(seed, i, j, kPurposeJitter)) /
              static_cast<double>(n);
        }
      }
      break;
    }
    case SamplerKind::kSobol: {
      SobolSequence sobol(d);
      std::vector<double> point(d);
      sobol.next(point);  // skip the origin
      for (std::size_t i = 0; i < n; ++i) {
        sobol.next(point);
        std::copy(point.begin(), point.end(), points.begin() + static_cast<std::ptrdiff_t>(i * d));
      }
      break;
    }
  }
  return points;
}

std::vector<double> cholesky(std::span<const double> a, std::size_t m) {
  std::vector<double> l(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      double sum = a[i * m + j];
      for (std::size_t k = 0; k < j; ++k) sum -= l[i * m + k] * l[j * m + k];
      if (i == j) {
        if (!(sum > 1e-12)) return {};
        l[i * m + i] = std::sqrt(sum);
      } else {
        l[i * m + j] = sum / l[j * m + j];
      }
    }
  }
  return l;
}

void apply_gaussian_copula(std::vector<double>& points, std::size_t d,
                           std::span<const std::size_t> columns, std::span<const double> lower) {
  const std::size_t m = columns.size();
  if (m == 0 || d == 0) return;
  const std::size_t n = points.size() / d;
  std::vector<double> z(m), w(m);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < m; ++k) z[k] = normal_quantile(points[i * d + columns[k]]);
    for (std::size_t r = 0; r < m; ++r) {
      double sum = 0;
      for (std::size_t k = 0; k <= r; ++k) sum += lower[r * m + k] * z[k];
      w[r] = sum;
    }
    for (std::size_t k = 0; k < m; ++k) {
      // Keep the point strictly inside (0, 1) so that quantiles stay finite.
      points[i * d + columns[k]] = std::clamp(normal_cdf(w[k]), 1e-16, 1 - 1e-16);
    }
  }
}

}  // namespace nksim
