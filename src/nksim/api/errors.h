// The errors the library throws at its callers: part of the API. Each maps to one exit code of
// the command line (docs/cli.md): InputError 2, NumericalError 3, InterruptedError 128 + signal,
// any other Error 1.
#pragma once

#include "nksim/core/error.h"
#include "nksim/core/interrupt.h"
