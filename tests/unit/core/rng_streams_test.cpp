// Random streams never collide: every purpose with every sub-stream nk_infusion can use (8 doses
// x 4096 repeats x 2 = 65,536) gives its own draws. Philox is a bijection of the counter for a
// fixed key, so equal draws would mean equal counters, i.e. two streams sharing numbers.
#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_set>

#include "nksim/core/rng.h"

namespace nksim {
namespace {

TEST(RngStreams, EveryPurposeAndSubStreamDrawsItsOwnNumbers) {
  const Purpose purposes[] = {Purpose::kPlacement,     Purpose::kMotility,
                              Purpose::kProliferation, Purpose::kDivisionDirection,
                              Purpose::kMutation,      Purpose::kApoptosis,
                              Purpose::kLysis,         Purpose::kNkCapacity,
                              Purpose::kNkRecognition, Purpose::kNkDelay,
                              Purpose::kNkInfusion,    Purpose::kIfnResponse,
                              Purpose::kRecruitment,   Purpose::kSystemicSupply,
                              Purpose::kTest};
  std::unordered_set<double> seen;
  std::size_t draws = 0;
  for (const Purpose p : purposes) {
    for (std::uint32_t sub = 0; sub < (1u << 16); ++sub) {
      seen.insert(RandomDraw(42, 0, p, 1, sub).uniform(0));
      ++draws;
    }
  }
  // 53-bit uniforms: a chance collision among ~10^6 draws has probability ~10^-4.
  EXPECT_GE(seen.size() + 2, draws);
  // The same stream twice is the same number (counter-based: no hidden state).
  EXPECT_EQ(RandomDraw(42, 7, Purpose::kNkInfusion, 3, 9).uniform(1),
            RandomDraw(42, 7, Purpose::kNkInfusion, 3, 9).uniform(1));
  EXPECT_NE(RandomDraw(42, 7, Purpose::kNkInfusion, 3, 9).uniform(0),
            RandomDraw(42, 7, Purpose::kRecruitment, 3, 9).uniform(0));
}

}  // namespace
}  // namespace nksim
