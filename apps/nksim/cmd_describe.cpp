#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/nksim.h"
#include "nksim/ode/ode_model.h"

namespace nksim::cli {

void add_describe_command(CLI::App& app, Action& action) {
  auto model = std::make_shared<std::string>();
  auto markdown = std::make_shared<bool>(false);
  CLI::App* describe = app.add_subcommand(
      "describe",
      "Describe a built-in model: states, parameters with units, parameter sets and sources.\n"
      "Without a name, list the models.");
  describe->add_option("model", *model,
                       "model name, e.g. depillis2005, or an SBML file (.xml, docs/sbml.md)");
  describe->add_flag("--markdown", *markdown, "print Markdown tables (as in docs/models/)");
  describe->callback([&action, model, markdown] {
    action = [model, markdown] {
      if (model->empty()) {
        for (const OdeModel* m : all_models()) {
          std::cout << m->name() << "\n  " << m->citation() << "\n";
        }
        return 0;
      }
      std::cout << (*markdown ? describe_model_markdown(*model) : describe_model(*model));
      return 0;
    };
  });
}

}  // namespace nksim::cli
