// The kernels of the mechanics mechanism (mechanics.cpp, their only includer): the pairwise
// force and pressure sums over the neighbour lists, and the candidate filter of a list build.
// Internal linkage on purpose: they are compiled once, with their SIMD clones, in mechanics.cpp.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nksim/core/simd.h"
#include "nksim/engine/agent_store.h"
#include "nksim/engine/neighbour_list.h"
#include "nksim/engine/uniform_grid.h"
#include "nksim/rules/forces.h"

namespace nksim {
namespace {

// Pressure of a cell with 12 neighbours at the default equilibrium distance (close packing):
// 12 (1 - 0.9526)^2 ~= 0.027, PhysiCell's normalisation of "simple pressure". A packed tissue
// thus has pressure ~1.
constexpr double kPressureScale = 0.027;

// Coordinates, radii and types, and the box (AgentStore columns; for the list build's candidate
// filter, the positions in slot order alone).
struct Columns {
  const double* x;
  const double* y;
  const double* z;
  const double* radius;
  const std::int32_t* type;
  double length[3];  // periodic box lengths (unused when not periodic)
};

// The running sums of one agent's pair terms.
struct Sums {
  double vx = 0, vy = 0, vz = 0, pressure = 0;
};

using simd::V4;
using simd::V4Mask;

// Domain::delta for four lanes: the same comparisons, and the same subtraction or addition of
// the box length, lane-wise.
template <bool kPeriodic>
[[gnu::always_inline]] inline V4 delta4(V4 p, V4 q, double l) {
  const V4 d = p - q;
  if constexpr (!kPeriodic) {
    return d;
  } else {
    const V4 half = simd::splat(0.5 * l), lv = simd::splat(l);
    return d - simd::select(d > half, lv) + simd::select(d < -half, lv);
  }
}

// Adds the pair terms of agent i with neighbours t[0..count) (count <= 4; lanes past `count`
// repeat t[0], their terms are zeroed) to `sums`, lane by lane in list order. Branch-free form of
// rules::pair_speed and rules::pair_pressure: every term is computed and the ones whose condition
// fails are zeroed, which gives the same IEEE results as skipping them (0 + x = x; the sums start
// at +0 and never become -0, so adding +0 changes nothing).
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline void add_pairs(const Columns& c, std::size_t i,
                                             const rules::PairForce* row, const std::uint32_t* t,
                                             std::uint32_t count, Sums& sums) {
  using simd::select;
  using simd::splat;
  const rules::PairForce* p[4];
  for (std::uint32_t k = 0; k < 4; ++k) p[k] = &row[c.type[t[k]]];
  const V4 gx{c.x[t[0]], c.x[t[1]], c.x[t[2]], c.x[t[3]]};
  const V4 gy{c.y[t[0]], c.y[t[1]], c.y[t[2]], c.y[t[3]]};
  const V4 gr{c.radius[t[0]], c.radius[t[1]], c.radius[t[2]], c.radius[t[3]]};
  const V4 rep{p[0]->repulsion_um_per_min, p[1]->repulsion_um_per_min, p[2]->repulsion_um_per_min,
               p[3]->repulsion_um_per_min};
  const V4 adh{p[0]->adhesion_um_per_min, p[1]->adhesion_um_per_min, p[2]->adhesion_um_per_min,
               p[3]->adhesion_um_per_min};
  const V4 range{p[0]->adhesion_range, p[1]->adhesion_range, p[2]->adhesion_range,
                 p[3]->adhesion_range};
  const V4 dx = delta4<kPeriodic>(splat(c.x[i]), gx, c.length[0]);
  const V4 dy = delta4<kPeriodic>(splat(c.y[i]), gy, c.length[1]);
  V4 dz = splat(0.0);
  if constexpr (kThree) {
    const V4 gz{c.z[t[0]], c.z[t[1]], c.z[t[2]], c.z[t[3]]};
    dz = delta4<kPeriodic>(splat(c.z[i]), gz, c.length[2]);
  }
  const V4 dist2 = dx * dx + dy * dy + dz * dz;
  const V4 contact = splat(c.radius[i]) + gr;
  const V4 adhesion_distance = range * contact;
  V4 root;  // correctly rounded, as std::sqrt (one vsqrtpd where the compiler sees it)
  for (std::uint32_t k = 0; k < 4; ++k) root[k] = __builtin_sqrt(dist2[k]);
  V4Mask ok = (dist2 < adhesion_distance * adhesion_distance) & (root > splat(0.0));
  const V4 a = splat(1.0) - root / contact;
  const V4 b = splat(1.0) - root / adhesion_distance;
  const V4Mask overlap = root < contact;
  const V4 speed =
      (splat(0.0) + select(overlap, rep * a * a) - select(root < adhesion_distance, adh * b * b)) /
      root;
  const V4 cx = select(ok, speed * dx), cy = select(ok, speed * dy), cz = select(ok, speed * dz);
  const V4 cp = select(ok & overlap, a * a);
  for (std::uint32_t k = 0; k < count; ++k) {
    sums.vx += cx[k];
    sums.vy += cy[k];
    sums.vz += cz[k];
    sums.pressure += cp[k];
  }
}

// The pair terms of agents [first, end) over their neighbour lists, added to vx, vy, vz and
// written to pressure (scaled).
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline void sum_lists_impl(const Columns& c, const rules::PairForce* pairs,
                                                  std::size_t num_types, const NeighbourList& lists,
                                                  std::size_t first, std::size_t end,
                                                  AgentStore& a) {
  const std::int64_t n = static_cast<std::int64_t>(a.size());
  const std::uint32_t* offsets = lists.offsets();
  const std::uint16_t* list = lists.entries();
  const std::uint8_t* wraps = lists.wraps();
  for (std::size_t i = first; i < end; ++i) {
    const rules::PairForce* row = pairs + static_cast<std::size_t>(c.type[i]) * num_types;
    Sums sums;
    const std::uint16_t* e = list + offsets[i];
    const std::uint32_t units = offsets[i + 1] - offsets[i];
    std::uint32_t t[4];
    if (NeighbourList::is_wide(e, units)) {  // rare: some neighbour too far for an offset
      const std::uint32_t count = (units - 1) / 2;
      for (std::uint32_t k = 0; k < count; k += 4) {
        const std::uint32_t m = count - k < 4 ? count - k : 4;
        for (std::uint32_t l = 0; l < 4; ++l)
          t[l] = NeighbourList::wide_at(e + 1, k + (l < m ? l : 0));
        add_pairs<kPeriodic, kThree>(c, i, row, t, m, sums);
      }
    } else if (wraps[i] != 0) {  // some offset taken across the end of the agents
      for (std::uint32_t k = 0; k < units; k += 4) {
        const std::uint32_t m = units - k < 4 ? units - k : 4;
        for (std::uint32_t l = 0; l < 4; ++l)
          t[l] = NeighbourList::near_at(i, e, k + (l < m ? l : 0), n);
        add_pairs<kPeriodic, kThree>(c, i, row, t, m, sums);
      }
    } else {
      for (std::uint32_t k = 0; k < units; k += 4) {
        const std::uint32_t m = units - k < 4 ? units - k : 4;
        for (std::uint32_t l = 0; l < 4; ++l)
          t[l] = NeighbourList::plain_at(i, e, k + (l < m ? l : 0));
        add_pairs<kPeriodic, kThree>(c, i, row, t, m, sums);
      }
    }
    a.vx[i] += sums.vx;
    a.vy[i] += sums.vy;
    a.vz[i] += sums.vz;
    a.pressure[i] = sums.pressure / kPressureScale;
  }
}

// One entry point, compiled for AVX2 and for baseline x86-64 (core/simd.h).
NKSIM_SIMD_CLONES void sum_lists(const Columns& c, bool periodic, bool three,
                                 const rules::PairForce* pairs, std::size_t num_types,
                                 const NeighbourList& lists, std::size_t first, std::size_t end,
                                 AgentStore& a) {
  if (periodic) {
    three ? sum_lists_impl<true, true>(c, pairs, num_types, lists, first, end, a)
          : sum_lists_impl<true, false>(c, pairs, num_types, lists, first, end, a);
  } else {
    three ? sum_lists_impl<false, true>(c, pairs, num_types, lists, first, end, a)
          : sum_lists_impl<false, false>(c, pairs, num_types, lists, first, end, a);
  }
}

// Candidates are filtered in chunks of at most this many slots (a multiple of 4).
constexpr std::uint32_t kChunk = 64;
// The slot-ordered positions are followed by this many zeros, so a vector loop may read up to 3
// slots past a run's end.
constexpr std::size_t kSlotPadding = 4;

// Writes to out the slots s != self of the runs whose squared distance to slot `self` is below
// r2, in run order, four candidates at a time with branch-free compaction; returns how many.
// With out == nullptr it only counts (the same number, cheaper). The slot-ordered positions are
// padded (kSlotPadding), so reading up to 3 slots past a run's end is safe.
template <bool kPeriodic, bool kThree>
[[gnu::always_inline]] inline std::uint32_t near_impl(const Columns& c, const CandidateRun* runs,
                                                      std::size_t num_runs, std::uint32_t self,
                                                      double r2, std::uint32_t* out) {
  const V4 px = simd::splat(c.x[self]), py = simd::splat(c.y[self]), pz = simd::splat(c.z[self]);
  const V4 limit = simd::splat(r2);
  std::uint32_t total = 0;
  std::uint32_t buffer[kChunk + 4];
  for (std::size_t r = 0; r < num_runs; ++r) {
    for (std::uint32_t b = runs[r].begin; b < runs[r].end; b += kChunk) {
      const std::uint32_t e = runs[r].end - b > kChunk ? b + kChunk : runs[r].end;
      std::uint32_t m = 0;
      for (std::uint32_t s = b; s < e; s += 4) {
        const V4 dx = delta4<kPeriodic>(px, simd::load4(c.x + s), c.length[0]);
        const V4 dy = delta4<kPeriodic>(py, simd::load4(c.y + s), c.length[1]);
        const V4 dz =
            kThree ? delta4<kPeriodic>(pz, simd::load4(c.z + s), c.length[2]) : simd::splat(0.0);
        const V4Mask in = dx * dx + dy * dy + dz * dz < limit;
        if (out == nullptr) {  // counting only: lanes past the run's end are not counted
          for (std::uint32_t k = 0; k < 4; ++k) {
            m += static_cast<std::uint32_t>(in[k] & 1) & static_cast<std::uint32_t>(s + k < e);
          }
          continue;
        }
        for (std::uint32_t k = 0; k < 4; ++k) {
          buffer[m] = s + k;
          m += static_cast<std::uint32_t>(in[k] & 1);
        }
      }
      if (out == nullptr) {
        total += m;
        continue;
      }
      for (std::uint32_t k = 0; k < m && buffer[k] < e; ++k) {
        if (buffer[k] != self) out[total++] = buffer[k];
      }
    }
  }
  // The agent itself is always among its candidates, at distance 0 < r2.
  return out == nullptr ? total - 1 : total;
}

NKSIM_SIMD_CLONES std::uint32_t near_slots(const Columns& c, bool periodic, bool three,
                                           const CandidateRun* runs, std::size_t num_runs,
                                           std::uint32_t self, double r2, std::uint32_t* out) {
  if (periodic) {
    return three ? near_impl<true, true>(c, runs, num_runs, self, r2, out)
                 : near_impl<true, false>(c, runs, num_runs, self, r2, out);
  }
  return three ? near_impl<false, true>(c, runs, num_runs, self, r2, out)
               : near_impl<false, false>(c, runs, num_runs, self, r2, out);
}

}  // namespace
}  // namespace nksim
