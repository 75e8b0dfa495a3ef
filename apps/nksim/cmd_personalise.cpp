#include "spec_command.h"

namespace nksim::cli {

void add_personalise_command(CLI::App& app, Action& action) {
  add_spec_command(
      app, action,
      {"personalise",
       "Predict candidate schedules for a fitted patient (docs/personalise.md, \"Choosing a\n"
       "schedule\"). Fits the named fit specification, draws an ensemble of acceptable fits\n"
       "(objective within chi2_{p,0.95}/2 of the best), simulates every schedule for every\n"
       "member and writes schedules.csv (response probability, time to progression, toxicity\n"
       "peak, dominated schedules), members.csv, ensemble.csv, trajectories.csv and\n"
       "summary.json. Model predictions, not medical advice.",
       "personalise specification (TOML)",
       "worker threads over fit starts, ensemble draws and runs (0: all cores)",
       "also write report.html (trajectory bands and the schedule table)", run_personalise_spec});
}

}  // namespace nksim::cli
