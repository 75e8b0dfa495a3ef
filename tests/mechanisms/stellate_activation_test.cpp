// stellate_activation: hepatic stellate cells activated by TGF-beta, senescence, collagen per
// voxel, and NK killing through the ligands the mechanism raises.
//  - conservation: without NK cells no cell dies, so quiescent + activated + senescent stays the
//    number placed, quiescent never rises and senescent never falls;
//  - collagen: the collagen field neither diffuses nor decays, so its total never falls and equals
//    collagen_per_min x the minutes of depositing cells (the mechanism's own tally; 1e-9
//    relative), and with no transitions 12 activated cells give 12 x rate x t exactly;
//  - the area field's total is the share of voxels whose collagen exceeds the threshold;
//  - NK cells kill activated cells and spare quiescent ones when the ligand is the only
//    difference, and kill both when both carry it;
//  - the same agents and fields at 1 and 2 threads;
//  - bad input names file, line and key.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "nksim/api/session.h"
#include "nksim/io/toml_reader.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The shipped patch, with `end_time_min` shortened.
std::string shipped(double end_min) {
  const std::string text =
      testing::read_file(std::string(NKSIM_SOURCE_DIR) + "/scenarios/liver_fibrosis_patch.toml");
  return replace(text, "end_time_min = 40320", "end_time_min = " + std::to_string(end_min));
}

std::string without_nk(std::string text) { return replace(text, "count = 40", "count = 0"); }

int type_index(const Simulation& sim, const std::string& name) {
  for (std::size_t t = 0; t < sim.types().size(); ++t) {
    if (sim.types()[t].name == name) return static_cast<int>(t);
  }
  ADD_FAILURE() << name;
  return -1;
}

int field_index(const Simulation& sim, const std::string& name) {
  for (std::size_t f = 0; f < sim.fields().num_fields(); ++f) {
    if (sim.fields().spec(f).name == name) return static_cast<int>(f);
  }
  ADD_FAILURE() << name;
  return -1;
}

struct Tally {
  int live[3] = {0, 0, 0};
  int dead[3] = {0, 0, 0};
};

Tally tally(const Simulation& sim) {
  const int types[3] = {type_index(sim, "hsc_quiescent"), type_index(sim, "hsc_activated"),
                        type_index(sim, "hsc_senescent")};
  Tally t;
  const AgentStore& a = sim.agents();
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      if (a.type[i] != types[k]) continue;
      (a.state[i] == static_cast<std::int32_t>(AgentState::kLive) ? t.live[k] : t.dead[k]) += 1;
    }
  }
  return t;
}

nlohmann::json readouts(const Simulation& sim, const char* name) {
  for (const auto& m : sim.mechanisms()) {
    if (std::string(m->name()) == name) return m->readouts(sim);
  }
  ADD_FAILURE() << name;
  return nullptr;
}

TEST(StellateActivation, CellsAreConservedAndCollagenIsRateTimesCellTime) {
  SpatialSession session(TomlDocument::parse_string(without_nk(shipped(14 * 1440)), "s.toml"), 1);
  const Simulation& sim = session.simulation();
  const int collagen = field_index(sim, "collagen");
  const int area = field_index(sim, "collagen_area");
  int last_q = 1 << 30, last_s = -1;
  double last_collagen = -1;
  for (int day = 0; day <= 14; ++day) {
    session.advance_to(day * 1440.0);
    const Tally t = tally(sim);
    EXPECT_EQ(t.live[0] + t.live[1] + t.live[2], 312) << "day " << day;
    EXPECT_EQ(t.dead[0] + t.dead[1] + t.dead[2], 0) << "day " << day;
    EXPECT_LE(t.live[0], last_q);
    EXPECT_GE(t.live[2], last_s);
    last_q = t.live[0];
    last_s = t.live[2];
    const double total = sim.fields().total(static_cast<std::size_t>(collagen));
    EXPECT_GE(total, last_collagen) << "day " << day;
    last_collagen = total;
    const nlohmann::json r = readouts(sim, "stellate_activation");
    EXPECT_NEAR(total, r["collagen_deposited"].get<double>(),
                1e-9 * std::max(total, 1.0)) << "day " << day;
  }
  // Activation and senescence happened, and the area fraction is the share of voxels above 1.
  EXPECT_GT(tally(sim).live[1] + tally(sim).live[2], 12);
  EXPECT_GT(tally(sim).live[2], 0);
  const std::vector<double>& c = sim.fields().values(static_cast<std::size_t>(collagen));
  int above = 0;
  for (double v : c) above += v > 1.0;
  EXPECT_GT(above, 0);
  EXPECT_NEAR(sim.fields().total(static_cast<std::size_t>(area)),
              static_cast<double>(above) / static_cast<double>(c.size()), 1e-12);
}

// With activation and senescence off and no NK cells, the 12 activated cells lay down
// 12 x 0.8 x t; the senescent rate then never enters.
TEST(StellateActivation, ConstantActivatedCellsDepositRateTimesTime) {
  std::string text = without_nk(shipped(3 * 1440));
  text = replace(text, "max_rate_per_min = 2.3e-4", "max_rate_per_min = 0");
  text = replace(text, "senescence_rate_per_min = 7e-5", "senescence_rate_per_min = 0");
  SpatialSession session(TomlDocument::parse_string(text, "s.toml"), 1);
  const Simulation& sim = session.simulation();
  const int collagen = field_index(sim, "collagen");
  for (int day = 1; day <= 3; ++day) {
    session.advance_to(day * 1440.0);
    const double expected = 12 * 0.8 * day * 1440.0;
    EXPECT_NEAR(sim.fields().total(static_cast<std::size_t>(collagen)), expected,
                1e-9 * expected);
    EXPECT_EQ(readouts(sim, "stellate_activation")["depositing_cell_min"].get<double>(),
              12.0 * day * 1440);
  }
  EXPECT_EQ(tally(sim).live[1], 12);
}

// 100 quiescent and 100 activated cells spread over the patch, 150 NK cells at the start and
// every two days, no transitions, 3 days: the types differ only in nkg2d_ligand (0 against 3).
// NK cells kill activated cells and no quiescent one; with the quiescent cells' ligand raised to
// 3 they kill both.
TEST(StellateActivation, NkCellsKillTheCellsWhoseLigandWasRaised) {
  auto run = [](bool quiescent_ligand) {
    std::string text = shipped(3 * 1440);
    text = replace(text, "max_rate_per_min = 2.3e-4", "max_rate_per_min = 0");
    text = replace(text, "senescence_rate_per_min = 7e-5", "senescence_rate_per_min = 0");
    text = replace(text, "count = 300", "count = 100");
    text = replace(text, "shape = \"sphere\"\ncenter_um = [300, 300]\nradius_um = 50\ncount = 12",
                   "shape = \"uniform\"\ncount = 100");
    text = replace(text, "time_min = 1440\ncount = 40", "time_min = 0\ncount = 150");
    if (quiescent_ligand) {
      text = replace(text, "properties = { nkg2d_ligand = 0.0,",
                     "properties = { nkg2d_ligand = 3.0,");
    }
    SpatialSession session(TomlDocument::parse_string(text, "s.toml"), 1);
    session.run_to_end();
    return tally(session.simulation());
  };
  const Tally spared = run(false);
  EXPECT_EQ(spared.dead[0], 0);
  EXPECT_GE(spared.dead[1], 10);
  const Tally both = run(true);
  EXPECT_GE(both.dead[0], 10);
  EXPECT_GE(both.dead[1], 10);
}

TEST(StellateActivation, SameAgentsAndFieldsAtOneAndTwoThreads) {
  const std::string text = shipped(4 * 1440);
  SpatialSession one(TomlDocument::parse_string(text, "s.toml"), 1);
  SpatialSession two(TomlDocument::parse_string(text, "s.toml"), 2);
  one.run_to_end();
  two.run_to_end();
  const AgentStore& a = one.simulation().agents();
  const AgentStore& b = two.simulation().agents();
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.y, b.y);
  for (std::size_t f = 0; f < one.simulation().fields().num_fields(); ++f) {
    EXPECT_EQ(one.simulation().fields().values(f), two.simulation().fields().values(f)) << f;
  }
  EXPECT_GT(tally(one.simulation()).dead[1] + tally(one.simulation()).dead[2], 0);
}

// A collagen field that diffuses, a becomes naming a type without the right role, a negative
// rate: each error names s.toml, the line and the key.
TEST(StellateActivation, BadInputNamesFileLineAndKey) {
  struct Case {
    std::string from, to, line_start, expected;
  };
  const std::vector<Case> cases = {
      {"name = \"collagen\"              # collagen laid down, a.u. per um^3: no diffusion, no "
       "decay\ndiffusion_um2_per_min = 0",
       "name = \"collagen\"\ndiffusion_um2_per_min = 5", "collagen_field =",
       "'mechanisms.stellate_activation.collagen_field' names field 'collagen', which must have "
       "diffusion_um2_per_min = 0"},
      {"becomes = \"hsc_activated\"", "becomes = \"hsc_senescent\"", "hsc_quiescent = {",
       "'mechanisms.stellate_activation.hsc_quiescent.becomes' is 'hsc_senescent', which has no "
       "role \"activated\""},
      {"collagen_per_min = 0.8", "collagen_per_min = -0.8", "hsc_activated = {",
       "'mechanisms.stellate_activation.hsc_activated.collagen_per_min' must be >= 0"},
  };
  for (const Case& c : cases) {
    const std::string text = replace(shipped(1440), c.from, c.to);
    const std::size_t at = text.find("\n" + c.line_start);
    ASSERT_NE(at, std::string::npos) << c.line_start;
    const auto line = 2 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
    try {
      SpatialSession session(TomlDocument::parse_string(text, "s.toml"), 1);
      ADD_FAILURE() << "no error for " << c.to;
    } catch (const std::exception& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("s.toml:" + std::to_string(line) + ":"), std::string::npos)
          << message;
      EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace nksim
