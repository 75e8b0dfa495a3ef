// Reading a trial's [endpoints] table (docs/trials.md, "Endpoints"): the category, death and
// elimination thresholds, the peak state, and the threshold and time-to-event endpoints.
#pragma once

#include "nksim/io/toml_reader.h"
#include "nksim/trial/trial_spec.h"

namespace nksim {

// Fills spec.endpoints from [endpoints] (after the base and follow-up are known); InputError
// naming the file, line and key on a bad value.
void read_endpoints(TableReader& root, TrialSpec& spec);

}  // namespace nksim
