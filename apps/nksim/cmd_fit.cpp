#include "spec_command.h"

namespace nksim::cli {

void add_fit_command(CLI::App& app, Action& action) {
  add_spec_command(
      app, action,
      {"fit",
       "Fit a well-mixed model to one patient's measurements (docs/fit.md).\n"
       "Multi-start local optimisation of the negative log-likelihood from Latin hypercube\n"
       "starts, then profile-likelihood 95 % intervals. Writes fit.json, starts.csv,\n"
       "profiles.csv, residuals.csv and timeseries.csv; the same seed gives the same files\n"
       "whatever the thread count.",
       "fit specification (TOML)", "worker threads over starts and profiles (0: all cores)",
       "also write report.html (the fit over the data, the starts, the profiles)", run_fit_spec});
}

}  // namespace nksim::cli
