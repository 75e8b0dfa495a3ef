// The charts of a trial report, read back from the Vega-Lite specs embedded in report.html:
// the Kaplan-Meier curves name their endpoint and reach the end of follow-up with censoring
// ticks, the swimmer plot orders patients by number, the spider plot uses a symmetric log
// scale with the RECIST lines, PRCC bars are horizontal with one readable label each, and
// every axis has a title with its unit.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "support/run_cli.h"
#include "trial_test_util.h"

namespace nksim::test {
namespace {

using testing::quoted;
using testing::read_file;
using testing::run_command;
using testing::TempDir;

using nlohmann::json;

const std::string kNksim = NKSIM_BINARY;

// The chart specs of a report page (the JSON script block, by chart id).
json charts_of(const std::filesystem::path& html) {
  const std::string page = read_file(html);
  const std::string open = "<script type=\"application/json\" id=\"nksim-charts\">";
  const auto begin = page.find(open);
  if (begin == std::string::npos) return json::object();
  const auto start = begin + open.size();
  return json::parse(page.substr(start, page.find("</script>", start) - start));
}

// Every x or y encoding with a field, in the spec and its layers and facets.
void collect_axes(const json& spec, std::vector<json>& axes) {
  if (spec.contains("encoding")) {
    for (const char* channel : {"x", "y"}) {
      if (spec["encoding"].contains(channel) && spec["encoding"][channel].contains("field")) {
        axes.push_back(spec["encoding"][channel]);
      }
    }
  }
  if (spec.contains("layer"))
    for (const auto& layer : spec["layer"]) collect_axes(layer, axes);
  if (spec.contains("spec")) collect_axes(spec["spec"], axes);
}

const json& dataset(const json& spec, const std::string& name) {
  if (spec.contains("data") && spec["data"].value("name", "") == name) {
    return spec["data"]["values"];
  }
  if (spec.contains("layer")) {
    for (const auto& layer : spec["layer"]) {
      if (layer.contains("data") && layer["data"].value("name", "") == name) {
        return layer["data"]["values"];
      }
    }
  }
  static const json none = json::array();
  ADD_FAILURE() << "no dataset " << name;
  return none;
}

// Two threshold endpoints on the small trial: a level on a day and a time to a first crossing.
constexpr const char* kThresholds = R"(
[[endpoints.threshold]]
name = "nk_day20"
state = "N"
day = 20
above = 1e4

[[endpoints.threshold]]
name = "shrink"
state = "T"
first_after_day = 1
below = 1e6
)";

class TrialReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("report");
    const auto file =
        write_trial(dir_->path(), "t.toml", small_trial_body(12, "lhs") + kThresholds);
    const auto out = dir_->path() / "out";
    for (const std::string& command : {" trial run " + quoted(file) + " --out " + quoted(out),
                                       " trial analyse " + quoted(out), " report " + quoted(out)}) {
      const auto result = run_command(kNksim + command);
      ASSERT_EQ(result.exit_code, 0) << command << "\n" << result.output;
    }
    std::ifstream in(out / "analysis.json");
    analysis_ = new json(json::parse(in));
    charts_ = new json(charts_of(out / "report.html"));
    html_ = new std::string(read_file(out / "report.html"));
  }
  static void TearDownTestSuite() {
    delete html_;
    delete charts_;
    delete analysis_;
    delete dir_;
  }
  static TempDir* dir_;
  static json* analysis_;
  static json* charts_;
  static std::string* html_;
};

TempDir* TrialReport::dir_ = nullptr;
json* TrialReport::analysis_ = nullptr;
json* TrialReport::charts_ = nullptr;
std::string* TrialReport::html_ = nullptr;

TEST_F(TrialReport, KaplanMeierNamesItsEndpointAndReachesTheEndOfFollowUp) {
  for (const auto& arm : (*analysis_)["arms"]) {
    EXPECT_EQ(arm["km"]["endpoint"], "overall_survival");
    EXPECT_EQ(arm["pfs_km"]["endpoint"], "progression_free_survival");
    for (const char* key : {"km", "pfs_km"}) {
      EXPECT_EQ(arm[key]["time_days"].back(), 40.0) << key;  // follow_up_days
    }
  }
  const json& os = (*charts_)["kaplan_meier"];
  EXPECT_EQ(os["layer"][1]["encoding"]["y"]["title"], "Patients alive (%)");
  const json& pfs = (*charts_)["kaplan_meier_pfs"];
  EXPECT_EQ(pfs["layer"][1]["encoding"]["y"]["title"], "Patients alive without progression (%)");
  EXPECT_NE(html_->find("Overall survival: the share of patients alive"), std::string::npos);
  EXPECT_NE(html_->find("Progression-free survival: the share of patients alive and free of "
                        "progression"),
            std::string::npos);
  EXPECT_EQ(html_->find("(progression or death) over time"), std::string::npos);

  // Each arm's curve ends at day 40; its censoring ticks sit on the curve at day 40, and they
  // count the patients alive at the end of follow-up (censored), so ticks + deaths = 12.
  const json& km = dataset(os, "km");
  const json& ticks = dataset(os, "kaplan_meier_censored");
  for (const auto& arm : (*analysis_)["arms"]) {
    double last = 0;
    for (const auto& row : km)
      if (row["arm"] == arm["name"]) last = row["time_days"];
    EXPECT_EQ(last, 40.0) << arm["name"];
    std::size_t censored = 0, deaths = 0;
    for (const auto& row : ticks) {
      if (row["arm"] != arm["name"]) continue;
      censored += row["censored"].get<std::size_t>();
      EXPECT_EQ(row["time_days"], 40.0);
      EXPECT_EQ(row["survival"], arm["km"]["survival"].back());
    }
    for (const auto& e : arm["km"]["events"]) deaths += e.get<std::size_t>();
    EXPECT_EQ(censored + deaths, 12u) << arm["name"];
  }
}

TEST_F(TrialReport, SwimmerSortsPatientsByNumber) {
  const json& sort = (*charts_)["swimmer"]["encoding"]["y"]["sort"];
  ASSERT_EQ(sort.size(), 24u);
  for (int p = 0; p < 12; ++p) {
    EXPECT_EQ(sort[p], "low #" + std::to_string(p));
    EXPECT_EQ(sort[12 + p], "high #" + std::to_string(p));
  }
  std::set<std::string> who;
  for (const auto& row : dataset((*charts_)["swimmer"], "patients"))
    who.insert(row["who"].get<std::string>());
  EXPECT_EQ(who, std::set<std::string>(sort.begin(), sort.end()));
}

TEST_F(TrialReport, SpiderIsSymlogWithRecistLines) {
  const json& spider = (*charts_)["spider"];
  const json& y = spider["layer"][0]["encoding"]["y"];
  EXPECT_EQ(y["scale"]["type"], "symlog");
  EXPECT_EQ(y["scale"]["domain"][0], -100);
  std::set<double> rules;
  for (const auto& row : spider["layer"][1]["data"]["values"]) rules.insert(row["y"].get<double>());
  EXPECT_EQ(rules, (std::set<double>{-30, 20}));
  double top = 0;
  for (const auto& row : dataset(spider, "trajectories")) {
    ASSERT_TRUE(row["pct_change"].is_number()) << row;
    const double change = row["pct_change"];
    const double tumour = row["tumour"];
    EXPECT_GE(change, -100.0);
    top = std::max(top, change);
    if (row["time_days"] == 0.0) {
      EXPECT_EQ(change, 0.0);
    }
    if (tumour <= 0) {
      EXPECT_EQ(change, -100.0);
    }
  }
  EXPECT_GE(y["scale"]["domain"][1].get<double>(), top);
}

TEST_F(TrialReport, PrccBarsAreHorizontalWithOneLabelEach) {
  const json& prcc = (*charts_)["prcc"];
  EXPECT_FALSE(prcc.contains("facet"));
  EXPECT_EQ(prcc["mark"], "bar");
  EXPECT_EQ(prcc["encoding"]["y"]["field"], "label");
  EXPECT_EQ(prcc["encoding"]["x"]["field"], "prcc");
  const json& rows = dataset(prcc, "prcc");
  ASSERT_EQ(rows.size(), (*analysis_)["prcc"].size());
  std::set<std::string> labels;
  for (const auto& row : rows) labels.insert(row["label"].get<std::string>());
  EXPECT_EQ(labels.size(), rows.size());  // one bar per label
  EXPECT_EQ(prcc["encoding"]["y"]["sort"].size(), rows.size());
  EXPECT_TRUE(labels.contains("low \u00b7 best % change \u00b7 c")) << *labels.begin();
  // Bars 20 px apart: room for one 11 px line of label each.
  EXPECT_GE(prcc["height"]["step"].get<int>(), 18);
}

TEST_F(TrialReport, SelectionShowsEveryAucWithItsIntervalOnAFixedScale) {
  ASSERT_TRUE(charts_->contains("selection"));
  const json& chart = (*charts_)["selection"];
  const json& rows = dataset(chart, "selection");
  std::size_t features = 0;
  for (const auto& arm : (*analysis_)["selection"]) features += arm["features"].size();
  ASSERT_GT(features, 0u);
  ASSERT_EQ(rows.size(), features);
  for (const auto& row : rows) {
    EXPECT_LE(row["lower"].get<double>(), row["auc"].get<double>()) << row;
    EXPECT_GE(row["upper"].get<double>(), row["auc"].get<double>()) << row;
  }
  // AUC lives on [0, 1], with chance at 0.5 drawn as a reference line.
  EXPECT_EQ(chart["encoding"]["x"]["scale"]["domain"], json({0, 1}));
  EXPECT_EQ(chart["layer"][0]["data"]["values"][0]["chance"], 0.5);
  EXPECT_FALSE(chart["layer"][0]["encoding"].contains("y"));  // a line across every row
}

TEST_F(TrialReport, ThresholdEndpointsShowTheirSharesAndTimesToCrossing) {
  ASSERT_TRUE(charts_->contains("thresholds"));
  const json& rows = dataset((*charts_)["thresholds"], "thresholds");
  std::size_t expected = 0;
  for (const auto& arm : (*analysis_)["arms"]) expected += arm["thresholds"].size();
  ASSERT_EQ(expected, 4u);  // 2 arms x 2 thresholds
  ASSERT_EQ(rows.size(), expected);
  for (const auto& row : rows) {
    EXPECT_LE(row["lower"].get<double>(), row["rate"].get<double>()) << row;
    EXPECT_GE(row["upper"].get<double>(), row["rate"].get<double>()) << row;
    EXPECT_DOUBLE_EQ(row["rate"].get<double>(), row["met"].get<double>() / row["n"].get<double>());
  }
  EXPECT_EQ(rows[0]["definition"], "N > 1e+04 on day 20");
  // Only the first-crossing threshold has a time-to-event chart: a curve per arm that starts at
  // 100 % and never rises, as the analysis computed it.
  EXPECT_FALSE(charts_->contains("threshold_km_1"));
  ASSERT_TRUE(charts_->contains("threshold_km_2"));
  const json& km = dataset((*charts_)["threshold_km_2"], "threshold_km_2");
  std::size_t points = 0;
  for (const auto& arm : (*analysis_)["arms"])
    points += arm["thresholds"][1]["km"]["time_days"].size();
  ASSERT_EQ(km.size(), points);
  std::map<std::string, double> last;
  for (const auto& row : km) {
    const std::string arm = row["arm"];
    const double f = row["fraction"];
    EXPECT_LE(f, last.contains(arm) ? last[arm] : 1.0) << row;
    last[arm] = f;
  }
}

TEST_F(TrialReport, EveryAxisHasATitleWithAUnit) {
  const std::vector<std::string> units = {"(days)", "(%",      "(unitless",
                                          "Arm",    "Patient", "Patients"};
  for (const auto& [id, spec] : charts_->items()) {
    std::vector<json> axes;
    collect_axes(spec, axes);
    bool titled = false;
    for (const auto& axis : axes) {
      if (!axis.contains("title")) continue;  // a layer sharing a titled axis
      titled = true;
      const std::string title = axis["title"];
      bool has_unit = false;
      for (const auto& unit : units) has_unit = has_unit || title.find(unit) != std::string::npos;
      EXPECT_TRUE(has_unit) << id << ": '" << title << "'";
      EXPECT_EQ(title.find("NaN"), std::string::npos) << id;
    }
    EXPECT_TRUE(titled) << id << " has no axis title";
  }
}

}  // namespace
}  // namespace nksim::test
