// Placing a spatial scenario's [[population]] tables: spheres (random or packed), shells, boxes,
// the whole domain, or positions from a CSV file. Every population is checked against the domain
// and the agent budget (docs/scenarios.md, "Limits") before anything is allocated, and draws
// from its own random stream, so placement is the same at any thread count.
#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nksim/engine/simulation.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

// A point of `dim` numbers at `key` (z = 0 in 2-D); `fallback` when absent and not required.
std::array<double, 3> read_point(TableReader& t, std::string_view key, int dim, bool required,
                                 std::array<double, 3> fallback = {0, 0, 0});

// The [[population]] tables, placed in file order (relative csv files are read from `dir`).
void place_populations(TableReader& root, Simulation& simulation,
                       const std::vector<std::string>& type_names,
                       const std::filesystem::path& dir);

}  // namespace nksim
