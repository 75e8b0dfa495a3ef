// Golden runs, one per registered mechanism (golden.toml): a shipped scenario that uses it, run
// for a short time, must reproduce the counts stored beside it (<mechanism>.csv) — cell counts
// exactly, field totals to 1e-9 relative. A mechanism with no golden run fails, so a new
// mechanism cannot land without one. NKSIM_UPDATE_GOLDEN=1 writes the references instead.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nksim/api/session.h"
#include "nksim/core/text.h"
#include "nksim/io/spatial_output.h"
#include "nksim/io/toml_reader.h"
#include "nksim/mechanisms/builtin.h"

namespace nksim {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = fs::path(NKSIM_SOURCE_DIR) / "tests" / "golden";

// The run's counts.csv text: a header, then one row per output time.
std::string golden_counts(const std::string& mechanism, std::string& problem) {
  const TomlDocument index = TomlDocument::parse_file(kGolden / "golden.toml");
  TableReader root = index.reader();
  if (!root.has(mechanism)) {
    problem = "no golden run for '" + mechanism + "': add it to tests/golden/golden.toml";
    return "";
  }
  TableReader entry = root.table(mechanism);
  const std::string scenario = entry.string("scenario");
  const double end = entry.number("end_time_min", Bound::kPositive);
  entry.finish();
  const fs::path file = fs::path(NKSIM_SOURCE_DIR) / "scenarios" / (scenario + ".toml");
  const TomlDocument document =
      TomlDocument::parse_file(file).with_number("simulation.end_time_min", end);
  SpatialSession session(document, 2);
  bool uses = false;
  for (const auto& m : session.simulation().mechanisms()) uses = uses || m->name() == mechanism;
  if (!uses) {
    problem = scenario + " does not use " + mechanism;
    return "";
  }
  std::ostringstream csv;
  csv << "time_min," << join(count_columns(session.simulation()), ",") << "\n";
  const auto row = [&](const Simulation& sim) {
    csv << format_number(sim.time_min(), 12);
    for (double v : count_row(sim)) csv << "," << format_number(v, 15);
    csv << "\n";
  };
  const double dt = session.simulation().settings().dt_mechanics_min;
  const auto every = static_cast<std::uint64_t>(
      std::max(1.0, std::round(session.output_settings().output_interval_min / dt)));
  row(session.simulation());
  session.add_observer([&](const Simulation& sim) {
    if (sim.mechanics_steps() % every == 0) row(sim);
  });
  session.run_to_end();
  return csv.str();
}

std::vector<std::vector<std::string>> cells(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) rows.push_back(split_list(line));
  return rows;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, MechanismReproducesItsReferenceCounts) {
  const std::string mechanism = GetParam();
  std::string problem;
  const std::string counts = golden_counts(mechanism, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  const fs::path reference = kGolden / (mechanism + ".csv");
  if (std::getenv("NKSIM_UPDATE_GOLDEN")) {
    std::ofstream(reference, std::ios::binary) << counts;
    GTEST_SKIP() << "wrote " << reference;
  }
  std::ifstream in(reference, std::ios::binary);
  ASSERT_TRUE(in) << "no reference " << reference << " (NKSIM_UPDATE_GOLDEN=1 writes it)";
  const std::string expected((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  const auto want = cells(expected);
  const auto got = cells(counts);
  ASSERT_EQ(got.size(), want.size()) << "rows";
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(got[0], want[0]) << "columns";
  for (std::size_t r = 1; r < want.size(); ++r) {
    ASSERT_EQ(got[r].size(), want[r].size());
    for (std::size_t c = 0; c < want[r].size(); ++c) {
      const std::string& column = want[0][c];
      const double a = std::stod(got[r][c]), b = std::stod(want[r][c]);
      const bool total = column.size() > 6 && column.substr(column.size() - 6) == "_total";
      if (total) {
        EXPECT_NEAR(a, b, 1e-9 * std::max(1.0, std::abs(b))) << column << " at row " << r;
      } else {
        EXPECT_EQ(a, b) << column << " at t = " << want[r][0] << " min";
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryMechanism, Golden, ::testing::ValuesIn(mechanism_names()),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace nksim
