// Runs a spatial scenario for the facade (api/nksim.cpp).
#pragma once

#include "nksim/api/nksim.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

RunReport run_spatial(const TomlDocument& document, const RunOptions& options);
std::string validate_spatial(const TomlDocument& document);

}  // namespace nksim
