// End-to-end: the per-agent datasets of the HDF5 snapshots are the engine's, one per property,
// and exactly the columns the run's mechanisms declare for snapshots (nk_recognition_kill:
// nk_kills, nk_partner_id, nk_potency); snapshots.xdmf lists every one of them with the number type
// the HDF5 file holds.
#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nksim/io/hdf5_file.h"
#include "support/run_cli.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace snapshot_cli_test {

using testing::fresh_directory;
using testing::quoted;
using testing::read_file;
using testing::run_cli;
using testing::write_file;
namespace fs = std::filesystem;

// A dense 2-D killing well: 60 targets and 60 NK cells that always recognise; 3 snapshots.
const std::string kWellWithoutKilling = R"([simulation]
engine = "spatial"
dimension = 2
domain_min_um = [0, 0]
domain_max_um = [240, 240]
boundary = "reflecting"
end_time_min = 60
dt_diffusion_min = 0.2
dt_mechanics_min = 0.2
dt_phenotype_min = 1
output_interval_min = 30
snapshot_interval_min = 30
seed = 7
threads = 1

[[cell_type]]
name = "k562"
radius_um = 9
properties = { nkg2d_ligand = 1.0, mhc_i = 0.0 }

[[cell_type]]
name = "nk"
radius_um = 4

[[population]]
type = "k562"
shape = "uniform"
count = 60

[mechanisms.mechanics.k562]
repulsion_um_per_min = 10
adhesion_um_per_min = 0.1

[mechanisms.persistent_walk.nk]
speed_um_per_min = 5
persistence_time_min = 3

[[mechanisms.nk_infusion.dose]]
type = "nk"
time_min = 0
effector_to_target = 1
relative_to = "k562"
where = "uniform"
)";

const std::string kKilling = R"(
[mechanisms.nk_recognition_kill.k562]
role = "target"

[mechanisms.nk_recognition_kill.nk]
role = "nk"
cytokine_level = 1.0

[mechanisms.nk_recognition_kill.nk.recognition]
p_max = 1.0
)";

// One <DataItem> of the agents' grid of a step: the dataset it names and how XDMF reads it.
struct XdmfItem {
  std::string dimensions;
  std::string number_type;
  std::string precision;
};
using XdmfStep = std::map<std::string, XdmfItem>;  // dataset path -> item

std::string xml_attribute(const std::string& tag, const std::string& name) {
  const auto at = tag.find(" " + name + "=\"");
  if (at == std::string::npos) return "";
  const auto begin = at + name.size() + 3;
  return tag.substr(begin, tag.find('"', begin) - begin);
}

// Per step, the HDF5 datasets of /agents its items name ("snapshots/snapshot_000000.h5:/agents/id"
// -> "snapshot_000000.h5:id").
std::vector<XdmfStep> xdmf_agent_items(const std::string& xdmf) {
  std::vector<XdmfStep> steps;
  for (auto at = xdmf.find("<Grid Name=\"step_"); at != std::string::npos;
       at = xdmf.find("<Grid Name=\"step_", at + 1)) {
    steps.emplace_back();
    const auto end = xdmf.find("<Grid Name=\"step_", at + 1);
    for (auto item = xdmf.find("<DataItem ", at); item < end;
         item = xdmf.find("<DataItem ", item + 1)) {
      const auto close = xdmf.find('>', item);
      const std::string tag = xdmf.substr(item, close - item);
      const std::string target =
          xdmf.substr(close + 1, xdmf.find("</DataItem>", close) - close - 1);
      const auto agents = target.find(":/agents/");
      if (agents == std::string::npos) continue;  // a field or the fields' geometry
      const std::string file = fs::path(target.substr(0, agents)).filename().string();
      steps.back()[file + ":" + target.substr(agents + 9)] = {xml_attribute(tag, "Dimensions"),
                                                              xml_attribute(tag, "NumberType"),
                                                              xml_attribute(tag, "Precision")};
    }
  }
  return steps;
}

std::string hdf5_type_of(const XdmfItem& item) {
  if (item.number_type == "Int" && item.precision == "4") return "int32";
  if (item.number_type == "UInt" && item.precision == "8") return "uint64";
  if (item.number_type == "Float" && item.precision == "8") return "float64";
  return "XDMF " + item.number_type + " " + item.precision;
}

struct Snapshots {
  fs::path out;
  nlohmann::json summary;
  std::vector<fs::path> files;
};

Snapshots run_well(const std::string& name, const std::string& scenario) {
  const fs::path dir = fresh_directory(name);
  write_file(dir / "well.toml", scenario);
  Snapshots s;
  s.out = dir / "out";
  const auto r = run_cli("run " + quoted(dir / "well.toml") + " -q --out " + quoted(s.out));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  s.summary = nlohmann::json::parse(read_file(s.out / "summary.json"));
  for (const char* f : {"snapshot_000000.h5", "snapshot_000001.h5", "snapshot_000002.h5"}) {
    s.files.push_back(s.out / "snapshots" / f);
  }
  EXPECT_FALSE(fs::exists(s.out / "snapshots" / "snapshot_000003.h5"));
  return s;
}

// The datasets under /agents of every snapshot are `expected`, each with one entry (or one row
// of 3) per agent, and snapshots.xdmf names exactly those datasets with their number types.
void expect_agents_datasets(const Snapshots& s, const std::set<std::string>& expected) {
  const std::vector<XdmfStep> steps = xdmf_agent_items(read_file(s.out / "snapshots.xdmf"));
  ASSERT_EQ(steps.size(), s.files.size());
  for (std::size_t k = 0; k < s.files.size(); ++k) {
    const Hdf5File h5 = Hdf5File::open(s.files[k]);
    const std::vector<std::string> names = h5.names_in("/agents");
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected) << s.files[k];
    const std::string n = std::to_string(h5.read_int32("/agents/type").size());
    XdmfStep written;
    for (const std::string& name : names) {
      std::vector<std::uint64_t> dims;
      (void)h5.read_double("/agents/" + name, &dims);
      EXPECT_EQ(std::to_string(dims[0]), n) << name;
      const std::string file = s.files[k].filename().string();
      written[file + ":" + name] = {name == "position" ? n + " 3" : n, "", ""};
      const auto item = steps[k].find(file + ":" + name);
      ASSERT_NE(item, steps[k].end()) << "snapshots.xdmf does not list " << name;
      EXPECT_EQ(item->second.dimensions, written[file + ":" + name].dimensions) << name;
      EXPECT_EQ(hdf5_type_of(item->second), h5.element_type("/agents/" + name)) << name;
    }
    EXPECT_EQ(steps[k].size(), written.size()) << "snapshots.xdmf lists datasets not written";
  }
}

const std::set<std::string> kEngineAndProperties = {"id",     "type",         "state", "position",
                                                    "radius", "nkg2d_ligand", "mhc_i"};

TEST(SnapshotCli, RunWithoutNkRecognitionHasNoNkDatasets) {
  const Snapshots s = run_well("snapshots-no-nk", kWellWithoutKilling);
  expect_agents_datasets(s, kEngineAndProperties);
  // The NK cells were infused (type "nk" in the snapshots), but nothing declared NK state.
  const std::vector<std::int32_t> type = Hdf5File::open(s.files[2]).read_int32("/agents/type");
  EXPECT_EQ(std::count(type.begin(), type.end(), 1), 60);
}

TEST(SnapshotCli, NkRecognitionDeclaresItsThreeDatasets) {
  const Snapshots s = run_well("snapshots-nk", kWellWithoutKilling + kKilling);
  std::set<std::string> expected = kEngineAndProperties;
  expected.insert({"nk_kills", "nk_partner_id", "nk_potency"});
  expect_agents_datasets(s, expected);
  // The last snapshot is taken at the end: each NK cell's nk_kills counts the lethal hits it
  // committed, so they add up to the run's lethal_hits (no NK cell dies or leaves here).
  const Hdf5File last = Hdf5File::open(s.files[2]);
  EXPECT_EQ(last.read_double_attribute("time_min"), 60.0);
  const std::vector<std::int32_t> kills = last.read_int32("/agents/nk_kills");
  const nlohmann::json& nk = s.summary["readouts"]["nk_recognition_kill"]["effectors"]["nk"];
  EXPECT_GT(nk["kills_total"].get<int>(), 0);
  EXPECT_EQ(std::accumulate(kills.begin(), kills.end(), 0), nk["lethal_hits"].get<int>());
}

// attach_kill (PhysiCell's immune rule) keeps its effector's target in a column it writes to
// snapshots as attached_to: 0 for a free cell, else the id of a live target in the same snapshot.
TEST(SnapshotCli, AttachKillWritesWhoIsAttachedToWhom) {
  const std::string attach = R"(
[mechanisms.attach_kill]
property = "nkg2d_ligand"

[mechanisms.attach_kill.nk]
threshold = 0.5
saturation = 1.5
)";
  const Snapshots s = run_well("snapshots-attach", kWellWithoutKilling + attach);
  std::set<std::string> expected = kEngineAndProperties;
  expected.insert("attached_to");
  expect_agents_datasets(s, expected);
  const Hdf5File last = Hdf5File::open(s.files[2]);
  const std::vector<double> id = last.read_double("/agents/id");
  const std::vector<double> to = last.read_double("/agents/attached_to");
  const std::vector<std::int32_t> type = last.read_int32("/agents/type");
  const std::vector<std::int32_t> state = last.read_int32("/agents/state");
  std::map<double, std::size_t> index_of;
  for (std::size_t i = 0; i < id.size(); ++i) index_of[id[i]] = i;
  int attached = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (to[i] == 0) continue;
    ++attached;
    EXPECT_EQ(type[i], 1) << "only effectors attach";
    const auto target = index_of.find(to[i]);
    ASSERT_NE(target, index_of.end()) << "attached to an agent not in the snapshot";
    EXPECT_EQ(type[target->second], 0);
    EXPECT_EQ(state[target->second], 0) << "attached to a target that is not live";
  }
  // The same count as counts.csv's attach_kill_attached at the snapshot's time (its last row).
  const auto rows = testing::read_csv_rows(s.out / "counts.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back().at("time_min"), "60");
  EXPECT_EQ(std::stoi(rows.back().at("attach_kill_attached")), attached);
}

}  // namespace snapshot_cli_test
}  // namespace nksim
