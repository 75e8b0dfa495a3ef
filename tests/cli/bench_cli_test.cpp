// `nksim bench`: the JSON holds every figure (finite and positive), the workload sizes asked for,
// the machine facts, and the agent store's bytes per agent exactly as AgentStore reports them for
// the same workload; bad options exit with code 2 and say which option and why. The figures are
// timings, so no test compares their values.
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "nksim/api/bench.h"
#include "nksim/api/session.h"
#include "nksim/core/version.h"
#include "nksim/io/toml_reader.h"
#include "support/run_cli.h"

namespace nksim {
// Named, not anonymous: unity builds compile this file together with others of its test.
namespace bench_cli_test {

using testing::fresh_directory;
using testing::quoted;
using testing::read_file;
using testing::run_cli;

void expect_positive(const nlohmann::json& section, const std::string& key) {
  ASSERT_TRUE(section.contains(key)) << key << " missing in " << section.dump();
  ASSERT_TRUE(section[key].is_number()) << key << " is " << section[key].dump();
  const double value = section[key].get<double>();
  EXPECT_TRUE(std::isfinite(value) && value > 0) << key << " = " << value;
}

TEST(BenchCli, QuickJsonHasEveryFigureForTheRequestedWorkload) {
  const auto dir = fresh_directory("bench_quick");
  const auto json_path = dir / "bench.json";
  const auto r = run_cli("bench --quick --quiet --threads 2 --agents 2000 --grid 20 --repeats 3 "
                         "--json " + quoted(json_path));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The table names every figure with its unit.
  for (const char* text : {"agent-steps/s", "B/agent", "voxel-updates/s", "patients/s",
                           "2 threads / 1 thread", "implicit_lod", "explicit"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text << " not in\n" << r.output;
  }

  const nlohmann::json j = nlohmann::json::parse(read_file(json_path));
  const nlohmann::json& machine = j.at("machine");
  EXPECT_EQ(machine.at("threads"), 2);
  EXPECT_EQ(machine.at("nksim_version"), kVersion);
  EXPECT_EQ(machine.at("omp_wait_policy"), "passive");  // run_cli sets it
  EXPECT_FALSE(machine.at("cpu_model").get<std::string>().empty());
  EXPECT_FALSE(machine.at("build_type").get<std::string>().empty());
  EXPECT_GE(machine.at("hardware_threads").get<int>(), 1);
  EXPECT_EQ(j.at("quick"), true);
  EXPECT_EQ(j.at("repeats"), 3);

  const nlohmann::json& agents = j.at("agents");
  EXPECT_EQ(agents.at("count"), 2000);
  for (const char* key : {"agent_steps_per_s", "agent_steps_per_s_per_thread",
                          "two_thread_speedup", "agent_store_bytes_per_agent",
                          "total_bytes_per_agent"}) {
    expect_positive(agents, key);
  }
  // 2 threads asked for: the rates on 1 and 2 threads, the main figure is the 2-thread one and
  // the ratio is theirs.
  const nlohmann::json& by_threads = agents.at("by_threads");
  ASSERT_EQ(by_threads.size(), 2u) << by_threads.dump();
  EXPECT_EQ(by_threads[0].at("threads"), 1);
  EXPECT_EQ(by_threads[1].at("threads"), 2);
  for (const auto& row : by_threads) expect_positive(row, "agent_steps_per_s");
  const double one = by_threads[0].at("agent_steps_per_s").get<double>();
  const double two = by_threads[1].at("agent_steps_per_s").get<double>();
  EXPECT_DOUBLE_EQ(agents.at("agent_steps_per_s").get<double>(), two);
  EXPECT_DOUBLE_EQ(agents.at("agent_steps_per_s_per_thread").get<double>(), two / 2);
  EXPECT_DOUBLE_EQ(agents.at("two_thread_speedup").get<double>(), two / one);

  // Bytes per agent: the store's figure is exactly what AgentStore reports for this workload;
  // the whole run's adds the neighbour grid (32 B: cell index, slot, slot copy of the position)
  // and the mechanics' lists, so it is larger.
  SpatialSession session(TomlDocument::parse_string(bench_agent_scenario(2000), "bench.toml"), 1);
  const std::size_t store = session.simulation().agents().bytes_per_agent();
  EXPECT_EQ(session.simulation().agents().size(), 2000u);
  EXPECT_EQ(agents.at("agent_store_bytes_per_agent").get<std::size_t>(), store);
  EXPECT_GT(agents.at("total_bytes_per_agent").get<std::size_t>(), store + 32);

  const nlohmann::json& diffusion = j.at("diffusion");
  EXPECT_EQ(diffusion.at("grid"), 20);
  EXPECT_EQ(diffusion.at("voxels"), 20 * 20 * 20);
  expect_positive(diffusion, "explicit_voxel_updates_per_s");
  expect_positive(diffusion, "implicit_lod_voxel_updates_per_s");

  const nlohmann::json& well_mixed = j.at("well_mixed");
  expect_positive(well_mixed, "patients_per_s");
  EXPECT_EQ(well_mixed.at("end_time_days"), 300);
  EXPECT_NE(well_mixed.at("model").get<std::string>().find("depillis2005"), std::string::npos);
  // The default tolerances (docs/scenarios.md, [solver]).
  EXPECT_EQ(well_mixed.at("rtol").get<double>(), 1e-8);
  EXPECT_EQ(well_mixed.at("atol").get<double>(), 1e-6);
}

TEST(BenchCli, BadOptionsExitWithCode2AndSayWhy) {
  struct Case {
    const char* arguments;
    const char* says;
  };
  for (const Case& c : {Case{"bench --threads 0", "--threads"},
                        Case{"bench --agents 10", "--agents"},
                        Case{"bench --grid 4", "--grid"},
                        Case{"bench --repeats 0", "--repeats"}}) {
    const auto r = run_cli(c.arguments);
    EXPECT_EQ(r.exit_code, 2) << c.arguments << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.arguments << "\n" << r.output;
    EXPECT_EQ(r.output.find("measuring"), std::string::npos) << c.arguments << "\n" << r.output;
  }
}

}  // namespace bench_cli_test
}  // namespace nksim
