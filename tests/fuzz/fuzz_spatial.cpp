// Fuzz target: a spatial scenario (or a sweep of them), read and built as `nksim validate`
// does, from the fuzz input as TOML text. The document is named as if in an empty folder, so a
// population read from a CSV file finds none: positions have their own target
// (fuzz_csv_positions).
#include "fuzz_support.h"
#include "nksim/api/spatial_run.h"
#include "nksim/io/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return nksim::fuzz::load_or_reject([&] {
    const auto document = nksim::TomlDocument::parse_string(
        nksim::fuzz::as_text(data, size), (nksim::fuzz::scratch_dir() / "fuzz.toml").string());
    if (nksim::scenario_engine(document) != "spatial") return;
    nksim::validate_spatial(document);
  });
}
