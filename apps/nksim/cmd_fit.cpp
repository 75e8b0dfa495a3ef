#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/fit/fit_output.h"
#include "nksim/io/output_dir.h"
#include "nksim/report/report.h"

namespace nksim::cli {
namespace {

struct FitCommandOptions {
  std::string spec;
  std::string out;
  int threads = 0;
  bool quiet = false;
  bool report = false;
};

}  // namespace

void add_fit_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<FitCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "fit",
      "Fit a well-mixed model to one patient's measurements (docs/personalise.md).\n"
      "Multi-start local optimisation of the negative log-likelihood from Latin hypercube\n"
      "starts, then profile-likelihood 95 % intervals. Writes fit.json, starts.csv,\n"
      "profiles.csv, residuals.csv and timeseries.csv; the same seed gives the same files\n"
      "whatever the thread count.");
  command->add_option("spec", options->spec, "fit specification (TOML)")->required();
  command->add_option("-o,--out", options->out, "output directory (default: results/<spec name>)");
  command
      ->add_option("-t,--threads", options->threads,
                   "worker threads over starts and profiles (0: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  command->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  command->add_flag("--report", options->report,
                    "also write report.html (the fit over the data, the starts, the profiles)");
  command->callback([&action, options] {
    action = [options] {
      const std::filesystem::path out =
          options->out.empty()
              ? std::filesystem::path("results") / std::filesystem::path(options->spec).stem()
              : std::filesystem::path(options->out);
      OutputDirectory::check_target(out);
      if (options->report) nksim::report::check_chart_library();
      const FitSpec spec = read_fit_spec_file(options->spec);
      FitOptions fit_options;
      fit_options.threads = options->threads;
      const FitResult fit = run_fit(spec, fit_options);
      OutputDirectory dir(out);
      write_fit_outputs(dir.staging(), spec, fit);
      dir.commit();
      if (!options->quiet) {
        std::cout << fit_summary_text(spec, fit) << "Results in " << out.string() << "/\n";
      }
      if (options->report) {
        const auto file = nksim::report::write_report(out);
        if (!options->quiet) std::cout << "Report: " << file.string() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
