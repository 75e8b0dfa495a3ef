// Fuzz target: a well-mixed scenario, read as `nksim validate` reads it (parse, then resolve
// names and output times), from the fuzz input as TOML text.
#include "fuzz_support.h"
#include "nksim/io/scenario.h"
#include "nksim/io/well_mixed_scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nksim::fuzz::load_or_reject([&] {
    const auto document =
        nksim::TomlDocument::parse_string(nksim::fuzz::as_text(data, size), "fuzz.toml");
    if (nksim::scenario_engine(document) != "well_mixed") return;
    nksim::resolve(nksim::parse_well_mixed(document));
  });
}
