// Entry point for scenario files: which engine a file asks for.
#pragma once

#include <string>
#include <vector>

#include "nksim/io/toml_reader.h"

namespace nksim {

// The engines a scenario may name in [simulation].engine.
std::vector<std::string> engine_names();

// Reads and checks [simulation].engine (required).
std::string scenario_engine(const TomlDocument& document);

}  // namespace nksim
