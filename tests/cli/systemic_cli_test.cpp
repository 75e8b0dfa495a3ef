// End-to-end: the coupled scenario spheroid_systemic_car_nk (a systemic well-mixed run stepped
// with a tissue patch, mechanism systemic_supply). The same outputs at 1 and 2 threads; the
// systemic run without feedback equals `nksim run` of its well-mixed file at the coupling times;
// bad inputs give "file:line:col: 'key' ..." and exit code 2 with no output written.
// (Checkpoint and resume: tests/cli/checkpoint_test.cpp runs this scenario among the shipped.)
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace systemic_cli_test {

using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;
using testing::write_file;
namespace fs = std::filesystem;

const fs::path kScenarios = fs::path(NKSIM_SOURCE_DIR) / "scenarios";
const char* const kCoupled = "spheroid_systemic_car_nk.toml";
const char* const kSystemic = "nk_kinetics_car_nk.toml";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::logic_error("fixture text not found: " + from);
  return text.replace(at, from.size(), to);
}

// The coupled scenario (with `text` in place of the shipped one) and its systemic file in `dir`.
fs::path copy_scenario(const fs::path& dir, const std::string& text) {
  write_file(dir / kSystemic, read_file(kScenarios / kSystemic));
  write_file(dir / "s.toml", text);
  return dir / "s.toml";
}

// A CSV file as header -> column of numbers.
std::map<std::string, std::vector<double>> read_csv(const fs::path& file) {
  std::istringstream in(read_file(file));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::istringstream header(line);
  for (std::string c; std::getline(header, c, ',');) names.push_back(c);
  std::map<std::string, std::vector<double>> columns;
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    std::size_t k = 0;
    for (std::string c; std::getline(cells, c, ','); ++k) columns[names.at(k)].push_back(std::stod(c));
  }
  return columns;
}

TEST(SystemicCli, SameOutputsAtOneAndTwoThreads) {
  const fs::path dir = fresh_directory("systemic-threads");
  const std::string scenario = (kScenarios / kCoupled).string();
  const auto one = run_cli("run " + scenario + " -q -t 1 --out " + (dir / "one").string());
  const auto two = run_cli("run " + scenario + " -q -t 2 --out " + (dir / "two").string());
  ASSERT_EQ(one.exit_code, 0) << one.output;
  ASSERT_EQ(two.exit_code, 0) << two.output;
  for (const char* file : {"counts.csv", "systemic.csv", "systemic.csv-metadata.json"}) {
    const std::string a = read_file(dir / "one" / file);
    EXPECT_FALSE(a.empty()) << file;
    EXPECT_TRUE(a == read_file(dir / "two" / file)) << file << " differs";
  }
  const auto summary = nlohmann::json::parse(read_file(dir / "one" / "summary.json"));
  const auto& readouts = summary["readouts"]["systemic_supply"];
  EXPECT_EQ(readouts["couplings"].get<int>(), 72);  // every hour of three days
  EXPECT_EQ(readouts["source_sites"].get<int>(), 76);
  EXPECT_GT(readouts["recruited"].get<int>(), 0);
}

TEST(SystemicCli, WithoutFeedbackTheSystemicRunIsTheWellMixedRun) {
  const fs::path dir = fresh_directory("systemic-alone");
  const std::string text =
      replace(read_file(kScenarios / kCoupled), "blood_volume_ul = 5e6", "");
  const fs::path scenario = copy_scenario(dir, text);
  const auto coupled = run_cli("run " + scenario.string() + " -q --out " + (dir / "c").string());
  const auto alone =
      run_cli("run " + (dir / kSystemic).string() + " -q --out " + (dir / "w").string());
  ASSERT_EQ(coupled.exit_code, 0) << coupled.output;
  ASSERT_EQ(alone.exit_code, 0) << alone.output;
  const auto c = read_csv(dir / "c" / "systemic.csv");
  const auto w = read_csv(dir / "w" / "timeseries.csv");
  const auto& days = c.at("time_days");
  int compared = 0;
  for (std::size_t r = 0; r < days.size(); ++r) {
    if (days[r] != std::round(days[r])) continue;  // nksim run writes whole days
    const auto day = static_cast<std::size_t>(days[r]);
    ASSERT_EQ(w.at("time_days")[day], days[r]);
    for (const char* state : {"E", "M", "A", "L", "IL15", "IL2"}) {
      const double a = c.at(state)[r], b = w.at(state)[day];
      EXPECT_NEAR(a, b, 1e-12 * std::max(1.0, std::abs(b))) << state << " on day " << day;
    }
    ++compared;
  }
  EXPECT_EQ(compared, 3);  // days 0, 1, 2 (the last coupling is at 71 h)
}

struct Case {
  const char* name;
  std::string from, to;
  const char* key;                    // the message names the line that starts with this text
  std::vector<std::string> expected;  // substrings of the message
  bool copy_systemic = true;
};

TEST(SystemicCli, BadInputsNameFileLineAndKeyAndWriteNothing) {
  const std::string shipped = read_file(kScenarios / kCoupled);
  const std::vector<Case> cases = {
      {"missing_file", "\"nk_kinetics_car_nk.toml\"", "\"no_such_file.toml\"", "systemic =",
       {"'mechanisms.systemic_supply.systemic' is 'no_such_file.toml'", "is not a file"}},
      {"unknown_state", "[\"E\", \"M\"]", "[\"E\", \"Mem\"]", "blood_states =",
       {"'mechanisms.systemic_supply.blood_states' names 'Mem', not a state of nk_kinetics",
        "did you mean 'M'?"}},
      {"negative_k", "k_recruit_ul_per_min = 1.5e-5", "k_recruit_ul_per_min = -1.5e-5",
       "k_recruit_ul_per_min =", {"'mechanisms.systemic_supply.k_recruit_ul_per_min' must be >= 0"}},
      {"interval_not_multiple", "interval_min = 60", "interval_min = 45", "interval_min =",
       {"'mechanisms.systemic_supply.interval_min' is 45 min, not a whole multiple of "
        "dt_phenotype_min (6 min)"}},
      {"systemic_too_short", "end_time_min = 4320", "end_time_min = 4320\n", "systemic =",
       {"'mechanisms.systemic_supply.systemic' runs to 2 days, but the tissue runs to 3 days"}},
  };
  for (const Case& c : cases) {
    const fs::path dir = fresh_directory(std::string("systemic-bad-") + c.name);
    const std::string text = replace(shipped, c.from, c.to);
    const fs::path scenario = copy_scenario(dir, text);
    if (std::string(c.name) == "systemic_too_short") {
      write_file(dir / kSystemic, replace(read_file(kScenarios / kSystemic),
                                          "end_time_days = 400", "end_time_days = 2"));
    }
    const std::size_t at = text.find("\n" + std::string(c.key));
    ASSERT_NE(at, std::string::npos) << c.name;
    const auto line = 2 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
    const auto r = run_cli("run " + scenario.string() + " --out " + (dir / "out").string());
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.output;
    const std::string where = "s.toml:" + std::to_string(line) + ":";
    EXPECT_NE(r.output.find(where), std::string::npos) << c.name << ": no " << where << " in "
                                                       << r.output;
    for (const auto& text_expected : c.expected) {
      EXPECT_NE(r.output.find(text_expected), std::string::npos)
          << c.name << ": expected '" << text_expected << "' in: " << r.output;
    }
    EXPECT_FALSE(fs::exists(dir / "out")) << c.name;
    EXPECT_FALSE(fs::exists(dir / ".out.partial")) << c.name;
  }
}

}  // namespace systemic_cli_test
}  // namespace nksim
