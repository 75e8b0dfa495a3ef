#include "nksim/core/interrupt.h"

#include <atomic>
#include <csignal>

namespace nksim {
namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler needs a lock-free flag");
thread_local int t_deferred = 0;  // InterruptsDeferred objects alive on this thread

extern "C" void on_interrupt(int signal_number) {
  int expected = 0;
  if (!g_signal.compare_exchange_strong(expected, signal_number)) {
    // Second signal: the user insists. Restore the default action and re-raise it.
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

std::string interrupt_name() {
  const int s = interrupt_signal();
  return s == SIGINT ? "SIGINT (Ctrl-C)" : s == SIGTERM ? "SIGTERM" : "a signal";
}

void throw_if_interrupted(const char* what, const char* consequence) {
  const int s = interrupt_signal();
  if (s == 0 || t_deferred > 0) return;
  throw InterruptedError(std::string(what) + " interrupted by " + interrupt_name() + "; " +
                             consequence,
                         s);
}

InterruptsDeferred::InterruptsDeferred() { ++t_deferred; }
InterruptsDeferred::~InterruptsDeferred() { --t_deferred; }

void set_interrupt_signal_for_testing(int signal_number) { g_signal.store(signal_number); }

}  // namespace nksim
