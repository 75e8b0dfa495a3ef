// Errors a user can act on. Every failure that reaches the command line is one of these, and
// each kind maps to one documented exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace nksim {

// Exit codes of the `nksim` command (documented in docs/cli.md).
enum class ExitCode : int {
  kOk = 0,
  kFailure = 1,    // anything unexpected (I/O error while writing, internal error)
  kBadInput = 2,   // the scenario, trial or command line is wrong
  kNumerical = 3,  // the model could not be integrated (blow-up, solver failure)
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ExitCode code = ExitCode::kFailure)
      : std::runtime_error(message), code_(code) {}
  ExitCode exit_code() const { return code_; }

 private:
  ExitCode code_;
};

// Bad input: the message names the file, the line and the key where there is one.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(message, ExitCode::kBadInput) {}
};

// The numbers went wrong: the message names the model, the time and the state.
class NumericalError : public Error {
 public:
  explicit NumericalError(const std::string& message) : Error(message, ExitCode::kNumerical) {}
};

}  // namespace nksim
