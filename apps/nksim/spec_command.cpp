#include "spec_command.h"

#include <iostream>
#include <memory>

#include "nksim/api/report.h"

namespace nksim::cli {
namespace {

struct SpecCommandOptions {
  std::string spec;
  std::string out;
  int threads = 0;
  bool quiet = false;
  bool report = false;
};

}  // namespace

void add_spec_command(CLI::App& app, Action& action, const SpecCommand& command) {
  auto options = std::make_shared<SpecCommandOptions>();
  CLI::App* sub = app.add_subcommand(command.name, command.description);
  sub->add_option("spec", options->spec, command.spec_help)->required();
  sub->add_option("-o,--out", options->out, "output directory (default: results/<spec name>)");
  sub->add_option("-t,--threads", options->threads, command.threads_help)
      ->check(CLI::Range(0, kMaxThreads));
  sub->add_flag("-q,--quiet", options->quiet, "print nothing but errors");
  if (!command.report_help.empty()) {
    sub->add_flag("--report", options->report, command.report_help);
  }
  sub->callback([&action, options, run = command.run] {
    action = [options, run] {
      SpecRunOptions run_options;
      run_options.spec = options->spec;
      run_options.out = options->out;
      run_options.threads = options->threads;
      run_options.report = options->report;
      const SpecRunResult result = run(run_options);
      if (!options->quiet) {
        std::cout << result.summary << "Results in " << result.out.string() << "/\n";
      }
      if (options->report) {
        const auto file = write_html_report(result.out);
        if (!options->quiet) std::cout << "Report: " << file.string() << "\n";
      }
      return 0;
    };
  });
}

}  // namespace nksim::cli
