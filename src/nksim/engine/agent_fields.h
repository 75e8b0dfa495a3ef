// The agent field table: every per-agent column, declared once.
//
// Each row is X(type, name, on_divide, description). The one list drives the column storage of
// AgentStore, resizing, swap-and-pop removal, division copies (on_divide) and byte accounting.
// Snapshots (io/spatial_output.cpp) read the columns by name. Per-cell heritable float
// properties (ligand levels, receptor counts...) are dynamic columns named in the scenario; they
// live beside these (AgentStore::property).
//
// These are the engine's own columns. A column that only one mechanism uses belongs to that
// mechanism: it declares it (AgentStore::declare_column, from Mechanism::declare_columns) in its
// own file, as persistent_walk does for its direction (docs/development.md). The NK columns
// below still live here; they are read by several mechanisms and by the snapshot writer.
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
  X(std::uint8_t, event, kReset, "event queued this phenotype step (AgentEvent)")       \
  NKSIM_NK_COLUMNS(X)

// Effector-target columns (mechanism nk_recognition_kill, docs/mechanisms/nk_recognition_kill.md).
// A conjugate is valid only while both partners name each other, so it ends by itself when the
// target dies of something else, divides (the mother's partner is cleared) or the NK cell dies.
#define NKSIM_NK_COLUMNS(X)                                                                    \
  X(std::uint64_t, partner_id, kReset, "conjugate partner id (NK: target, target: NK), 0 = none") \
  X(double, contact_min, kReset, "effector: time left in conjugate/refractory period (min)")   \
  X(double, doom_min, kReset, "target: time left until the scheduled kill (min)")              \
  X(double, contact_start_min, kReset, "time the current conjugate formed (min)")              \
  X(double, potency, kReset, "effector: cytotoxic potency in [0, 1] (exhaustion)")             \
  X(double, nkg2d_available, kReset, "effector: NKG2D left on the surface in [0, 1]")         \
  X(std::int32_t, kills, kReset, "effector: targets killed")                                   \
  X(std::int32_t, kill_capacity, kReset, "effector: most targets it can kill")                 \
  X(std::int32_t, granules, kReset, "effector: granzyme kills left")                           \
  X(std::uint8_t, nk_flags, kReset, "effector flags (NkFlag) / target: pathway of doom")

// Events decided in parallel and applied serially, in id order, at the end of a step.
enum AgentEvent : std::uint8_t {
  kEventNone = 0,
  kEventDivide = 1,
  kEventApoptosis = 2,
  kEventLysis = 4,
  kEventRemove = 8,
};

}  // namespace nksim
