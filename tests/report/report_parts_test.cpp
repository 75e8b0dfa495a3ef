// Unit tests of the report's building blocks: chart label placement, the HTML page (escaping,
// the 3-D library inlined only when needed, chart ids) and the HDF5 wrapper. The pages written
// for each kind of output are tested in report_test.cpp.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nksim/core/error.h"
#include "nksim/io/hdf5_file.h"
#include "nksim/report/chart_labels.h"
#include "nksim/report/html_page.h"
#include "support/run_cli.h"

namespace nksim::report {
namespace {

namespace fs = std::filesystem;

using testing::fresh_directory;
using testing::write_file;


// 800 px for 60 days: 13.3 px per day; a label starts 12 px right of its mark and each
// character is 7.5 px wide, so "dose: 1 into N" (14 characters) ends 117 px = 8.8 days later.
TEST(ChartLabels, ClosePositionsShareOneLabel) {
  const std::vector<double> times = {7, 8, 9, 10, 30};
  const std::vector<std::string> what(5, "dose: 1 into N");
  const auto labels = cluster_labels(times, what, 60, 800, "doses");
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].text, "4 doses: dose: 1 into N");
  EXPECT_EQ(labels[0].count, 4u);
  EXPECT_DOUBLE_EQ(labels[0].time, 7);
  EXPECT_EQ(labels[1].text, "dose: 1 into N");
  EXPECT_EQ(labels[1].count, 1u);
}

TEST(ChartLabels, LabelsOnOneLineNeverOverlap) {
  // Invariant: each label ends (12 px + 7.5 px per character) before the next one starts.
  std::vector<double> times;
  std::vector<std::string> what;
  for (int i = 0; i < 50; ++i) {
    times.push_back(i * i * 0.05);
    what.push_back(i % 3 ? "dose: 1 billion into L" : "dose: 5 million into I");
  }
  const double span = times.back(), width = 800, px = width / span;
  const auto labels = cluster_labels(times, what, span, width, "doses");
  std::size_t covered = 0;
  for (std::size_t k = 0; k < labels.size(); ++k) {
    covered += labels[k].count;
    if (k + 1 < labels.size()) {
      const double end =
          labels[k].time * px + 12 + 7.5 * static_cast<double>(labels[k].text.size());
      EXPECT_LE(end, labels[k + 1].time * px) << labels[k].text;
    }
  }
  EXPECT_EQ(covered, times.size());
  // The first doses differ ("1 billion into L", "5 million into I"): the label only counts.
  ASSERT_GT(labels.front().count, 1u);
  EXPECT_EQ(labels.front().text, std::to_string(labels.front().count) + " doses");
  EXPECT_THROW(cluster_labels({1, 2}, {"a"}, 1, 1, "doses"), Error);
}

// Every shipped spatial scenario with an NK mechanism writes snapshots (so that its report
// draws the tissue and ParaView has something to open): at least two during the run.
TEST(HtmlPage, EscapesTextAndKeepsScriptsClosed) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  const std::string json = script_safe_json({{"label", "</script><b>"}});
  EXPECT_EQ(json.find('<'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(json)["label"], "</script><b>");
}

// three.js is inlined only in pages with a 3-D view; such a page without it is an error that
// names scripts/setup.sh.
TEST(HtmlPage, ThreeDViewsInlineThreeJsOnlyWhenNeeded) {
  ChartLibrary library;
  library.vega = "/*vega*/";
  library.three = "/*three.js inline*/";
  library.three_version = "three 0.159.0";
  HtmlPage flat("flat");
  flat.chart("a", nlohmann::json::object(), "");
  EXPECT_EQ(flat.render(library).find("three.js inline"), std::string::npos);
  HtmlPage deep("deep");
  deep.scene3d("tissue", {{"x", {1.5}}, {"y", {2}}, {"z", {3}}, {"r", {4}}, {"k", {0}}}, "cells");
  const std::string page = deep.render(library);
  EXPECT_NE(page.find("/*three.js inline*/"), std::string::npos);
  EXPECT_NE(page.find("id=\"scene-tissue\""), std::string::npos);
  EXPECT_NE(page.find("\"x\":[1.5]"), std::string::npos);
  EXPECT_NE(page.find("three 0.159.0"), std::string::npos);
  EXPECT_THROW(deep.scene3d("tissue", nlohmann::json::object(), ""), Error);
  library.three.clear();
  try {
    (void)deep.render(library);
    ADD_FAILURE() << "a 3-D page rendered without three.js";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("scripts/setup.sh"), std::string::npos) << e.what();
  }
}

TEST(HtmlPage, RejectsBadAndRepeatedChartIds) {
  HtmlPage page("t");
  page.chart("a", nlohmann::json::object(), "");
  EXPECT_THROW(page.chart("a", nlohmann::json::object(), ""), Error);
  EXPECT_THROW(page.chart("bad id", nlohmann::json::object(), ""), Error);
}

TEST(Hdf5File, RoundTripsAttributesAndDatasets) {
  const fs::path file = fresh_directory("report-hdf5") / "snapshot.h5";
  {
    Hdf5File h5 = Hdf5File::create(file);
    h5.attribute("/", "time_min", 12.5);
    h5.attribute("/", "type_names", "tumour,nk");
    h5.attribute("/", "state_names", "alive,dead", /*variable_length=*/true);
    h5.create_group("/agents");
    const std::vector<std::int32_t> type{0, 1, 1};
    const std::vector<double> position{1, 2, 3, 4, 5, 6};
    h5.dataset("/agents/type", std::vector<std::uint64_t>{3}, std::span<const std::int32_t>(type));
    h5.dataset("/agents/position", std::vector<std::uint64_t>{2, 3},
               std::span<const double>(position));
    EXPECT_THROW(h5.dataset("/agents/radius", std::vector<std::uint64_t>{4},
                            std::span<const double>(position)),
                 Error);
  }
  const Hdf5File h5 = Hdf5File::open(file);
  EXPECT_DOUBLE_EQ(h5.read_double_attribute("time_min"), 12.5);
  EXPECT_EQ(h5.read_string_attribute("type_names"), "tumour,nk");
  EXPECT_EQ(h5.read_string_attribute("state_names"), "alive,dead");
  EXPECT_EQ(h5.read_int32("/agents/type"), (std::vector<std::int32_t>{0, 1, 1}));
  std::vector<std::uint64_t> dims;
  EXPECT_EQ(h5.read_double("/agents/position", &dims), (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(dims, (std::vector<std::uint64_t>{2, 3}));
  EXPECT_FALSE(h5.has_dataset("/agents/radius"));
  EXPECT_FALSE(h5.has_dataset("/nothing/here"));
  EXPECT_THROW(h5.read_double("/agents/radius"), InputError);
  EXPECT_THROW(h5.read_double_attribute("missing"), InputError);
}

TEST(Hdf5File, MissingOrForeignFileIsAnInputError) {
  const fs::path dir = fresh_directory("report-hdf5_bad");
  EXPECT_THROW(Hdf5File::open(dir / "absent.h5"), InputError);
  write_file(dir / "text.h5", "not hdf5");
  EXPECT_THROW(Hdf5File::open(dir / "text.h5"), InputError);
}


}  // namespace
}  // namespace nksim::report
