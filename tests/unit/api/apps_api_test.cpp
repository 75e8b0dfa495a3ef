// The command line and the MPI runner drive nksim only through the facade in src/nksim/api/:
// every file under apps/ includes nksim headers from api/ alone, and the command-level api
// headers keep the trial, fit and report internals out of their callers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nksim/api/dose_find.h"
#include "nksim/api/trial.h"
#include "nksim/trial/dose_find.h"

namespace apps_api_test {

namespace fs = std::filesystem;

struct Include {
  std::string file;
  int line = 0;
  std::string header;  // the path inside the quotes, e.g. nksim/api/nksim.h
};

// The header named by an `#include "nksim/..."` (or <nksim/...>) line, or "" for any other
// line. Plain string scanning: std::regex trips a false -Wmaybe-uninitialized of g++ 12 at -O1.
std::string nksim_header(const std::string& line) {
  std::size_t i = line.find_first_not_of(" \t");
  if (i == std::string::npos || line[i] != '#') return "";
  i = line.find_first_not_of(" \t", i + 1);
  if (i == std::string::npos || line.compare(i, 7, "include") != 0) return "";
  i = line.find_first_not_of(" \t", i + 7);
  if (i == std::string::npos || (line[i] != '"' && line[i] != '<')) return "";
  const char close = line[i] == '"' ? '"' : '>';
  const std::size_t end = line.find(close, i + 1);
  if (end == std::string::npos) return "";
  const std::string header = line.substr(i + 1, end - i - 1);
  return header.rfind("nksim/", 0) == 0 ? header : "";
}

// Every `#include "nksim/..."` of the C++ sources and headers under `root`.
std::vector<Include> nksim_includes(const fs::path& root, int& files) {
  std::vector<Include> found;
  files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h" && ext != ".hpp")) continue;
    ++files;
    std::ifstream in(entry.path());
    std::string text;
    for (int n = 1; std::getline(in, text); ++n) {
      const std::string header = nksim_header(text);
      if (!header.empty()) found.push_back({entry.path().string(), n, header});
    }
  }
  return found;
}

TEST(AppsApi, IncludeLinesAreRecognised) {
  EXPECT_EQ(nksim_header("#include \"nksim/api/nksim.h\""), "nksim/api/nksim.h");
  EXPECT_EQ(nksim_header("  #  include <nksim/core/rng.h>  // x"), "nksim/core/rng.h");
  EXPECT_EQ(nksim_header("#include <vector>"), "");
  EXPECT_EQ(nksim_header("// #include \"nksim/engine/x.h\""), "");
  EXPECT_EQ(nksim_header("#include \"nksim/unterminated"), "");
}

TEST(AppsApi, AppsIncludeOnlyApiHeaders) {
  int files = 0;
  const std::vector<Include> includes = nksim_includes(fs::path(NKSIM_SOURCE_DIR) / "apps", files);
  EXPECT_GE(files, 10);             // nksim's commands and the MPI runner were read
  EXPECT_GE(includes.size(), 10u);  // and they do include the api
  for (const Include& i : includes) {
    EXPECT_EQ(i.header.rfind("nksim/api/", 0), 0u)
        << i.file << ":" << i.line << " includes " << i.header
        << "; apps/ may include only nksim/api/ headers (docs/development.md)";
  }
}

TEST(AppsApi, ApiHeadersKeepTrialFitReportInternalsOut) {
  int files = 0;
  const std::vector<Include> includes =
      nksim_includes(fs::path(NKSIM_SOURCE_DIR) / "src" / "nksim" / "api", files);
  EXPECT_GE(files, 10);
  for (const Include& i : includes) {
    if (fs::path(i.file).extension() != ".h") continue;  // sources may use anything
    for (const char* internal : {"nksim/trial/", "nksim/fit/", "nksim/report/"}) {
      EXPECT_NE(i.header.rfind(internal, 0), 0u)
          << i.file << ":" << i.line << " includes " << i.header;
    }
  }
}

TEST(AppsApi, DoseFindRequestHasTheSearchDefaults) {
  const nksim::DoseFindRequest request;
  const nksim::DoseFindOptions search;
  EXPECT_EQ(request.outcome, search.outcome);
  EXPECT_EQ(request.rel_tol, search.rel_tol);
  EXPECT_EQ(request.state, search.state);
}

TEST(AppsApi, TrialRunTextNamesRanksAndResumedPlans) {
  nksim::TrialRunResult r;
  r.plans = 8;
  r.ran = 5;
  r.already_done = 3;
  r.seconds = 1.25;
  r.database = fs::path("out") / "trial.sqlite";
  const std::string db = r.database.string();
  EXPECT_EQ(nksim::trial_run_text(r),
            "Ran 5 of 8 plans (3 already done) in 1.25 s\nResults in " + db + "\n");
  r.already_done = 0;
  r.failed = 2;
  EXPECT_EQ(nksim::trial_run_text(r, 4),
            "Ran 5 of 8 plans on 4 ranks in 1.25 s; 2 failed numerically\nResults in " + db + "\n");
}

}  // namespace apps_api_test
