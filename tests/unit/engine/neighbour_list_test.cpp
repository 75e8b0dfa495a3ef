// NeighbourList: every agent's neighbours come back exactly, in order, whether stored as 16-bit
// offsets from the agent's own index (modulo the number of agents) or (when any offset is beyond
// +-32767 either way) at full width; the
// form is chosen per agent, and the sizes are 2 bytes per neighbour, or 4 per neighbour plus a
// 2-byte mark for an agent stored at full width. The plain form (checkpoints) round-trips.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "nksim/core/rng.h"
#include "nksim/engine/neighbour_list.h"

namespace nksim {
namespace {

TEST(NeighbourList, OffsetsFitUpTo32767EitherWayModuloTheAgentCount) {
  constexpr std::size_t n = 200000;
  EXPECT_TRUE(NeighbourList::fits(40000, 40000 + 32767, n));
  EXPECT_TRUE(NeighbourList::fits(40000, 40000 - 32767, n));
  EXPECT_FALSE(NeighbourList::fits(40000, 40000 + 32768, n));
  EXPECT_FALSE(NeighbourList::fits(40000, 40000 - 32768, n));  // -32768 is the wide mark
  EXPECT_EQ(NeighbourList::offset(3, n - 2, n), -5);           // across the end
  EXPECT_EQ(NeighbourList::offset(n - 2, 3, n), 5);
  EXPECT_TRUE(NeighbourList::fits(0, n - 32767, n));
  EXPECT_FALSE(NeighbourList::fits(0, n - 32768, n));
  EXPECT_TRUE(NeighbourList::fits(0, 60000, 65000));  // 60000 - 65000 = -5000
  EXPECT_EQ(NeighbourList::units(5, false), 5u);
  EXPECT_EQ(NeighbourList::units(5, true), 11u);
  EXPECT_EQ(NeighbourList::units(0, true), 0u);
}

// Random lists over `agents` agents: most neighbours within +-200 of the agent, and every
// `far_every`-th agent also with one neighbour anywhere (usually beyond an offset).
void random_lists(std::size_t agents, std::size_t far_every, std::vector<std::uint32_t>& offsets,
                  std::vector<std::uint32_t>& list) {
  offsets.assign(agents + 1, 0);
  list.clear();
  for (std::size_t i = 0; i < agents; ++i) {
    const RandomDraw r(7, i, Purpose::kTest, 0);
    const int count = static_cast<int>(r.uniform(0) * 20);  // 0 to 19
    for (int k = 0; k < count; ++k) {
      const RandomDraw q(7, i, Purpose::kTest, static_cast<std::uint64_t>(k) + 1);
      std::int64_t j =
          static_cast<std::int64_t>(i) + static_cast<std::int64_t>(q.uniform(0) * 401) - 200;
      if (far_every != 0 && i % far_every == 0 && k == count / 2) {
        j = static_cast<std::int64_t>(q.uniform(1) * static_cast<double>(agents));
      }
      j = std::clamp<std::int64_t>(j, 0, static_cast<std::int64_t>(agents) - 1);
      list.push_back(static_cast<std::uint32_t>(j));
    }
    offsets[i + 1] = static_cast<std::uint32_t>(list.size());
  }
}

TEST(NeighbourList, GivesBackEveryListExactlyInBothForms) {
  constexpr std::size_t kAgents = 200000;
  std::vector<std::uint32_t> offsets, list;
  random_lists(kAgents, 97, offsets, list);
  NeighbourList lists;
  lists.from_plain(offsets, list);
  ASSERT_EQ(lists.agents(), kAgents);
  std::size_t wide = 0, compact = 0, expected_entries = 0;
  for (std::size_t i = 0; i < kAgents; ++i) {
    const std::vector<std::uint32_t> want(list.begin() + offsets[i], list.begin() + offsets[i + 1]);
    ASSERT_EQ(lists.neighbours(i), want) << "agent " << i;
    bool fits = true, wraps = false;
    for (std::uint32_t j : want) {
      fits = fits && NeighbourList::fits(i, j, kAgents);
      wraps = wraps || (j > i + 32767 || i > j + 32767);
    }
    EXPECT_EQ(lists.wraps()[i], fits && wraps ? 1 : 0) << "agent " << i;
    const std::uint32_t units = lists.offsets()[i + 1] - lists.offsets()[i];
    const std::uint32_t n = static_cast<std::uint32_t>(want.size());
    EXPECT_EQ(units, fits ? n : 2 * n + 1) << "agent " << i;
    expected_entries += units;
    if (!want.empty()) (fits ? compact : wide) += 1;
  }
  EXPECT_GT(wide, 1000u) << "the test must exercise the full-width form";
  EXPECT_GT(compact, 100000u);
  EXPECT_EQ(lists.num_entries(), expected_entries);
  EXPECT_EQ(lists.bytes(), 4 * (kAgents + 1) + kAgents + 2 * expected_entries);
  std::vector<std::uint32_t> offsets2, list2;
  lists.to_plain(offsets2, list2);
  EXPECT_EQ(offsets2, offsets);
  EXPECT_EQ(list2, list);
}

TEST(NeighbourList, WideListsHoldIndicesAbove65535) {
  // 200,000 agents; agent 3 lists agents 0x12345 and 100000 (no offset fits either way): low
  // halves first; agent 2 lists agent 0 (offset -2), agent 0 lists agent 199,999 (offset -1,
  // across the end).
  constexpr std::uint32_t n = 200000;
  std::vector<std::uint32_t> offsets(n + 1, 5);
  offsets[0] = 0;
  offsets[1] = 1;
  offsets[2] = 1;
  offsets[3] = 2;
  std::vector<std::uint32_t> list = {n - 1, 0, 0x12345, 100000, 4};
  NeighbourList lists;
  lists.from_plain(offsets, list);
  EXPECT_EQ(lists.num_entries(), 1u + 0u + 1u + 7u);
  EXPECT_EQ(lists.entries()[0], 0xffff);
  EXPECT_EQ(lists.neighbours(0), (std::vector<std::uint32_t>{n - 1}));
  EXPECT_EQ(lists.wraps()[0], 1);  // decoded with the correction across the end
  EXPECT_EQ(lists.wraps()[2], 0);
  const std::uint16_t* e = lists.entries() + lists.offsets()[3];
  EXPECT_EQ(e[0], NeighbourList::kWide);
  EXPECT_EQ(e[1], 0x2345);
  EXPECT_EQ(e[2], 0x1);
  EXPECT_EQ(lists.neighbours(3), (std::vector<std::uint32_t>{0x12345, 100000, 4}));
  EXPECT_EQ(lists.neighbours(2), (std::vector<std::uint32_t>{0}));  // offset -2: compact
  EXPECT_EQ(lists.entries()[lists.offsets()[2]], 0xfffe);
  EXPECT_TRUE(lists.neighbours(1).empty());
}

TEST(NeighbourList, EmptyPlainFormMeansNoLists) {
  NeighbourList lists;
  lists.from_plain({}, {});
  EXPECT_EQ(lists.agents(), 0u);
  std::vector<std::uint32_t> offsets = {9}, list = {9};
  lists.to_plain(offsets, list);
  EXPECT_TRUE(offsets.empty());
  EXPECT_TRUE(list.empty());
}

}  // namespace
}  // namespace nksim
