// `nksim calibrate`: parameters of a spatial killing assay calibrated to an E:T vs % specific
// lysis curve by ABC-SMC (fit/abc_smc.h). Docs: docs/calibration.md.
//
//   [calibrate]
//   scenario = "killing_assay_2d.toml"       # a spatial scenario with nk_recognition_kill
//   data = "abc_killing_assay_k562.csv"      # effector_to_target,lysis_percent,sd
//   effector_to_target = "mechanisms.nk_infusion.dose[1].effector_to_target"
//   seed = 7
//   replicates = 4                            # wells per E:T at the posterior median
//   [abc]
//   population = 24, max_generations = 3, quantile = 0.5, target_distance = 1,
//   max_simulations = 600
//   [[parameter]]
//   name = "p_max"
//   path = "mechanisms.nk_recognition_kill.nk.recognition.p_max"
//   lower = 0.05, upper = 1, log = false
//
// One simulation = one well per E:T of the data plus a control well (E:T 0), all with the same
// seed; % specific lysis = 100 (dead - dead_control) / (1 - dead_control); distance = root mean
// square of (simulated - observed) / sd over the E:T points.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nksim/fit/abc_smc.h"
#include "nksim/io/toml_reader.h"

namespace nksim {

struct LysisPoint {
  double effector_to_target = 0;
  double percent = 0;  // observed % specific lysis (mean of replicates)
  double sd = 1;       // replicate standard deviation (percentage points)
  std::size_t line = 0;
};

struct CalibrateParameter {
  AbcParameter prior;
  std::string path;  // dotted path of the number in the scenario
};

struct CalibrateSpec {
  std::string file;
  std::string text;
  std::string scenario_file;
  std::string data_file;
  std::string effector_to_target_path;
  std::uint64_t seed = 1;
  int replicates = 4;
  AbcSettings abc;
  std::vector<CalibrateParameter> parameters;
  std::vector<LysisPoint> data;
};

// Throws InputError naming file, line and key.
CalibrateSpec read_calibrate_spec_file(const std::filesystem::path& file);

// % specific lysis per data E:T for one parameter vector and one seed (one well each and a
// control well). `threads` goes to each spatial run.
std::vector<double> simulate_lysis_curve(const CalibrateSpec& spec, const TomlDocument& scenario,
                                         const std::vector<double>& theta, std::uint64_t seed,
                                         int threads = 1);

// RMS of (simulated - observed) / sd.
double lysis_distance(const CalibrateSpec& spec, const std::vector<double>& simulated);

struct CalibrateCurvePoint {
  double effector_to_target = 0, observed = 0, observed_sd = 0, mean = 0, sd = 0;
  std::vector<double> replicates;
};

struct CalibrateResult {
  AbcResult abc;
  std::vector<double> median;              // posterior median per parameter
  std::vector<CalibrateCurvePoint> curve;  // at the posterior median, spec.replicates wells
};

CalibrateResult run_calibration(const CalibrateSpec& spec, int threads);

// particles.csv, generations.csv, posterior.csv, curve.csv, summary.json into `dir`.
void write_calibration_outputs(const std::filesystem::path& dir, const CalibrateSpec& spec,
                               const CalibrateResult& result);
std::string calibration_summary_text(const CalibrateSpec& spec, const CalibrateResult& result);

}  // namespace nksim
