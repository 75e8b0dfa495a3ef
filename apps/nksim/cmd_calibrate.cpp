#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/fit/abc_calibrate.h"
#include "nksim/io/output_dir.h"

namespace nksim::cli {
namespace {

struct CalibrateCommandOptions {
  std::string spec;
  std::string out;
  int threads = 0;
  bool quiet = false;
};

}  // namespace

void add_calibrate_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<CalibrateCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "calibrate",
      "Calibrate a spatial killing assay to an E:T vs % specific lysis curve by ABC-SMC\n"
      "(docs/calibration.md). Writes particles.csv, generations.csv, posterior.csv,\n"
      "curve.csv and summary.json; the same seed gives the same files whatever the thread\n"
      "count.");
  command->add_option("spec", options->spec, "calibration specification (TOML)")->required();
  command->add_option("-o,--out", options->out, "output directory (default: results/<spec name>)");
  command
      ->add_option("-t,--threads", options->threads,
                   "worker threads over simulations (0: all cores)")
      ->check(CLI::Range(0, kMaxThreads));
  command->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  command->callback([&action, options] {
    action = [options] {
      const std::filesystem::path out =
          options->out.empty()
              ? std::filesystem::path("results") / std::filesystem::path(options->spec).stem()
              : std::filesystem::path(options->out);
      OutputDirectory::check_target(out);
      const CalibrateSpec spec = read_calibrate_spec_file(options->spec);
      const CalibrateResult result = run_calibration(spec, options->threads);
      OutputDirectory dir(out);
      write_calibration_outputs(dir.staging(), spec, result);
      dir.commit();
      if (!options->quiet) {
        std::cout << calibration_summary_text(spec, result) << "Results in " << out.string()
                  << "/\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
