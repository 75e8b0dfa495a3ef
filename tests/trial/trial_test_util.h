// Helpers for end-to-end trial tests: temporary directories, trial files, running commands and
// reading endpoint rows back.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nksim::test {

// Prefix of mpirun command lines: Open MPI keeps some memory until exit, which LeakSanitizer
// (asan preset) would report as a failure of nksim-mpi.
inline constexpr const char* kMpiEnv = "env ASAN_OPTIONS=detect_leaks=0 ";

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult run_command(const std::string& command);

// Writes a trial file `name` into dir whose base is the repository's scenarios/trial_nk_dose_base.toml.
// `body` is everything after [trial]'s base line (more [trial] keys first).
std::filesystem::path write_trial(const std::filesystem::path& dir, const std::string& name,
                                  const std::string& body);

// A small two-arm trial with three sampled quantities (patients and sampler given).
std::string small_trial_body(int patients, const std::string& sampler);

// Every endpoint row and stored series of DIR/trial.sqlite as exact text, in (patient, arm)
// order.
std::vector<std::string> endpoint_rows(const std::filesystem::path& dir);

std::string quoted(const std::filesystem::path& path);

}  // namespace nksim::test
