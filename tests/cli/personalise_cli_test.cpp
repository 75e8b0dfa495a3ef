// `nksim personalise` end to end: the real binary on de Pillis 2006's drug decay (a fit of
// gamma and M0, then two schedules), its files and columns, thread independence, bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_cli.h"

namespace nksim {
namespace {

using testing::fresh_directory;
using testing::quoted;
using testing::read_file;
using testing::run_cli;
using testing::write_file;

void write_inputs(const std::filesystem::path& dir) {
  write_file(dir / "drug.toml", R"([simulation]
engine = "well_mixed"
model = "depillis2006"
end_time_days = 6
output_interval_days = 0.5
[initial]
M = 8
)");
  write_file(dir / "drug.csv", R"(time_days,observable,value
0,drug,8.4
1,drug,3.1
2,drug,1.37
3,drug,0.51
4,drug,0.22
5,drug,0.093
6,drug,0.036
)");
  write_file(dir / "fit.toml", R"([fit]
scenario = "drug.toml"
measurements = "drug.csv"
starts = 3
seed = 9
profiles = false
[[observable]]
name = "drug"
state = "M"
noise = "lognormal"
sd = 0.1
[[parameter]]
name = "gamma"
lower = 0.05
upper = 5
log = true
[[parameter]]
name = "initial.M"
lower = 0.5
upper = 50
log = true
)");
  // Three schedules of the drug: none, one bolus, two boluses. Response: M <= 0.5 mg/L on day 4;
  // toxicity: the peak of M (8 mg/L at day 0 unless the second bolus lifts M to about 13).
  write_file(dir / "personalise.toml", R"([personalise]
fit = "fit.toml"
members = 20
seed = 2
[outcomes]
horizon_days = 6
output_interval_days = 0.5
target = "M"
response_below = 0.5
response_day = 4
toxicity_state = "M"
[[schedule]]
name = "none"
[[schedule]]
name = "one bolus"
[[schedule.dose]]
state = "M"
time_days = 1
amount = 4
[[schedule]]
name = "two boluses"
[[schedule.dose]]
state = "M"
time_days = 1
amount = 4
[[schedule.dose]]
state = "M"
time_days = 3
amount = 12
)");
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> cells;
    std::stringstream stream(line);
    std::string cell;
    while (std::getline(stream, cell, ',')) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

TEST(PersonaliseCli, WritesTheDocumentedFilesAndIsThreadIndependent) {
  const auto dir = fresh_directory("personalise-cli");
  write_inputs(dir);
  const auto out1 = dir / "out1";
  const auto out2 = dir / "out2";
  auto r = run_cli("personalise " + quoted(dir / "personalise.toml") + " --out " + quoted(out1) +
                   " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("not medical advice"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Ensemble: 20 acceptable fits"), std::string::npos) << r.output;
  const std::string schedules = read_file(out1 / "schedules.csv");
  const auto rows = csv_rows(schedules);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(schedules.substr(0, schedules.find('\n')),
            "schedule,members,responders,response_probability,response_ci_lower,"
            "response_ci_upper,ttp_median_days,ttp_p10_days,ttp_p90_days,progressed,"
            "toxicity_peak_median,toxicity_peak_p10,toxicity_peak_p90,dominated,dominated_by");
  // Units: the CSVW sidecar gives each column's unit (mg/L for the drug's peak).
  const auto meta = nlohmann::json::parse(read_file(out1 / "schedules.csv-metadata.json"));
  EXPECT_NE(meta.dump().find("mg/L"), std::string::npos);
  EXPECT_NE(meta.dump().find("\"days\""), std::string::npos);
  // A schedule better than another on every criterion is never marked dominated by it, and
  // the other is marked dominated by it; every schedule marked dominated names who dominates.
  std::size_t better_pairs = 0;
  for (std::size_t a = 1; a < rows.size(); ++a) {
    for (std::size_t b = 1; b < rows.size(); ++b) {
      if (a == b) continue;
      const bool a_better = std::stod(rows[a][3]) > std::stod(rows[b][3]) &&
                            std::stod(rows[a][6]) > std::stod(rows[b][6]) &&
                            std::stod(rows[a][10]) < std::stod(rows[b][10]);
      if (a_better) {
        ++better_pairs;
        EXPECT_EQ(rows[a][14].find(rows[b][0]), std::string::npos) << rows[a][0];
        EXPECT_EQ(rows[b][13], "yes") << rows[b][0];
        EXPECT_NE(rows[b][14].find(rows[a][0]), std::string::npos) << rows[b][0];
      }
    }
    if (rows[a][13] == "yes") {
      EXPECT_FALSE(rows[a][14].empty());
    }
  }
  // "none" (all respond, no progression, never above 8 mg/L) beats "two boluses" on all three,
  // so the check above has cases to check; "none" itself is not dominated.
  EXPECT_GE(better_pairs, 1u);
  EXPECT_EQ(rows[1][13], "no");
  EXPECT_EQ(rows[3][13], "yes");
  // members.csv: 20 members x 3 schedules; ensemble.csv: the best fit first.
  EXPECT_EQ(csv_rows(read_file(out1 / "members.csv")).size(), 1u + 60u);
  const auto ensemble = csv_rows(read_file(out1 / "ensemble.csv"));
  ASSERT_EQ(ensemble.size(), 21u);
  EXPECT_EQ(ensemble[0], (std::vector<std::string>{"member", "candidate", "gamma", "initial.M",
                                                   "objective", "delta_objective"}));
  EXPECT_EQ(ensemble[1][1], "best");
  EXPECT_EQ(ensemble[1][5], "0");
  const auto summary = nlohmann::json::parse(read_file(out1 / "summary.json"));
  EXPECT_EQ(summary["command"], "personalise");
  EXPECT_EQ(summary["schedules"].size(), 3u);

  r = run_cli("personalise " + quoted(dir / "personalise.toml") + " --out " + quoted(out2) +
              " --threads 2 -q");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "");
  for (const char* file :
       {"schedules.csv", "members.csv", "ensemble.csv", "trajectories.csv", "summary.json"}) {
    EXPECT_EQ(read_file(out1 / file), read_file(out2 / file)) << file;
  }

  r = run_cli("validate " + quoted(dir / "personalise.toml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("valid personalise spec (3 schedules"), std::string::npos) << r.output;

  // The report: the band chart and the schedule table.
  r = run_cli("report " + quoted(out1));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string html = read_file(out1 / "report.html");
  EXPECT_NE(html.find("\"personalise-bands\""), std::string::npos);
  EXPECT_NE(html.find("two boluses"), std::string::npos);
  EXPECT_NE(html.find("not medical advice"), std::string::npos);
}

TEST(PersonaliseCli, BadInputIsExitCodeTwoAndLeavesNoOutput) {
  const auto dir = fresh_directory("personalise-cli-bad");
  write_inputs(dir);
  const std::string good = read_file(dir / "personalise.toml");
  auto check = [&](const std::string& from, const std::string& to, const std::string& message) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    write_file(dir / "bad.toml", text);
    const auto out = dir / "out";
    const auto r = run_cli("personalise " + quoted(dir / "bad.toml") + " --out " + quoted(out));
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(out)) << from;
  };
  check("seed = 2", "seed = 2\ncolour = 1", "bad.toml:5:10: unknown key 'colour' in [personalise]");
  check("target = \"M\"", "target = \"X\"", "bad.toml:8:10: 'outcomes.target' is 'X'");
  check("amount = 4\n[[schedule]]", "amount = -4\n[[schedule]]", "'schedule[2].dose[1].amount'");
  check("fit = \"fit.toml\"", "fit = \"nofit.toml\"", "bad.toml:2:7: 'personalise.fit' is");
  check("[[schedule]]\nname = \"none\"", "[[schedulex]]\nname = \"none\"", "schedule");
  std::string none = good.substr(0, good.find("[[schedule]]"));
  write_file(dir / "empty.toml", none);
  const auto r =
      run_cli("personalise " + quoted(dir / "empty.toml") + " --out " + quoted(dir / "out"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("[[schedule]]"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

}  // namespace
}  // namespace nksim
