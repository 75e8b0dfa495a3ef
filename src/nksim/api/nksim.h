// The narrow facade that the command line (and later the Python module) calls.
#pragma once

#include <filesystem>
#include <string>

namespace nksim {

class TomlDocument;

struct RunOptions {
  std::filesystem::path out_dir;  // written whole or not at all
  int threads = 0;                // 0: the scenario's choice or all cores (spatial engine)
  bool progress = true;           // progress on a terminal (never when not a terminal)
  // Save a checkpoint every this many simulated minutes (0: never). The run then stages its
  // outputs in a fixed folder beside out_dir (.<name>.partial), kept when the run stops, and a
  // later run with the same out_dir resumes from the last checkpoint (docs/checkpoints.md).
  double checkpoint_every_min = 0;
  bool resume_only = false;  // refuse to start from the beginning (nksim resume)
};

struct RunReport {
  std::string engine;
  std::filesystem::path out_dir;
  std::string headline;  // one line for the terminal: outcome and key times
};

// Loads, validates and runs a scenario file; writes the outputs into options.out_dir.
// Throws InputError (exit 2), NumericalError (exit 3) or Error.
RunReport run_scenario_file(const std::filesystem::path& scenario, const RunOptions& options);

// Resumes a run stopped after a checkpoint: the scenario and the interval come from the
// checkpoint's manifest beside out_dir. Throws InputError when there is no checkpoint, or when
// the scenario file or the nksim version changed since it was taken.
RunReport resume_run(const std::filesystem::path& out_dir, RunOptions options);

// Loads and validates a scenario without running it; returns a one-line description.
std::string validate_scenario_file(const std::filesystem::path& scenario);
// The same for a scenario (not a trial) already read, for callers that hold it as a value
// (the Python module); messages name document.file().
std::string validate_scenario(const TomlDocument& document);

// Human-readable description of a built-in model: equations' states, parameters with units,
// every parameter set's values and sources. Throws InputError for an unknown model. A name ending
// in .xml or .sbml is an SBML file, read as a scenario would (docs/sbml.md).
std::string describe_model(const std::string& name);

// The same as Markdown tables (states; parameters with unit, meaning and the value in every
// set; sets with sources). docs/models/<name>.md embeds this text verbatim, checked by a test.
std::string describe_model_markdown(const std::string& name);

// A built-in model as SBML Level 3 Version 2 text (docs/sbml.md). Without a scenario: the
// parameter set `set` (empty: the model's default) and the default initial state. With a
// well-mixed scenario of the same model: its parameters, initial state and doses (boluses as
// events, infusions in the rate rules); `set` must then be empty. Throws InputError.
std::string export_model_sbml(const std::string& model, const std::string& set,
                              const std::filesystem::path& scenario);

// The same for a built-in spatial mechanism (describe_mechanism.cpp): summary, evidence, and every
// key of its scenario table with unit, default, meaning, source and evidence level. The Markdown
// table is embedded verbatim in docs/mechanisms/<name>.md, checked by a test. Throw InputError for
// an unknown mechanism.
bool is_mechanism(const std::string& name);
std::string describe_mechanism(const std::string& name);
std::string describe_mechanism_markdown(const std::string& name);
// A model or a mechanism, as text or Markdown; for an unknown name, InputError listing both kinds
// with the nearest name.
std::string describe(const std::string& name, bool markdown);
// Every model and mechanism with its citation or summary (`nksim describe` without a name).
std::string describe_catalogue();

}  // namespace nksim
