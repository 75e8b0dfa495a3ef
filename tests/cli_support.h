// Running the nksim binary from tests (NKSIM_BINARY and NKSIM_SOURCE_DIR come from CMake).
#pragma once

#include <sys/wait.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nksim::test {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

// Runs `nksim <arguments>` in a shell; output captured through a temporary file. OpenMP threads
// sleep rather than spin while waiting (results do not depend on it; on a shared, loaded machine
// spinning threads make a 2-thread run ten times slower).
inline CliResult run_cli(const std::string& arguments, const std::filesystem::path& work) {
  const std::filesystem::path log = work / "cli_output.txt";
  const std::string command = "OMP_WAIT_POLICY=passive " + std::string(NKSIM_BINARY) + " " +
                              arguments + " > " + log.string() + " 2>&1";
  const int status = std::system(command.c_str());
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.output = read_file(log);
  return r;
}

// A fresh, empty directory under the system temp directory.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("nksim_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace nksim::test
