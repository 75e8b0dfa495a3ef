#include <iostream>
#include <memory>

#include "commands.h"
#include "nksim/api/nksim.h"

namespace nksim::cli {

void add_validate_command(CLI::App& app, Action& action) {
  auto scenario = std::make_shared<std::string>();
  CLI::App* validate = app.add_subcommand(
      "validate", "Check a scenario file (every key, type, range and name) without running it.");
  validate->add_option("scenario", *scenario, "scenario file (TOML)")->required();
  validate->callback([&action, scenario] {
    action = [scenario] {
      std::cout << validate_scenario_file(*scenario) << "\n";
      return 0;
    };
  });
}

}  // namespace nksim::cli
