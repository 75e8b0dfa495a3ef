#include "nksim/trial/progress.h"

#include <unistd.h>

#include <cstdio>

namespace nksim {

ProgressMeter::ProgressMeter(std::size_t total, bool requested)
    : total_(total),
      enabled_(requested && isatty(fileno(stderr)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void ProgressMeter::update(std::size_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  std::fprintf(stderr, "\r  %zu/%zu plans (%.0f%%), %.1f/s, ETA %.0f s   ", done, total_,
               total_ ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0,
               rate, eta);
  printed_ = true;
}

void ProgressMeter::finish() {
  if (printed_) std::fprintf(stderr, "\n");
  printed_ = false;
}

}  // namespace nksim
