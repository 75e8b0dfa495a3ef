// Small helpers shared by the fit and personalise readers and writers (internal to
// src/nksim/fit): paths named in a spec, numbers in CSV cells, output files that fail loudly.
#pragma once

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "nksim/core/error.h"
#include "nksim/core/text.h"

namespace nksim::fit_files {

// A path written in a spec file: relative paths are relative to the spec's folder.
inline std::filesystem::path beside(const std::string& spec_file, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(spec_file).parent_path() / p;
  return p;
}

// A CSV cell: full precision, "inf" or "nan" for what is not finite.
inline std::string csv_number(double value) {
  return std::isfinite(value) ? format_number(value) : std::string(value > 0 ? "inf" : "nan");
}

inline std::ofstream open(const std::filesystem::path& file) {
  std::ofstream out(file);
  if (!out) throw Error("cannot write " + file.string());
  return out;
}

inline void check(const std::ofstream& out, const std::filesystem::path& file) {
  if (!out) throw Error("error while writing " + file.string());
}

}  // namespace nksim::fit_files
