#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/nksim.h"
#include "nksim/ode/ode_model.h"

namespace nksim::cli {

void add_describe_command(CLI::App& app, Action& action) {
  auto model = std::make_shared<std::string>();
  CLI::App* describe = app.add_subcommand(
      "describe",
      "Describe a built-in model: states, parameters with units, parameter sets and sources.\n"
      "Without a name, list the models.");
  describe->add_option("model", *model, "model name, e.g. depillis2005");
  describe->callback([&action, model] {
    action = [model] {
      if (model->empty()) {
        for (const OdeModel* m : all_models()) {
          std::cout << m->name() << "\n  " << m->citation() << "\n";
        }
        return 0;
      }
      std::cout << describe_model(*model);
      return 0;
    };
  });
}

}  // namespace nksim::cli
