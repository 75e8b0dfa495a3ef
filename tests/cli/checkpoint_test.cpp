// Checkpoint and restart through the command line: a run stopped at any step (SIGKILL between
// checkpoints, SIGTERM, before the first checkpoint) and resumed finishes with outputs identical
// byte for byte to the uninterrupted run, whatever the thread counts of the three runs; a
// checkpoint of a changed scenario, a damaged checkpoint, a missing one and a second run on the
// same output are refused with a message.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "support/run_cli.h"

namespace nksim {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::fresh_directory;
using testing::read_file;
using testing::run_cli;

// A shipped scenario by name, or a scenario file by path.
std::string scenario(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  return std::string(NKSIM_SOURCE_DIR) + "/scenarios/" + name + ".toml";
}

// Runs the CLI with NKSIM_TEST_SIGNAL_AT_STEP set: the run raises `signal_number` on itself right
// after mechanics step `step`.
CliResult run_stopped_at(std::uint64_t step, int signal_number, const std::string& arguments) {
  const std::string hook = std::to_string(step) + ":" + std::to_string(signal_number);
  ::setenv("NKSIM_TEST_SIGNAL_AT_STEP", hook.c_str(), 1);
  CliResult result = run_cli(arguments);
  ::unsetenv("NKSIM_TEST_SIGNAL_AT_STEP");
  return result;
}

std::set<std::string> files_under(const fs::path& dir) {
  std::set<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.insert(fs::relative(e.path(), dir).string());
  }
  return files;
}

// The same files with the same bytes; summary.json may differ only in wall time and threads.
void expect_identical_outputs(const fs::path& resumed, const fs::path& reference) {
  ASSERT_TRUE(fs::exists(resumed / "summary.json")) << resumed;
  EXPECT_EQ(files_under(resumed), files_under(reference));
  for (const std::string& f : files_under(reference)) {
    if (f == "summary.json") continue;
    EXPECT_TRUE(read_file(resumed / f) == read_file(reference / f)) << f << " differs";
  }
  nlohmann::json a = nlohmann::json::parse(read_file(resumed / "summary.json"));
  nlohmann::json b = nlohmann::json::parse(read_file(reference / "summary.json"));
  for (auto* j : {&a, &b}) {
    j->erase("wall_seconds");
    j->erase("threads");
  }
  EXPECT_EQ(a, b);
}

struct Reference {
  fs::path out;
  std::uint64_t steps = 0;
  double end_time_min = 0;
};

// The uninterrupted run, one thread, no checkpoints.
Reference reference_run(const std::string& name, const fs::path& dir) {
  Reference r;
  r.out = dir / "reference";
  const CliResult run = run_cli("run " + scenario(name) + " -q -t 1 --out " + r.out.string());
  EXPECT_EQ(run.exit_code, 0) << run.output;
  const nlohmann::json summary = nlohmann::json::parse(read_file(r.out / "summary.json"));
  r.steps = summary["mechanics_steps"].get<std::uint64_t>();
  r.end_time_min = summary["end_time_min"].get<double>();
  return r;
}

std::string run_args(const std::string& name, const fs::path& out, double every_min, int threads) {
  return "run " + scenario(name) + " -q -t " + std::to_string(threads) + " --out " + out.string() +
         " --checkpoint-every " + std::to_string(every_min);
}

// Every shipped 2-D spatial scenario (each mechanism with run state appears in at least one):
// killed by SIGKILL just after a step between its 4th and 5th checkpoints, at 2 threads, and
// resumed at 2 threads.
class CheckpointResume : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckpointResume, KilledBetweenCheckpointsFinishesIdentical) {
  const std::string name = GetParam();
  const fs::path dir = fresh_directory("checkpoint-" + name);
  const Reference ref = reference_run(name, dir);
  ASSERT_GT(ref.steps, 100u);
  const double every = ref.end_time_min / 7;
  const std::uint64_t kill_step = ref.steps * 6 / 10 + 1;
  const fs::path out = dir / "out";
  const CliResult killed = run_stopped_at(kill_step, SIGKILL, run_args(name, out, every, 2));
  EXPECT_NE(killed.exit_code, 0);
  EXPECT_FALSE(fs::exists(out / "summary.json"));
  const fs::path staging = dir / ".out.partial";
  ASSERT_TRUE(fs::exists(staging / "checkpoint" / "state.nksim"));
  const nlohmann::json manifest =
      nlohmann::json::parse(read_file(staging / "checkpoint" / "manifest.json"));
  EXPECT_LT(manifest["mechanics_steps"].get<std::uint64_t>(), kill_step);
  EXPECT_GT(manifest["time_min"].get<double>(), 0.4 * ref.end_time_min);

  const CliResult resumed = run_cli("resume -t 2 " + out.string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_FALSE(fs::exists(staging)) << "the staging folder is moved into place";
  EXPECT_FALSE(fs::exists(out / "checkpoint"));
  expect_identical_outputs(out, ref.out);
}

INSTANTIATE_TEST_SUITE_P(ShippedScenarios, CheckpointResume,
                         ::testing::Values("spheroid_2d", "spheroid_infusion", "serial_killing",
                                           "shedding", "ifn_gamma_t_cells", "immunoediting",
                                           "car_nk_adcc", "mhc_high_targets", "healthy_tissue",
                                           "spheroid_systemic_car_nk", "influenza_patch_2d",
                                           "liver_fibrosis_patch", "cancer_immune_3d"));

// The implicit_adi solvers (secretion handed to the solve, factors rebuilt on the first step
// after a restore; the BDF2 form also carries its last increment in the checkpoint, without which
// the resumed run would restart with a first-order step and differ): spheroid_2d with each
// solver, killed and resumed, ends identical.
class CheckpointAdi : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckpointAdi, SolverResumesIdentical) {
  const fs::path dir = fresh_directory("checkpoint-" + GetParam());
  std::string text = read_file(scenario("spheroid_2d"));
  const std::string section = "[simulation]\n";
  const std::size_t at = text.find(section);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + section.size(), "diffusion_solver = \"" + GetParam() + "\"\n");
  const std::string file = (dir / ("spheroid_2d_" + GetParam() + ".toml")).string();
  std::ofstream(file) << text;
  const Reference ref = reference_run(file, dir);
  ASSERT_GT(ref.steps, 100u);
  const fs::path out = dir / "out";
  run_stopped_at(ref.steps * 6 / 10 + 1, SIGKILL, run_args(file, out, ref.end_time_min / 7, 2));
  const CliResult resumed = run_cli("resume -t 2 " + out.string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  expect_identical_outputs(out, ref.out);
}

INSTANTIATE_TEST_SUITE_P(Solvers, CheckpointAdi,
                         ::testing::Values("implicit_adi", "implicit_adi_bdf2"));

TEST(Checkpoint, StoppedAtACheckpointStepOrBeforeTheFirstAndResumedAtOneThread) {
  const std::string name = "ifn_gamma_t_cells";
  const fs::path dir = fresh_directory("checkpoint-edges");
  const Reference ref = reference_run(name, dir);
  const double every = ref.end_time_min / 4;
  const std::uint64_t every_steps = ref.steps / 4;
  // Killed right after writing the 2nd checkpoint; resumed by the same command at 1 thread.
  const fs::path at = dir / "at_checkpoint";
  run_stopped_at(2 * every_steps, SIGKILL, run_args(name, at, every, 2));
  const CliResult again = run_cli(run_args(name, at, every, 1));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  expect_identical_outputs(at, ref.out);
  // Killed before the first checkpoint: the same command starts again from the beginning.
  const fs::path early = dir / "early";
  run_stopped_at(every_steps / 2, SIGKILL, run_args(name, early, every, 2));
  EXPECT_FALSE(fs::exists(dir / ".early.partial" / "checkpoint"));
  const CliResult no_checkpoint = run_cli("resume " + early.string());
  EXPECT_EQ(no_checkpoint.exit_code, 2);
  EXPECT_NE(no_checkpoint.output.find("no checkpoint to resume from"), std::string::npos)
      << no_checkpoint.output;
  const CliResult fresh = run_cli(run_args(name, early, every, 2));
  ASSERT_EQ(fresh.exit_code, 0) << fresh.output;
  expect_identical_outputs(early, ref.out);
}

TEST(Checkpoint, SigtermSavesACheckpointAndSaysHowToResume) {
  const std::string name = "shedding";
  const fs::path dir = fresh_directory("checkpoint-sigterm");
  const Reference ref = reference_run(name, dir);
  const fs::path out = dir / "out";
  // Checkpoints every half run; SIGTERM a third of the way, before the first one.
  const CliResult stopped =
      run_stopped_at(ref.steps / 3, SIGTERM, run_args(name, out, ref.end_time_min / 2, 2));
  EXPECT_EQ(stopped.exit_code, 128 + SIGTERM) << stopped.output;
  EXPECT_NE(stopped.output.find("checkpoint saved, continue with: nksim resume " + out.string()),
            std::string::npos)
      << stopped.output;
  const nlohmann::json manifest =
      nlohmann::json::parse(read_file(dir / ".out.partial" / "checkpoint" / "manifest.json"));
  EXPECT_EQ(manifest["mechanics_steps"].get<std::uint64_t>(), ref.steps / 3);
  const CliResult resumed = run_cli("resume -t 1 " + out.string());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming"), std::string::npos) << resumed.output;
  expect_identical_outputs(out, ref.out);
}

TEST(Checkpoint, RefusesAChangedScenarioADamagedCheckpointAndASecondWriter) {
  const fs::path dir = fresh_directory("checkpoint-refusals");
  const fs::path copy = dir / "shedding.toml";
  fs::copy_file(scenario("shedding"), copy);
  const fs::path out = dir / "out";
  const std::string args =
      "run " + copy.string() + " -q --out " + out.string() + " --checkpoint-every 60";
  run_stopped_at(700, SIGKILL, args);
  const fs::path state = dir / ".out.partial" / "checkpoint" / "state.nksim";
  ASSERT_TRUE(fs::exists(state));

  // A second run on the same output while the first holds it.
  const int fd = ::open((dir / ".out.partial" / ".lock").c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const CliResult locked = run_cli(args);
  ::close(fd);
  EXPECT_EQ(locked.exit_code, 2);
  EXPECT_NE(locked.output.find("another nksim run is writing this output"), std::string::npos)
      << locked.output;

  // The scenario changed since the checkpoint.
  const std::string original = read_file(copy);
  testing::write_file(copy, original + "\n# edited\n");
  const CliResult changed = run_cli("resume " + out.string());
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_NE(changed.output.find("changed since"), std::string::npos) << changed.output;
  EXPECT_NE(changed.output.find(".out.partial to start the run again"), std::string::npos);
  testing::write_file(copy, original);

  // A damaged checkpoint.
  std::string bytes = read_file(state);
  bytes[bytes.size() / 2] ^= 0x01;
  testing::write_file(state, bytes);
  const CliResult damaged = run_cli("resume " + out.string());
  EXPECT_EQ(damaged.exit_code, 2);
  EXPECT_NE(damaged.output.find("not a readable nksim checkpoint"), std::string::npos)
      << damaged.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(Checkpoint, OnlyForSingleSpatialRuns) {
  const fs::path dir = fresh_directory("checkpoint-engines");
  const CliResult well_mixed = run_cli("run " + scenario("default") +
                                       " --checkpoint-every 10 --out " + (dir / "a").string());
  EXPECT_EQ(well_mixed.exit_code, 2);
  EXPECT_NE(well_mixed.output.find("checkpoints are for spatial runs"), std::string::npos)
      << well_mixed.output;
  const CliResult sweep = run_cli("run " + scenario("killing_assay") +
                                  " --checkpoint-every 10 --out " + (dir / "b").string());
  EXPECT_EQ(sweep.exit_code, 2);
  EXPECT_NE(sweep.output.find("not available for sweeps"), std::string::npos) << sweep.output;
  const CliResult negative = run_cli("run " + scenario("shedding") + " --checkpoint-every -5");
  EXPECT_NE(negative.exit_code, 0);
  EXPECT_FALSE(fs::exists(dir / "a"));
  EXPECT_FALSE(fs::exists(dir / "b"));
}

}  // namespace
}  // namespace nksim
