// The agent field table: every per-agent column, declared once.
//
// Each row is X(type, name, on_divide, description). The one list drives the column storage of
// AgentStore, resizing, swap-and-pop removal, division copies (on_divide) and byte accounting.
// Snapshots (io/spatial_output.cpp) read the columns by name. Per-cell heritable float
// properties (ligand levels, receptor counts...) are dynamic columns named in the scenario; they
// live beside these (AgentStore::property).
//
// These are the engine's own columns, present in every run. A column of one mechanism belongs to
// that mechanism: it declares it, typed (AgentStore::declare_column<T>, from
// Mechanism::declare_columns), in its own file, as persistent_walk does for its direction and
// nk_recognition_kill for the effector-target state (docs/development.md); other code finds it
// by name (AgentStore::find_column) and copes with its absence.
#pragma once

#include <cstdint>

namespace nksim {

// What a daughter gets at division: the mother's value, or the column's reset value (0).
enum class OnDivide { kCopy, kReset };

// Life states (index into state names in outputs).
enum class AgentState : std::int32_t { kLive = 0, kApoptotic = 1, kLysed = 2 };
inline constexpr int kNumStates = 3;
inline constexpr const char* kStateNames[kNumStates] = {"live", "apoptotic", "lysed"};

#define NKSIM_AGENT_COLUMNS(X)                                                        \
  X(std::uint64_t, id, kReset, "stable id, never reused (assigned by the store)")     \
  X(std::int32_t, type, kCopy, "cell type index")                                     \
  X(std::int32_t, state, kReset, "AgentState")                                        \
  X(double, x, kCopy, "position x (um)")                                              \
  X(double, y, kCopy, "position y (um)")                                              \
  X(double, z, kCopy, "position z (um)")                                              \
  X(double, radius, kCopy, "radius (um)")                                             \
  X(double, vx, kReset, "velocity x this mechanics step (um/min)")                    \
  X(double, vy, kReset, "velocity y (um/min)")                                        \
  X(double, vz, kReset, "velocity z (um/min)")                                        \
  X(double, state_time_min, kReset, "time spent in the current state (min)")          \
  X(double, pressure, kReset, "dimensionless contact pressure (last mechanics step)") \
  X(std::uint8_t, event, kReset, "event queued this phenotype step (AgentEvent)")

// Events decided in parallel and applied serially, in id order, at the end of a step.
enum AgentEvent : std::uint8_t {
  kEventNone = 0,
  kEventDivide = 1,
  kEventApoptosis = 2,
  kEventLysis = 4,
  kEventRemove = 8,
};

}  // namespace nksim
