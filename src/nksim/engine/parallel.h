// When a loop is worth a parallel region. Below these sizes the fork/join and barrier cost of an
// OpenMP region (large when the machine is shared and a thread gets descheduled) exceeds the
// work, so the loop runs on the calling thread. Results never depend on this choice.
#pragma once

#include <cstdint>

namespace nksim {

inline constexpr std::int64_t kMinParallelAgents = 4096;
inline constexpr std::int64_t kMinParallelVoxels = 32768;

}  // namespace nksim
