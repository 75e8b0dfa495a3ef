#include "spec_command.h"

namespace nksim::cli {

void add_calibrate_command(CLI::App& app, Action& action) {
  add_spec_command(
      app, action,
      {"calibrate",
       "Calibrate a spatial killing assay to an E:T vs % specific lysis curve by ABC-SMC\n"
       "(docs/calibration.md). Writes particles.csv, generations.csv, posterior.csv,\n"
       "curve.csv and summary.json; the same seed gives the same files whatever the thread\n"
       "count.",
       "calibration specification (TOML)", "worker threads over simulations (0: all cores)", "",
       run_calibrate_spec});
}

}  // namespace nksim::cli
