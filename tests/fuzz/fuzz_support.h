// Shared pieces of the loader fuzz targets (docs/fuzzing.md).
//
// A loader may reject an input only with InputError, the error a user sees with file, line and
// key. Anything else escaping it (another exception, a crash, a sanitizer report, a hang, a
// runaway allocation) is a bug that libFuzzer reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>

#include "nksim/core/error.h"

namespace nksim::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Runs one load; a clean rejection is an expected outcome, not a finding. With
// NKSIM_FUZZ_VERBOSE=1 in the environment the rejection is printed (to see why a seed fails).
template <typename Load>
int load_or_reject(Load&& load) {
  static const bool verbose = std::getenv("NKSIM_FUZZ_VERBOSE") != nullptr;
  try {
    load();
    if (verbose) std::cerr << "accepted\n";
  } catch (const InputError& e) {
    if (verbose) std::cerr << "rejected: " << e.what() << "\n";
  }
  return 0;
}

// A folder of this process's own for the loaders that read files (trial base scenarios, CSV
// positions). Made once, removed at exit; parallel fuzzing jobs never share one.
const std::filesystem::path& scratch_dir();

// Writes `text` to `file` inside scratch_dir(), replacing it; returns the full path.
std::filesystem::path write_scratch(std::string_view file, std::string_view text);

}  // namespace nksim::fuzz
