// Running the nksim binary and other commands from tests, and the files and directories around
// those runs. NKSIM_BINARY comes from CMake (nksim_add_test in tests/CMakeLists.txt).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace nksim::testing {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// A path in single quotes, for command lines.
inline std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// Runs `command` in a shell, in `working_directory` when one is given, and captures its output
// (stdout and stderr together). OpenMP threads sleep rather than spin while waiting (results do
// not depend on it; on a shared, loaded machine spinning threads make a 2-thread run ten times
// slower).
inline CliResult run_command(const std::string& command,
                             const std::filesystem::path& working_directory = {}) {
  std::string line = "export OMP_WAIT_POLICY=passive; ";
  if (!working_directory.empty()) line += "cd " + quoted(working_directory) + " && ";
  line += "{ " + command + "\n} 2>&1";
  CliResult result;
  FILE* pipe = ::popen(line.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Runs `nksim <arguments>`; `arguments` is appended to the binary path as given (quote paths
// yourself).
inline CliResult run_cli(const std::string& arguments,
                         const std::filesystem::path& working_directory = {}) {
  return run_command(std::string(NKSIM_BINARY) + " " + arguments, working_directory);
}

// A fresh, empty directory under the system temp dir for one test (left there afterwards, for
// a look at what the test saw).
// The directory's name carries the running test's name and a tag of the build, so that two
// tests asking for the same name (ctest runs them in parallel, each in its own process), or the
// suites of two build folders run at once, never share a folder.
inline std::filesystem::path fresh_directory(const std::string& name) {
  char build[20];
  std::snprintf(build, sizeof build, "-%08zx",
                std::hash<std::string>{}(NKSIM_BINARY) & std::size_t{0xffffffff});
  std::string owner = build;
  if (const auto* test = ::testing::UnitTest::GetInstance()->current_test_info()) {
    owner = std::string(test->test_suite_name()) + "." + test->name();
    for (char& c : owner) {
      const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_';
      if (!plain) c = '_';
    }
    owner = "-" + owner + build;
  }
  const auto dir = std::filesystem::temp_directory_path() / ("nksim-test-" + name + owner);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A fresh directory under the system temp dir with a random suffix, removed by the destructor
// (for tests that write large outputs).
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    std::random_device device;
    path_ =
        std::filesystem::temp_directory_path() / ("nksim-" + name + "-" + std::to_string(device()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A node_modules folder in `dir` with stand-ins for the chart library's three files (a report
// embeds them; their content does not matter to the tests that use this).
inline std::filesystem::path fake_chart_library(const std::filesystem::path& dir) {
  for (const char* package : {"vega", "vega-lite", "vega-embed"}) {
    std::filesystem::create_directories(dir / package / "build");
    write_file(dir / package / "package.json", "{\"version\": \"0.0.0-test\"}");
  }
  write_file(dir / "vega/build/vega.min.js", "/*VEGA*/");
  write_file(dir / "vega-lite/build/vega-lite.min.js", "/*VEGALITE*/");
  write_file(dir / "vega-embed/build/vega-embed.min.js", "/*EMBED*/");
  return dir;
}

// The whole file; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The rows of a CSV file without quoted cells (nksim's exports), each a map from the header's
// names to the cells.
inline std::vector<std::map<std::string, std::string>> read_csv_rows(
    const std::filesystem::path& file) {
  std::istringstream rows(read_file(file));
  const auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::istringstream in(line);
    for (std::string cell; std::getline(in, cell, ',');) cells.push_back(cell);
    return cells;
  };
  std::string line;
  std::getline(rows, line);
  const std::vector<std::string> header = split(line);
  std::vector<std::map<std::string, std::string>> out;
  while (std::getline(rows, line)) {
    const std::vector<std::string> cells = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
    out.push_back(row);
  }
  return out;
}

#ifdef NKSIM_SOURCE_DIR
// A shipped trial (scenarios/<name>) written to dir/<name> with its base named by full path and
// `patients` patients, for tests that run it small. Fails the test when the file does not have
// the one `base = "..."` and `patients = N` lines this edits.
inline std::filesystem::path small_shipped_trial(const std::string& name,
                                                 const std::filesystem::path& dir, int patients) {
  const std::string scenarios = std::string(NKSIM_SOURCE_DIR) + "/scenarios/";
  std::string trial = read_file(scenarios + name);
  // Plain string edits (std::regex trips a false -Wmaybe-uninitialized of g++ 12 at -O1).
  const auto line_value = [&](const std::string& key) -> std::pair<std::size_t, std::size_t> {
    const std::size_t at = trial.find("\n" + key + " = ");
    EXPECT_NE(at, std::string::npos) << name << " has no line '" << key << " = ...'";
    if (at == std::string::npos) return {trial.size(), 0};
    const std::size_t begin = at + key.size() + 4;
    return {begin, std::min(trial.find('\n', begin), trial.size()) - begin};
  };
  const auto [base_at, base_length] = line_value("base");  // "file.toml"
  if (base_length > 2) trial.replace(base_at + 1, 0, scenarios);
  const auto [count_at, count_length] = line_value("patients");
  trial.replace(count_at, count_length, std::to_string(patients));
  write_file(dir / name, trial);
  return dir / name;
}
#endif

// A command started in the background, for tests that interrupt runs: argv[0] is looked up in
// PATH, stdout and stderr are discarded. The destructor kills (SIGKILL) and reaps a process still
// running.
class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      if (null < 0 || ::dup2(null, STDOUT_FILENO) < 0 || ::dup2(null, STDERR_FILENO) < 0) {
        ::_exit(126);
      }
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
  }
  ~BackgroundProcess() {
    if (pid_ > 0) stop(SIGKILL);
  }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  bool started() const { return pid_ > 0; }

  // Sends `signal_number`, waits for the process to end and returns its exit code, or 1000 plus
  // the signal that ended it (-1 when it never started).
  int stop(int signal_number) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal_number);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
};

// Checks `condition` every `period` until it holds or `timeout` has passed; returns whether it
// held.
inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds period,
                       std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(period);
  }
}

}  // namespace nksim::testing
