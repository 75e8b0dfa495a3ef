#include "nksim/report/chart_library.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nksim/core/error.h"

#ifndef NKSIM_REPORT_NODE_MODULES
#define NKSIM_REPORT_NODE_MODULES ""
#endif

namespace nksim::report {
namespace {

std::string read_library_file(const std::filesystem::path& node_modules,
                              const std::filesystem::path& relative) {
  const std::filesystem::path file = node_modules / relative;
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error("cannot find the charting library file " + file.string() +
                "; the HTML report embeds Vega/Vega-Lite from npm: run scripts/setup.sh (it "
                "installs them into tools/report/node_modules), or point --js-dir or "
                "NKSIM_REPORT_JS_DIR at a node_modules folder that holds vega, vega-lite and "
                "vega-embed");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string package_version(const std::filesystem::path& node_modules, const std::string& name) {
  std::ifstream in(node_modules / name / "package.json");
  if (!in) return name + " (unknown version)";
  try {
    const auto package = nlohmann::json::parse(in);
    return name + " " + package.value("version", std::string("?"));
  } catch (const nlohmann::json::exception&) {
    return name + " (unknown version)";
  }
}

}  // namespace

std::filesystem::path chart_library_dir(const std::filesystem::path& configured) {
  if (!configured.empty()) return configured;
  if (const char* env = std::getenv("NKSIM_REPORT_JS_DIR"); env && *env) return env;
  return NKSIM_REPORT_NODE_MODULES;
}

ChartLibrary load_chart_library(const std::filesystem::path& configured) {
  ChartLibrary library;
  library.node_modules = chart_library_dir(configured);
  if (library.node_modules.empty()) {
    throw Error(
        "no charting library configured: run scripts/setup.sh, or pass --js-dir / set "
        "NKSIM_REPORT_JS_DIR to a node_modules folder holding vega, vega-lite and vega-embed");
  }
  library.vega = read_library_file(library.node_modules, "vega/build/vega.min.js");
  library.vega_lite = read_library_file(library.node_modules, "vega-lite/build/vega-lite.min.js");
  library.vega_embed =
      read_library_file(library.node_modules, "vega-embed/build/vega-embed.min.js");
  library.versions = package_version(library.node_modules, "vega") + ", " +
                     package_version(library.node_modules, "vega-lite") + ", " +
                     package_version(library.node_modules, "vega-embed");
  const std::filesystem::path three = library.node_modules / "three/build/three.min.js";
  if (std::filesystem::exists(three)) {
    library.three = read_library_file(library.node_modules, "three/build/three.min.js");
    library.three_version = package_version(library.node_modules, "three");
  }
  return library;
}

}  // namespace nksim::report
