// A small thread pool for independent tasks whose results the caller stores by index, so the
// thread count cannot change what comes out (fit starts and profiles, personalise ensembles).
#pragma once

#include <cstddef>
#include <functional>

namespace nksim {

// Runs task(i) for every i in [0, n) on `threads` threads (0: all cores), handing out indices
// in order. When tasks throw, rethrows the failure of the lowest index after all have finished.
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& task);

}  // namespace nksim
