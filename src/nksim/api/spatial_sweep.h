// A spatial scenario run once per value of one parameter ([sweep]), e.g. a killing assay at
// several effector-to-target ratios. Docs: docs/mechanisms/nk_infusion.md ("Sweeps and the
// killing assay").
//
//   [sweep]
//   parameter = "mechanisms.nk_infusion.dose[1].effector_to_target"   # dotted path, [n] 1-based
//   values = [0, 0.5, 1, 2, 5, 10]
//   readout = "specific_lysis"    # optional; needs a control value 0 among the values
//
// Each value runs as its own simulation (same seed) into <out>/conditions/<k>_<value>/ with its
// full outputs; <out>/summary.json lists every condition's read-outs and, for specific_lysis,
// the percentage of targets killed above the spontaneous death of the control (value 0):
//   specific lysis = 100 (dead - dead_control) / (1 - dead_control).
#pragma once

#include <string>
#include <vector>

#include "nksim/api/nksim.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

bool has_sweep(const TomlDocument& document);

// The scenario with the number at `dotted_path` replaced by `value` and [sweep] removed.
// Throws InputError naming the path when it does not lead to an existing number.
TomlDocument with_parameter(const TomlDocument& document, const std::string& dotted_path,
                            double value);

// Specific lysis (percent) from dead fractions; `control` is the dead fraction without effectors.
double specific_lysis_percent(double dead_fraction, double control_dead_fraction);

RunReport run_spatial_sweep(const TomlDocument& document, const RunOptions& options);
std::string validate_spatial_sweep(const TomlDocument& document);

}  // namespace nksim
