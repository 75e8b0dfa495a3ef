// Fuzz target: agent positions read from a CSV file (a [[population]] with shape = "csv").
// The input is the CSV file; one fixed 2-D and one fixed 3-D scenario place it, so every
// input is read both with two and with three coordinates per row.
#include <string>

#include "fuzz_support.h"
#include "nksim/io/spatial_scenario.h"

namespace {

std::string scenario(int dim) {
  const std::string d = std::to_string(dim);
  const std::string lo = dim == 2 ? "[-64, -64]" : "[-64, -64, -64]";
  const std::string hi = dim == 2 ? "[64, 64]" : "[64, 64, 64]";
  return "[simulation]\nengine = \"spatial\"\ndimension = " + d + "\ndomain_min_um = " + lo +
         "\ndomain_max_um = " + hi +
         "\nend_time_min = 6\n\n[[cell_type]]\nname = \"tumour\"\nradius_um = 8\n\n"
         "[[population]]\ntype = \"tumour\"\nshape = \"csv\"\nfile = \"positions.csv\"\n";
}

nksim::TomlDocument document(int dim) {
  const auto name = nksim::fuzz::scratch_dir() / ("scenario_" + std::to_string(dim) + "d.toml");
  return nksim::TomlDocument::parse_string(scenario(dim), name.string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Parsed once: only the CSV file changes from one input to the next.
  static const nksim::TomlDocument scenarios[] = {document(2), document(3)};
  nksim::fuzz::write_scratch("positions.csv", nksim::fuzz::as_text(data, size));
  for (const auto& doc : scenarios) {
    nksim::fuzz::load_or_reject([&] { nksim::load_spatial(doc, 1); });
  }
  return 0;
}
