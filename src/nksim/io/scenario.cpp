#include "nksim/io/scenario.h"

namespace nksim {

std::vector<std::string> engine_names() { return {"well_mixed", "spatial"}; }

std::string scenario_engine(const TomlDocument& document) {
  TableReader root = document.reader();
  TableReader simulation = root.table("simulation");
  return simulation.choice("engine", engine_names());
}

}  // namespace nksim
