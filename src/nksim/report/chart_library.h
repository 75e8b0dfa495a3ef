// Finds and loads the charting library (Vega, Vega-Lite, vega-embed) that reports embed inline.
//
// The JavaScript files come from npm (tools/report/package.json, installed by scripts/setup.sh).
// Where to look, first match wins:
//   1. ReportOptions::chart_library_dir (the `--js-dir` option of `nksim report`),
//   2. the environment variable NKSIM_REPORT_JS_DIR,
//   3. the node_modules folder configured by CMake (NKSIM_REPORT_NODE_MODULES).
// Each of these names a node_modules folder (holding vega/, vega-lite/, vega-embed/).
#pragma once

#include <filesystem>
#include <string>

namespace nksim::report {

struct ChartLibrary {
  std::filesystem::path node_modules;
  std::string vega;
  std::string vega_lite;
  std::string vega_embed;
  std::string versions;  // "vega 6.4.0, vega-lite 6.5.0, vega-embed 7.3.0"
  // three.js (three/build/three.min.js) for the 3-D views of 3-D spatial runs; empty when it is
  // not installed (a page that needs it then fails to render, naming scripts/setup.sh).
  std::string three;
  std::string three_version;  // "three 0.159.0"
};

// The node_modules folder that would be used (it may not exist).
std::filesystem::path chart_library_dir(const std::filesystem::path& configured);

// Reads the three minified files. Throws Error naming the missing file and telling the user to
// run scripts/setup.sh.
ChartLibrary load_chart_library(const std::filesystem::path& configured);

}  // namespace nksim::report
