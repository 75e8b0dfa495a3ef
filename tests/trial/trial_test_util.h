// Helpers for end-to-end trial tests: trial files and reading endpoint rows back (running
// commands and temporary directories: support/run_cli.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nksim::test {

// Prefix of mpirun command lines: Open MPI keeps some memory until exit, which LeakSanitizer
// (asan preset) would report as a failure of nksim-mpi.
inline constexpr const char* kMpiEnv = "env ASAN_OPTIONS=detect_leaks=0 ";

// Writes a trial file `name` into dir whose base is the repository's scenarios/trial_nk_dose_base.toml.
// `body` is everything after [trial]'s base line (more [trial] keys first).
std::filesystem::path write_trial(const std::filesystem::path& dir, const std::string& name,
                                  const std::string& body);

// A small two-arm trial with three sampled quantities (patients and sampler given).
std::string small_trial_body(int patients, const std::string& sampler);

// Every endpoint row and stored series of DIR/trial.sqlite as exact text, in (patient, arm)
// order.
std::vector<std::string> endpoint_rows(const std::filesystem::path& dir);

// Rows committed so far to the endpoints table of a store, or 0 while it is not there yet.
std::size_t committed_rows(const std::filesystem::path& db_file);

}  // namespace nksim::test
