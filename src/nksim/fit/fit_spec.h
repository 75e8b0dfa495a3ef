// A fit: which well-mixed scenario, which measurements, which observables and which parameters
// (docs/fit.md).
//
// parse_fit_spec() reads the TOML fit specification (errors carry file, line and key, like every
// scenario file), the scenario it names and the measurement CSV (errors carry file, line and
// column). The spec's layout follows PEtab's tables loosely: [[observable]] is PEtab's observable
// table, [[parameter]] its parameter table, the CSV its measurement table.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "nksim/io/toml_reader.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/ode/expression.h"

namespace nksim {

// How a measured value relates to the observable's model value (a state, or a formula of the
// states): that value itself, or log10 of it (a value reported as log10 copies/mL or log10 cells).
enum class ObservableTransform { kLinear, kLog10 };
// The noise model of a measurement: value ~ N(model, sd), or ln(value) ~ N(ln(model), sd).
enum class NoiseModel { kNormal, kLogNormal };

const char* transform_name(ObservableTransform transform);
const char* noise_name(NoiseModel noise);

struct FitObservable {
  std::string name;
  // Either one state, or a formula over the model's states, parameters and time t.
  std::string state;        // empty for a formula
  std::size_t state_index = 0;
  std::string formula;      // as written; empty for a state
  Expr expression;          // the formula, resolved against the model
  bool is_formula() const { return !formula.empty(); }
  // What the observable measures, as written: the state's name or the formula's text.
  const std::string& definition() const { return is_formula() ? formula : state; }
  ObservableTransform transform = ObservableTransform::kLinear;
  NoiseModel noise = NoiseModel::kNormal;
  std::optional<double> sd;  // used for rows of the CSV without an sd
};

// A prior on a fitted parameter (on its natural scale): normal(mean, sd), or log-normal whose
// logarithm is normal(ln median, sd).
enum class PriorKind { kNone, kNormal, kLogNormal };

struct FitPrior {
  PriorKind kind = PriorKind::kNone;
  double centre = 0;  // normal: mean; log-normal: median
  double sd = 0;      // normal: sd of the parameter; log-normal: sd of its natural logarithm
};

struct FitParameter {
  std::string name;        // as written: "c" or "initial.T"
  bool initial = false;    // an initial value (initial.<state>) rather than a model parameter
  std::string target;      // the parameter or state symbol
  std::string unit;
  double lower = 0, upper = 0;
  bool log = false;        // optimise and profile in log10 of the value
  FitPrior prior;
};

struct Measurement {
  double time_days = 0;
  std::size_t observable = 0;  // index into FitSpec::observables
  double value = 0;
  double sd = 0;
  std::size_t line = 0;        // line in the CSV
};

enum class FitOptimiser { kBobyqa, kLbfgs };
const char* optimiser_name(FitOptimiser optimiser);

struct FitSpec {
  std::string file;  // the spec file
  std::string text;  // its bytes (hashed into fit.json)
  std::string scenario_file;
  WellMixedScenario scenario;
  std::string measurements_file;
  std::optional<std::string> patient;
  int starts = 20;
  std::uint64_t seed = 1;
  FitOptimiser optimiser = FitOptimiser::kBobyqa;
  int max_evaluations = 2000;  // per local optimisation
  bool profiles = true;
  std::vector<FitObservable> observables;
  std::vector<FitParameter> parameters;
  std::vector<Measurement> measurements;
};

// A TOML document with a [fit] table (a fit spec rather than a scenario or a trial).
bool is_fit_file(const TomlDocument& document);

// Reads a fit spec, its scenario and its measurements; paths in the spec are relative to it.
FitSpec parse_fit_spec(const TomlDocument& document);
FitSpec read_fit_spec_file(const std::filesystem::path& file);

// Reads the measurement CSV for `spec` (observables, patient and the scenario's run known).
std::vector<Measurement> read_measurements(const std::filesystem::path& file,
                                           const FitSpec& spec);

}  // namespace nksim
