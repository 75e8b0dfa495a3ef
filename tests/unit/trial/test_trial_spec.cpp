// Reading trial files: errors a user can act on, naming the file, the line and the key.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>

#include "nksim/core/error.h"
#include "nksim/trial/trial_spec.h"

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

}  // namespace
}  // namespace nksim
