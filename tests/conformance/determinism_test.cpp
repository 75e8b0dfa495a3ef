// Determinism through the command line: the same seed gives byte-identical counts.csv and HDF5
// snapshots at 1 and 2 threads (random numbers are counter-based, forces are summed per agent in
// a fixed neighbour order, births and deaths are applied in id order); a different seed gives a
// different trajectory.
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace nksim {
namespace {

namespace fs = std::filesystem;

// The 3-D example, shortened, with enough agents (> 4096) that loops really run in parallel.
std::string scenario(int seed) {
  std::string text = testing::read_file(fs::path(NKSIM_SOURCE_DIR) / "scenarios/spheroid_3d.toml");
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace("end_time_min = 720", "end_time_min = 24");
  replace("snapshot_interval_min = 180", "snapshot_interval_min = 12");
  replace("output_interval_min = 60", "output_interval_min = 6");
  replace("seed = 11", "seed = " + std::to_string(seed));
  replace("count = 200", "count = 5000");
  replace("cycle_duration_min = 600", "cycle_duration_min = 60");
  return text;
}

TEST(Determinism, SameSeedIdenticalAtOneAndTwoThreads) {
  const fs::path work = testing::fresh_directory("determinism");
  testing::write_file(work / "a.toml", scenario(3));
  testing::write_file(work / "b.toml", scenario(4));
  const auto r1 = testing::run_cli(
      "run " + (work / "a.toml").string() + " -q --threads 1 --out " + (work / "t1").string(),
      work);
  ASSERT_EQ(r1.exit_code, 0) << r1.output;
  const auto r2 = testing::run_cli(
      "run " + (work / "a.toml").string() + " -q --threads 2 --out " + (work / "t2").string(),
      work);
  ASSERT_EQ(r2.exit_code, 0) << r2.output;
  const auto r3 = testing::run_cli(
      "run " + (work / "b.toml").string() + " -q --threads 2 --out " + (work / "s4").string(),
      work);
  ASSERT_EQ(r3.exit_code, 0) << r3.output;

  const std::string counts1 = testing::read_file(work / "t1/counts.csv");
  ASSERT_FALSE(counts1.empty());
  EXPECT_EQ(counts1, testing::read_file(work / "t2/counts.csv"));
  int snapshots = 0;
  for (const auto& entry : fs::directory_iterator(work / "t1/snapshots")) {
    const fs::path other = work / "t2/snapshots" / entry.path().filename();
    ASSERT_TRUE(fs::exists(other)) << other;
    EXPECT_EQ(testing::read_file(entry.path()), testing::read_file(other)) << entry.path();
    ++snapshots;
  }
  EXPECT_EQ(snapshots, 3);
  EXPECT_EQ(testing::read_file(work / "t1/snapshots.xdmf"),
            testing::read_file(work / "t2/snapshots.xdmf"));

  // Another seed: other positions (the last snapshot differs) and other counts.
  EXPECT_NE(testing::read_file(work / "t1/snapshots/snapshot_000002.h5"),
            testing::read_file(work / "s4/snapshots/snapshot_000002.h5"));
  EXPECT_NE(counts1, testing::read_file(work / "s4/counts.csv"));
  fs::remove_all(work);
}

}  // namespace
}  // namespace nksim
