// Bad spatial scenarios are refused through the command line: exit code 2, a message naming the
// file and the dotted key, and no output directory left behind. A good one validates.
#include <gtest/gtest.h>

#include "support/run_cli.h"

namespace nksim {
namespace {

namespace fs = std::filesystem;

const char* kBase = R"([simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [200, 200]
end_time_min = 12
voxel_um = 20
[[cell_type]]
name = "tumour"
radius_um = 8
[[field]]
name = "oxygen"
diffusion_um2_per_min = 1e3
[[population]]
type = "tumour"
shape = "uniform"
count = 10
)";

struct BadCase {
  const char* name;
  std::string append;   // text appended to kBase
  std::string replace;  // "from=>to" applied to kBase, or empty
  std::string expected_key;
};

std::string build(const BadCase& c) {
  std::string text = kBase;
  if (!c.replace.empty()) {
    const auto arrow = c.replace.find("=>");
    const std::string from = c.replace.substr(0, arrow), to = c.replace.substr(arrow + 2);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  }
  return text + c.append;
}

TEST(SpatialScenario, GoodScenarioRuns) {
  const fs::path work = testing::fresh_directory("spatial_good");
  testing::write_file(work / "s.toml", kBase);
  const auto v = testing::run_cli("validate " + (work / "s.toml").string(), work);
  EXPECT_EQ(v.exit_code, 0) << v.output;
  const auto r = testing::run_cli(
      "run " + (work / "s.toml").string() + " -q --out " + (work / "out").string(), work);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string counts = testing::read_file(work / "out/counts.csv");
  EXPECT_EQ(counts.substr(0, counts.find('\n')),
            "time_min,tumour_live,tumour_apoptotic,tumour_lysed,oxygen_total");
  const std::string summary = testing::read_file(work / "out/summary.json");
  EXPECT_NE(summary.find("\"engine\": \"spatial\""), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"scenario_hash\""), std::string::npos);
  fs::remove_all(work);
}

TEST(SpatialScenario, BadInputIsRefusedWithExitTwo) {
  const BadCase cases[] = {
      {"duplicate type", "[[cell_type]]\nname = \"tumour\"\nradius_um = 5\n", "",
       "cell_type[2].name"},
      {"duplicate field", "[[field]]\nname = \"oxygen\"\ndiffusion_um2_per_min = 1\n", "",
       "field[2].name"},
      {"unknown mechanism", "[mechanisms.mechanix.tumour]\n", "", "mechanisms.mechanix"},
      {"unknown type in mechanism", "[mechanisms.mechanics.tumor]\n", "",
       "mechanisms.mechanics.tumor"},
      {"unknown population type", "", "type = \"tumour\"=>type = \"nk\"", "population[1].type"},
      {"non-positive radius", "", "radius_um = 8=>radius_um = 0", "cell_type[1].radius_um"},
      {"empty domain", "", "domain_max_um = [200, 200]=>domain_max_um = [200, 0]",
       "simulation.domain_max_um"},
      {"unknown key", "", "voxel_um = 20=>voxel_um = 20\nvoxel_size = 3", "voxel_size"},
      {"unstable explicit step", "",
       "voxel_um = 20=>voxel_um = 10\ndiffusion_solver = \"explicit\"\ndt_diffusion_min = 0.1",
       "simulation.dt_diffusion_min"},
      {"voxel not dividing domain", "", "voxel_um = 20=>voxel_um = 30", "simulation.voxel_um"},
      // Found with the fuzz build (UBSan): the lattice size overflowed an int.
      {"packed sphere too large", "",
       "shape = \"uniform\"\ncount = 10=>shape = \"sphere\"\nradius_um = 1e300\npacked = true",
       "population[1].radius_um"},
  };
  const fs::path work = testing::fresh_directory("spatial_bad");
  for (const BadCase& c : cases) {
    testing::write_file(work / "bad.toml", build(c));
    const fs::path out = work / "out";
    fs::remove_all(out);
    const auto r =
        testing::run_cli("run " + (work / "bad.toml").string() + " -q --out " + out.string(), work);
    EXPECT_EQ(r.exit_code, 2) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find("bad.toml:"), std::string::npos) << c.name << ": " << r.output;
    EXPECT_NE(r.output.find(c.expected_key), std::string::npos) << c.name << ": " << r.output;
    EXPECT_FALSE(fs::exists(out)) << c.name;
    for (const auto& entry : fs::directory_iterator(work)) {
      EXPECT_EQ(entry.path().filename().string().find(".out"), std::string::npos)
          << c.name << ": staging left " << entry.path();
    }
  }
  fs::remove_all(work);
}

}  // namespace
}  // namespace nksim
