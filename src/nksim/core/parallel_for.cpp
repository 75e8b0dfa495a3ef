#include "nksim/core/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace nksim {

void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& task) {
  const std::size_t workers =
      std::min<std::size_t>(n, threads > 0 ? static_cast<std::size_t>(threads)
                                           : std::max(1U, std::thread::hardware_concurrency()));
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        task(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace nksim
