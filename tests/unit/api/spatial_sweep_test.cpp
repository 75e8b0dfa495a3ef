// Parameter sweeps (api/spatial_sweep.h): the override of one number, its errors, and the
// specific-lysis formula 100 (dead - dead_0) / (1 - dead_0).
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <gtest/gtest.h>

#include "nksim/api/nksim.h"
#include "nksim/api/spatial_sweep.h"
#include "nksim/core/error.h"
#include "nksim/core/text.h"

namespace nksim {
namespace {

const char* kText = R"(
[sweep]
parameter = "a.b[2].c"
values = [1, 2]
[a]
x = 3
[[a.b]]
c = 1.5
[[a.b]]
c = 2.5
name = "second"
[s]
seed = 4
)";

TEST(SpatialSweep, ReplacesOneNumberAndDropsTheSweepTable) {
  const TomlDocument doc = TomlDocument::parse_string(kText, "dir/s.toml");
  EXPECT_TRUE(has_sweep(doc));
  const TomlDocument changed = with_parameter(doc, "a.b[2].c", 7.25);
  EXPECT_FALSE(has_sweep(changed));
  EXPECT_EQ(changed.file(), "dir/s.toml");   // relative paths still resolve beside the file
  const toml::table& root = changed.root();  // toml++ paths index arrays from 0
  EXPECT_EQ(root.at_path("a.b[0].c").value<double>(), 1.5);
  EXPECT_EQ(root.at_path("a.b[1].c").value<double>(), 7.25);
  EXPECT_EQ(root.at_path("a.b[1].name").value<std::string>(), "second");
  EXPECT_EQ(root.at_path("a.x").value<double>(), 3.0);
  // Integers stay integers for whole values (a seed), become floats otherwise.
  EXPECT_TRUE(with_parameter(doc, "s.seed", 9).root().at_path("s.seed").is_integer());
  EXPECT_EQ(with_parameter(doc, "s.seed", 9).root().at_path("s.seed").value<std::int64_t>(), 9);
  EXPECT_TRUE(with_parameter(doc, "a.x", 0.5).root().at_path("a.x").is_floating_point());
}

// The override is a value edit of the parsed file, so every key keeps its line (errors in a swept
// scenario point at the user's file), and the [sweep] table goes, header or inline.
TEST(SpatialSweep, LinesAreKeptForErrorMessages) {
  const TomlDocument doc = TomlDocument::parse_string(kText, "s.toml");
  const TomlDocument changed = with_parameter(doc, "a.b[2].c", 0.125);
  EXPECT_EQ(changed.root().at_path("a.b[1].name").node()->source().begin.line,
            doc.root().at_path("a.b[1].name").node()->source().begin.line);
  EXPECT_EQ(changed.root().at_path("s.seed").node()->source().begin.line,
            doc.root().at_path("s.seed").node()->source().begin.line);
  EXPECT_EQ(std::count(changed.text().begin(), changed.text().end(), '\n'),
            std::count(doc.text().begin(), doc.text().end(), '\n'));
  const TomlDocument inline_sweep = TomlDocument::parse_string(
      "sweep = { parameter = \"t.v\", values = [1] }\n[t]\nv = 2\n", "i.toml");
  const TomlDocument spliced = with_parameter(inline_sweep, "t.v", 5);
  EXPECT_FALSE(has_sweep(spliced));
  EXPECT_EQ(spliced.root().at_path("t.v").value<std::int64_t>(), 5);
  EXPECT_EQ(spliced.root().at_path("t.v").node()->source().begin.line, 3u);
}

// A condition's scenario as written beside its outputs: the edited values as TOML that reads back
// to the same numbers (to the last bit) and hashes to what the run records; an unedited scenario
// is its own bytes.
TEST(SpatialSweep, EditedTextReadsBackToTheEditedValues) {
  const TomlDocument doc = TomlDocument::parse_string(kText, "s.toml");
  EXPECT_EQ(doc.edited_text(), doc.text());
  EXPECT_EQ(doc.hash(), fnv1a_hex(doc.text()));
  const double value = 0.1 + 0.2;  // not a short decimal
  const TomlDocument changed = with_parameter(doc, "a.b[2].c", value);
  ASSERT_EQ(changed.edits().size(), 2u);  // the number, then [sweep] removed
  EXPECT_EQ(changed.hash(), fnv1a_hex(changed.edited_text()));
  EXPECT_NE(changed.hash(), doc.hash());
  const TomlDocument back = TomlDocument::parse_string(changed.edited_text(), "back.toml");
  EXPECT_FALSE(has_sweep(back));
  EXPECT_EQ(back.root().at_path("a.b[1].c").value<double>(), value);
  EXPECT_EQ(back.root().at_path("a.b[0].c").value<double>(), 1.5);
  EXPECT_EQ(back.root().at_path("a.b[1].name").value<std::string>(), "second");
  EXPECT_TRUE(back.root().at_path("s.seed").is_integer());
  EXPECT_EQ(back.root().at_path("s.seed").value<std::int64_t>(), 4);
  EXPECT_NE(changed.edited_text().find("a.b[2].c = 0.30000000000000004"), std::string::npos)
      << changed.edited_text();
}

TEST(SpatialSweep, BadPathsAreInputErrors) {
  const TomlDocument doc = TomlDocument::parse_string(kText, "s.toml");
  EXPECT_THROW(with_parameter(doc, "a.y", 1), InputError);          // no such number
  EXPECT_THROW(with_parameter(doc, "q.c", 1), InputError);          // no such table
  EXPECT_THROW(with_parameter(doc, "a.b[3].c", 1), InputError);     // no third element
  EXPECT_THROW(with_parameter(doc, "a.b[0].c", 1), InputError);     // indices are 1-based
  EXPECT_THROW(with_parameter(doc, "a.b[2].name", 1), InputError);  // not a number
  EXPECT_THROW(with_parameter(doc, "a.x.z", 1), InputError);        // through a number
}

TEST(SpatialSweep, SpecificLysisSubtractsSpontaneousDeath) {
  EXPECT_DOUBLE_EQ(specific_lysis_percent(0.5, 0.0), 50.0);
  EXPECT_DOUBLE_EQ(specific_lysis_percent(0.6, 0.2), 50.0);  // (0.6 - 0.2) / 0.8
  EXPECT_DOUBLE_EQ(specific_lysis_percent(0.2, 0.2), 0.0);
  EXPECT_DOUBLE_EQ(specific_lysis_percent(1.0, 0.3), 100.0);
  EXPECT_LT(specific_lysis_percent(0.1, 0.2), 0.0);  // below control: reported, not hidden
}

// The whole path through the facade: the killing assay writes one directory per E:T and a
// summary with the specific lysis per E:T (values checked in nk_validation_test).
TEST(SpatialSweep, KillingAssayWritesConditionsAndSpecificLysis) {
  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("nk_sweep_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(out);
  RunOptions options;
  options.out_dir = out;
  options.threads = 1;
  options.progress = false;
  const RunReport report = run_scenario_file(
      std::filesystem::path(NKSIM_SOURCE_DIR) / "scenarios" / "killing_assay.toml", options);
  EXPECT_NE(report.headline.find("specific lysis"), std::string::npos);
  std::ifstream in(out / "summary.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  ASSERT_EQ(j["conditions"].size(), 6u);
  for (const auto& c : j["conditions"]) {
    EXPECT_TRUE(std::filesystem::exists(out / c["out_dir"].get<std::string>() / "counts.csv"));
  }
  const auto& by_value = j["specific_lysis"]["by_value"];
  ASSERT_EQ(by_value.size(), 5u);
  EXPECT_EQ(by_value[0]["value"].get<double>(), 0.5);
  EXPECT_EQ(by_value[4]["value"].get<double>(), 10.0);
  const double control = j["specific_lysis"]["control_dead_fraction"].get<double>();
  for (const auto& v : by_value) {
    EXPECT_DOUBLE_EQ(v["specific_lysis_percent"].get<double>(),
                     specific_lysis_percent(v["dead_fraction"].get<double>(), control));
  }
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace nksim
