// Limits that validation applies before anything runs (docs/scenarios.md, "Limits").
//
// Two kinds:
// - physiology: values no patient or tissue allows (a run longer than a century, more cells than
//   a human body holds). Always enforced.
// - size: a run whose outputs or agent counts would swamp a workstation (rows, snapshot bytes,
//   agents). Enforced unless the command line says --allow-large-run; even then a run whose
//   estimated memory exceeds the machine's physical memory is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nksim/io/toml_reader.h"

namespace nksim::limits {

// 100 years: longer than any human life, and than any follow-up a trial could have.
inline constexpr double kMaxDurationDays = 36525;
// Cells in a whole adult human body, 3.72e13 (Bianconi et al., Ann Hum Biol 2013).
inline constexpr double kMaxCells = 3.72e13;
// Effector-to-target ratios: killing assays use 0.1-50 (Bhat & Watzl 2007 use up to 10; 100 is
// far beyond any protocol).
inline constexpr double kMaxEffectorToTarget = 100;

// Agents are soft spheres and may overlap, so a crowded start is legal (mechanics pushes the
// cells apart); beyond this many times the domain's volume (area in 2-D), each cell would have
// less than a quarter of its own volume: the cells cannot fit.
inline constexpr double kMaxCrowding = 4;

// Size limits (overridable).
inline constexpr double kMaxOutputRows = 1e6;       // per output table
inline constexpr double kMaxAgents = 5e6;           // initial agents plus doses
inline constexpr double kMaxSnapshotBytes = 20e9;   // all snapshots of one run
inline constexpr double kMaxSteps = 1e8;            // mechanics steps of one spatial run
inline constexpr double kMaxVoxels = 2e8;           // voxels times fields (1.6 GB of values)
// Sub-steps of one step (diffusion per mechanics, mechanics per phenotype step). Not
// overridable: the shipped scenarios use 1-100.
inline constexpr double kMaxSubsteps = 1e4;

// --allow-large-run sets this to false for the whole process.
void set_size_limits_enforced(bool enforced);
bool size_limits_enforced();

// Bytes of physical memory of this machine (0 when unknown).
double physical_memory_bytes();

// Fails at `key` when `value` exceeds the size limit `limit`; `what` names the quantity
// ("output rows"). Also fails, overridable or not, when `bytes` exceeds physical memory.
void check_size(const TableReader& table, std::string_view key, double value, double limit,
                std::string_view what, double bytes = 0);

// Fails at `key` when a duration exceeds kMaxDurationDays.
void check_duration_days(const TableReader& table, std::string_view key, double days);

}  // namespace nksim::limits
