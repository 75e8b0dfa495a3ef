// Ctrl-C and SIGTERM: stop a run cleanly.
//
// The command line installs handlers that only set a flag (all a signal handler may safely do).
// Long loops poll it between steps and throw InterruptedError; the error unwinds through
// OutputDirectory, whose destructor removes the staging directory, so an interrupted run leaves
// nothing behind. A second signal while the first is being handled ends the process at once.
#pragma once

#include <string>

#include "nksim/core/error.h"

namespace nksim {

// A run stopped by SIGINT or SIGTERM; exit code 128 + the signal number, as shells report it.
class InterruptedError : public Error {
 public:
  InterruptedError(const std::string& message, int signal_number)
      : Error(message, static_cast<ExitCode>(128 + signal_number)) {}
};

// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_interrupt_handlers();

// The signal received so far, or 0.
int interrupt_signal();

// "SIGINT (Ctrl-C)", "SIGTERM" or "a signal": the signal received, for messages.
std::string interrupt_name();

// Throws InterruptedError ("<what> interrupted by SIGINT (Ctrl-C); <consequence>") when a
// signal has been received.
void throw_if_interrupted(const char* what, const char* consequence = "no output was written");

// While one lives, throw_if_interrupted on this thread does nothing: work nested inside a step
// that must not stop half-way (a well-mixed run stepped by a spatial mechanism) finishes, and the
// loop around the step sees the signal at its next poll.
class InterruptsDeferred {
 public:
  InterruptsDeferred();
  ~InterruptsDeferred();
  InterruptsDeferred(const InterruptsDeferred&) = delete;
  InterruptsDeferred& operator=(const InterruptsDeferred&) = delete;
};

// Test hook: behave as if `signal_number` had been received (0 clears it).
void set_interrupt_signal_for_testing(int signal_number);

}  // namespace nksim
