#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/nksim.h"

namespace nksim::cli {

void add_describe_command(CLI::App& app, Action& action) {
  auto model = std::make_shared<std::string>();
  auto markdown = std::make_shared<bool>(false);
  CLI::App* describe = app.add_subcommand(
      "describe",
      "Describe a built-in model (states, parameters with units, parameter sets and sources) or\n"
      "spatial mechanism (scenario keys with unit, default, meaning, source, evidence), or a\n"
      "model read from an SBML file (.xml, docs/sbml.md).\n"
      "Without a name, list the models and mechanisms.");
  describe->add_option("model", *model,
                       "model or mechanism name, e.g. depillis2005, or an SBML file (.xml)");
  describe->add_flag("--markdown", *markdown,
                     "print Markdown tables (as in docs/models/, docs/mechanisms/)");
  describe->callback([&action, model, markdown] {
    action = [model, markdown] {
      std::cout << (model->empty() ? nksim::describe_catalogue()
                                   : nksim::describe(*model, *markdown));
      return 0;
    };
  });
}

}  // namespace nksim::cli
