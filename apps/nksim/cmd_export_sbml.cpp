#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/errors.h"
#include "nksim/api/nksim.h"

namespace nksim::cli {
namespace {

struct ExportOptions {
  std::string model;
  std::string set;
  std::string scenario;
  std::string out;
};

}  // namespace

void add_export_sbml_command(CLI::App& app, Action& action) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = app.add_subcommand(
      "export-sbml",
      "Write a built-in model as SBML Level 3 Version 2 (docs/sbml.md): species with rate\n"
      "rules, parameters with one set's values, units; a scenario's doses as events.");
  command->add_option("model", options->model, "model name, e.g. depillis2005")->required();
  command->add_option("--set", options->set, "parameter set (default: the model's first)");
  command->add_option("--scenario", options->scenario,
                      "a well-mixed scenario of this model: export its parameters, initial "
                      "state and doses");
  command->add_option("-o,--out", options->out, "the SBML file to write")->required();
  command->callback([&action, options] {
    action = [options] {
      const std::string xml = export_model_sbml(options->model, options->set, options->scenario);
      std::ofstream file(options->out, std::ios::binary);
      file << xml;
      file.close();
      if (!file) throw Error("cannot write " + options->out);
      std::cout << "Wrote " << options->out << "\n";
      return 0;
    };
  });
}

}  // namespace nksim::cli
