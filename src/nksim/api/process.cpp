#include "nksim/api/process.h"

#include "nksim/core/interrupt.h"
#include "nksim/core/version.h"
#include "nksim/io/limits.h"

namespace nksim {

const char* version_string() { return kVersion; }

void prepare_process(const ProcessOptions& options) {
  limits::set_size_limits_enforced(options.enforce_size_limits);
  if (options.handle_interrupts) install_interrupt_handlers();
}

}  // namespace nksim
