#include "nksim/report/report.h"

#include <fstream>

#include "nksim/core/error.h"
#include "nksim/report/evidence.h"
#include "nksim/report/report_inputs.h"
#include "nksim/report/views.h"

namespace nksim::report {

const char* report_kind_name(ReportKind kind) {
  switch (kind) {
    case ReportKind::kWellMixed:
      return "well_mixed";
    case ReportKind::kSpatial:
      return "spatial";
    case ReportKind::kSweep:
      return "sweep";
    case ReportKind::kFit:
      return "fit";
    case ReportKind::kPersonalise:
      return "personalise";
    default:
      return "trial";
  }
}

ReportKind detect_report_kind(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  if (std::error_code ec; !fs::is_directory(dir, ec)) throw InputError(dir.string() + ": no such directory");
  if (std::error_code ec; fs::exists(dir / "analysis.json", ec)) return ReportKind::kTrial;
  if (std::error_code ec; fs::exists(dir / "fit.json", ec)) return ReportKind::kFit;
  if (fs::exists(dir / "summary.json")) {
    const auto summary = read_json_file(dir / "summary.json");
    const std::string engine = summary.value("engine", std::string());
    if (summary.contains("sweep")) return ReportKind::kSweep;
    if (summary.value("command", std::string()) == "personalise") return ReportKind::kPersonalise;
    if (engine == "spatial") return ReportKind::kSpatial;
    if (engine == "well_mixed" || fs::exists(dir / "timeseries.csv")) {
      return ReportKind::kWellMixed;
    }
  }
  if (fs::exists(dir / "counts.csv")) return ReportKind::kSpatial;
  throw InputError(dir.string() +
                   " is not an nksim output directory (expected analysis.json for a trial, "
                   "summary.json + counts.csv for a spatial run, or summary.json + "
                   "timeseries.csv for a well-mixed run)");
}

void evidence_section(HtmlPage& page, const std::vector<std::string>& keys) {
  std::vector<std::vector<std::string>> rows = {{"what the run assumes", "evidence", "rests on"}};
  for (const auto& key : keys) {
    if (const EvidenceNote* note = find_evidence(key)) {
      rows.push_back({std::string(note->topic), std::string(note->level), std::string(note->text)});
    }
  }
  if (rows.size() == 1) return;
  page.heading("How sure is the science?");
  page.raw_html("<div class=\"evidence\" id=\"evidence\">");
  page.paragraph(
      "A simulation is only as good as the evidence behind its mechanisms. Read the result "
      "above with these levels of support in mind.");
  page.table(rows);
  page.raw_html("</div>\n");
}

void check_chart_library(const ReportOptions& options) {
  load_chart_library(options.chart_library_dir);
}

void glossary_section(HtmlPage& page, ReportKind kind) {
  std::vector<std::vector<std::string>> rows = {{"word", "meaning"}};
  rows.push_back({"NK cell",
                  "natural killer cell: an immune cell that kills abnormal cells "
                  "without needing to have seen them before"});
  if (kind == ReportKind::kWellMixed) {
    rows.push_back({"CD8+ T cell",
                    "a killer T cell: it learns to recognise one tumour and "
                    "kills it specifically"});
    rows.push_back({"bolus / infusion",
                    "a dose given at once / a dose given at a steady rate "
                    "over a period"});
    rows.push_back({"log scale",
                    "each step up the axis is ten times more; it shows 1 cell and "
                    "1 billion cells on one chart"});
    rows.push_back({"eliminated / escaped",
                    "the tumour fell below / rose above the thresholds "
                    "the scenario sets in [endpoints]"});
  }
  if (kind == ReportKind::kSweep) {
    rows.push_back(
        {"E:T ratio", "effector-to-target ratio: NK cells added per living target cell"});
    rows.push_back({"specific lysis",
                    "the share of targets killed by the effector cells, beyond those that "
                    "died anyway in the control without effectors"});
    rows.push_back({"95 % interval",
                    "the range the true value is likely to lie in given how many target "
                    "cells the simulated well holds"});
  }
  if (kind == ReportKind::kSpatial) {
    rows.push_back({"agent", "one simulated cell with its own position, size and state"});
    rows.push_back({"field",
                    "a molecule (e.g. IFN-gamma) that spreads through the tissue; the "
                    "total is summed over the whole grid"});
  }
  if (kind == ReportKind::kFit) {
    rows.push_back({"negative log-likelihood (objective)",
                    "how unlikely the measurements are under the model with these values; "
                    "the fit makes it as small as it can"});
    rows.push_back({"profile likelihood",
                    "the objective when one parameter is held at a value and the others are "
                    "fitted again; where it stays within 1.92 of the best is the 95 % interval"});
    rows.push_back({"not identifiable",
                    "the data fit equally well over a whole range of the parameter, up to a "
                    "bound: they do not tell its value"});
  }
  if (kind == ReportKind::kPersonalise) {
    rows.push_back({"ensemble of acceptable fits",
                    "parameter values that fit the patient's measurements almost as well as the "
                    "best fit (within the joint 95 % likelihood region); each is simulated"});
    rows.push_back({"dominated",
                    "another schedule is predicted at least as good on response, time to "
                    "progression and toxicity, and better on one"});
    rows.push_back({"time to progression",
                    "the first day the target rises above the set multiple of its lowest value "
                    "so far (or of its value at day 0)"});
  }
  if (kind == ReportKind::kTrial) {
    rows.push_back({"arm", "a group of virtual patients given the same treatment"});
    rows.push_back({"confidence interval (CI)",
                    "the range the true rate is likely to lie in "
                    "given how few patients there are"});
    rows.push_back({"Kaplan-Meier",
                    "the share of patients still free of the event over time, "
                    "counting patients who left follow-up fairly"});
    rows.push_back({"PRCC",
                    "partial rank correlation: how strongly one parameter moves an "
                    "outcome when the others are held fixed (-1 to 1)"});
  }
  page.heading("Words used here");
  page.table(rows);
}

namespace {

// Each condition of a sweep is a spatial run of its own: it gets its own report.
void write_condition_reports(const std::filesystem::path& dir, const ReportOptions& options) {
  const auto summary = read_json_file(dir / "summary.json");
  for (const auto& c : summary.value("conditions", nlohmann::json::array())) {
    const std::string out = c.is_object() ? c.value("out_dir", std::string()) : "";
    if (out.empty() || out.find("..") != std::string::npos) {
      throw InputError((dir / "summary.json").string() +
                       ": each condition needs an out_dir inside the sweep's folder");
    }
    write_report(dir / out, options);
  }
}

}  // namespace

std::filesystem::path write_report(const std::filesystem::path& dir, const ReportOptions& options) {
  const ReportKind kind = detect_report_kind(dir);
  // Load the library first: a missing library is reported before any work is done.
  const ChartLibrary library = load_chart_library(options.chart_library_dir);
  if (kind == ReportKind::kSweep) write_condition_reports(dir, options);
  const HtmlPage page = kind == ReportKind::kWellMixed ? well_mixed_page(dir)
                        : kind == ReportKind::kSpatial ? spatial_page(dir, options)
                        : kind == ReportKind::kSweep   ? sweep_page(dir)
                        : kind == ReportKind::kFit     ? fit_page(dir)
                        : kind == ReportKind::kPersonalise ? personalise_page(dir)
                                                       : trial_page(dir);
  const std::filesystem::path file = dir / "report.html";
  const std::filesystem::path staging = dir / ".report.html.partial";
  {
    std::ofstream out(staging, std::ios::binary);
    if (!out) throw Error("cannot write " + staging.string());
    out << page.render(library);
    if (!out.flush()) throw Error("error while writing " + staging.string());
  }
  std::error_code ec;
  std::filesystem::rename(staging, file, ec);
  if (ec) {
    std::filesystem::remove(staging, ec);
    throw Error("cannot write " + file.string());
  }
  return file;
}

}  // namespace nksim::report
