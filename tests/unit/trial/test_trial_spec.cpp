// Reading trial files: errors a user can act on, naming the file, the line and the key.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "nksim/core/error.h"
#include "nksim/trial/trial_spec.h"
#include "support/run_cli.h"

namespace nksim {
namespace {

// Found by fuzzing: a base name longer than the file system allows (255 bytes) made
// std::filesystem throw filesystem_error, which the command line reported as an internal error.
TEST(TrialSpec, ABaseNameTheFileSystemRefusesIsAnInputErrorOnTheKey) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("nksim-trial-spec-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "t.toml";
  std::ofstream(file) << "[trial]\nbase = \"" << std::string(300, 'x')
                      << ".toml\"\npatients = 3\n[[arm]]\nname = \"a\"\n";
  try {
    parse_trial_file(file);
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("t.toml:2:"), std::string::npos) << message;
    EXPECT_NE(message.find("'trial.base'"), std::string::npos) << message;
    EXPECT_NE(message.find("which is not a file"), std::string::npos) << message;
  }
  std::filesystem::remove_all(dir);
}

// [[endpoints.threshold]]: read in file order; a wrong state, both or neither of above and
// below, a day after follow-up and a repeated name are errors naming the key.
TEST(TrialSpec, ThresholdEndpointsAreReadAndChecked) {
  const auto dir = testing::fresh_directory("trial_threshold");
  const std::string head = "[trial]\nbase = \"" + std::string(NKSIM_SOURCE_DIR) +
                           "/scenarios/trial_nk_dose_base.toml\"\npatients = 3\n"
                           "follow_up_days = 30\n[[arm]]\nname = \"a\"\n[endpoints]\n"
                           "death_above = 1e9\n";
  const auto parse = [&](const std::string& thresholds) {
    const auto file = dir / "t.toml";
    std::ofstream(file) << head << thresholds;
    return parse_trial_file(file);
  };
  const TrialSpec spec = parse(
      "[[endpoints.threshold]]\nname = \"nk_up\"\nstate = \"N\"\nday = 14\nabove = 1e5\n"
      "[[endpoints.threshold]]\nname = \"small\"\nstate = \"T\"\nday = 28\nbelow = 10\n");
  ASSERT_EQ(spec.endpoints.thresholds.size(), 2u);
  EXPECT_EQ(spec.endpoints.thresholds[0].name, "nk_up");
  EXPECT_EQ(spec.endpoints.thresholds[0].state, "N");
  EXPECT_EQ(spec.endpoints.thresholds[0].day, 14);
  EXPECT_EQ(spec.endpoints.thresholds[0].level, 1e5);
  EXPECT_TRUE(spec.endpoints.thresholds[0].above);
  EXPECT_FALSE(spec.endpoints.thresholds[1].above);
  const auto refused = [&](const std::string& thresholds, const std::string& expected) {
    try {
      parse(thresholds);
      ADD_FAILURE() << "expected InputError for " << thresholds;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  };
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"Q\"\nday = 1\nabove = 1\n",
          "'endpoints.threshold[1].state' is 'Q', not a state of depillis2005");
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"T\"\nday = 1\nabove = 1\n"
          "below = 2\n",
          "give exactly one of above and below");
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"T\"\nday = 1\n",
          "give exactly one of above and below");
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"T\"\nday = 31\nabove = 1\n",
          "must not be after follow_up_days");
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"T\"\nday = 1\nabove = 1\n"
          "[[endpoints.threshold]]\nname = \"x\"\nstate = \"N\"\nday = 2\nabove = 1\n",
          "'x' is used by another threshold");
  // A time to the first crossing after a landmark day.
  const TrialSpec first = parse(
      "[[endpoints.threshold]]\nname = \"relapse\"\nstate = \"T\"\nfirst_after_day = 0\n"
      "above = 1e6\n");
  ASSERT_EQ(first.endpoints.thresholds.size(), 1u);
  EXPECT_TRUE(first.endpoints.thresholds[0].first);
  EXPECT_EQ(first.endpoints.thresholds[0].day, 0);
  EXPECT_FALSE(spec.endpoints.thresholds[0].first);
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"T\"\nday = 1\n"
          "first_after_day = 1\nabove = 1\n",
          "'endpoints.threshold[1].day' give either day or first_after_day, not both");
  refused("[[endpoints.threshold]]\nname = \"x\"\nstate = \"T\"\nfirst_after_day = 30\n"
          "above = 1\n",
          "must be before follow_up_days (30)");
}

}  // namespace
}  // namespace nksim
