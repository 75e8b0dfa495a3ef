// Progress of a trial on a terminal: "123/2000 plans (6%), 85/s, ETA 22 s". Silent when stderr
// is not a terminal or when disabled.
#pragma once

#include <chrono>
#include <cstddef>

namespace nksim {

class ProgressMeter {
 public:
  ProgressMeter(std::size_t total, bool requested);
  void update(std::size_t done);  // prints at most five times a second
  void finish();                  // ends the line

 private:
  std::size_t total_;
  bool enabled_;
  bool printed_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace nksim
