// Helpers shared by the spatial-engine tests: build a Simulation from scenario text.
#pragma once

#include <string>

#include "nksim/io/spatial_scenario.h"
#include "nksim/io/toml_reader.h"

namespace nksim::test {

inline SpatialModel spatial_from_text(const std::string& text, int threads = 1) {
  return load_spatial(TomlDocument::parse_string(text, "test.toml"), threads);
}

}  // namespace nksim::test
