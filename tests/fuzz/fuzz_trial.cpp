// Fuzz target: a trial file and its base scenario, read as `nksim trial validate` reads them.
//
// parse_trial_file() reads files, so the input is written to a scratch folder first. An input
// holding the line kBaseMarker is two files: the trial file above it and, as "base.toml" beside
// it, a base scenario below it. The folder also holds the shipped base scenario
// trial_nk_dose_base.toml, so an input can name either.
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fuzz_support.h"
#include "nksim/trial/trial_spec.h"

namespace {

constexpr std::string_view kBaseMarker = "\n# --- base.toml ---\n";

void write_shipped_base() {
  const std::string path = std::string(NKSIM_SOURCE_DIR) + "/scenarios/trial_nk_dose_base.toml";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  nksim::fuzz::write_scratch("trial_nk_dose_base.toml", text.str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  write_shipped_base();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = nksim::fuzz::as_text(data, size);
  const std::size_t marker = input.find(kBaseMarker);
  std::error_code ec;
  std::filesystem::remove(nksim::fuzz::scratch_dir() / "base.toml", ec);
  if (marker != std::string_view::npos) {
    nksim::fuzz::write_scratch("base.toml", input.substr(marker + kBaseMarker.size()));
  }
  const auto trial = nksim::fuzz::write_scratch("trial.toml", input.substr(0, marker));
  return nksim::fuzz::load_or_reject([&] { nksim::parse_trial_file(trial); });
}
