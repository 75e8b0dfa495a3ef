// Predicting and choosing a schedule for a fitted patient (`nksim personalise`,
// docs/personalise.md, "Choosing a schedule").
//
// A personalise specification names a fit specification (refitted here, so one file gives the
// whole answer), a set of candidate schedules and the outcome definitions. The fit's parameter
// uncertainty becomes an ensemble of acceptable fits: parameter vectors drawn uniformly from a
// box around the best fit (in the fit's unit coordinates, so log-scale parameters are drawn in
// log10) and kept when their objective lies within chi2_{p,0.95}/2 of the best; the best fit is
// member 0. Every schedule is simulated for every member; the members' outcomes give each
// schedule's response probability, time to progression and toxicity peak, and which schedules
// are dominated by another.
//
// Everything is keyed by index (candidate draws come from counter-based random numbers, member
// x schedule runs are stored by position), so the outputs do not depend on the thread count.
// These are predictions of the fitted model, not medical advice.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nksim/fit/fit.h"
#include "nksim/io/toml_reader.h"
#include "nksim/io/well_mixed_scenario.h"
#include "nksim/trial/analysis.h"

namespace nksim {

struct ScheduleSpec {
  std::string name;
  std::vector<DoseSpec> doses;  // replace the fit scenario's doses; none = untreated
};

// Time to progression counts from the nadir so far (running minimum) or from the value at day 0.
enum class ProgressionReference { kNadir, kBaseline };

struct OutcomeSpec {
  double horizon_days = 0;
  double output_interval_days = 1;
  std::string target;  // the tumour (or other) state the outcomes read
  std::size_t target_index = 0;
  double response_below = 0;  // response: target <= this at response_day
  double response_day = 0;
  double progression_factor = 2;  // progression: target > factor x reference
  ProgressionReference progression_from = ProgressionReference::kNadir;
  double progression_after_day = 0;  // progression is watched from this day on (reference too)
  std::string toxicity_state;        // toxicity proxy: the peak of this state over the horizon
  std::size_t toxicity_index = 0;
  std::string target_unit, toxicity_unit;
};

struct EnsembleOptions {
  std::size_t members = 50;  // accepted members, the best fit included
  std::uint64_t seed = 1;
  std::size_t max_tries = 5000;     // candidate draws before giving up
  double box_widen = 1.5;           // see sampling_box()
  std::optional<double> threshold;  // objective - best allowed; default chi2_{p,0.95}/2
};

struct PersonaliseSpec {
  std::string file;
  std::string text;
  std::string fit_file;
  FitSpec fit;
  EnsembleOptions ensemble;
  OutcomeSpec outcomes;
  std::vector<ScheduleSpec> schedules;
};

// A TOML document with a [personalise] table.
bool is_personalise_file(const TomlDocument& document);
// Reads the spec and the fit spec it names (paths relative to the spec); errors carry
// file:line:col and the key.
PersonaliseSpec parse_personalise_spec(const TomlDocument& document);
PersonaliseSpec read_personalise_spec_file(const std::filesystem::path& file);

// Lower regularised incomplete gamma P(a, x), and the chi-square quantile with `df` degrees of
// freedom (P(df/2, x/2) = probability), by bisection.
double regularized_gamma_p(double a, double x);
double chi2_quantile(double probability, std::size_t df);
// chi2_{p,0.95}/2: the objective rise that bounds the joint 95 % region of p parameters.
double joint_threshold95(std::size_t parameters);

struct EnsembleMember {
  bool best_fit = false;       // member 0: the fit's estimate itself
  std::size_t candidate = 0;   // index of the draw that gave it (0 for the best fit)
  std::vector<double> values;  // natural scale
  double objective = 0;
};

struct Ensemble {
  std::vector<EnsembleMember> members;
  double best_objective = 0;
  double threshold = 0;
  std::size_t tries = 0;  // candidate draws made
  // "ellipsoid" (the quadratic approximation's region, widened) or "box" (see sample_ensemble).
  std::string proposal;
  // The sampling box in unit coordinates, one [lower, upper] per parameter (box proposal).
  std::vector<std::pair<double, double>> box_unit;
};

// The Gauss-Newton approximation J'J of the data objective's Hessian at `unit` (unit
// coordinates), J the Jacobian of the standardised residuals by central differences with step
// `h`; row-major d x d, empty when a run fails. Priors are left out (the acceptance test uses
// the full objective).
std::vector<double> unit_hessian(const FitObjective& objective, std::span<const double> unit,
                                 double h);

// The box the candidates are drawn from, in the fit's unit coordinates: each parameter's profile
// interval around the estimate, widened on each side by box_widen x sqrt(chi2_{p,0.95} /
// chi2_{1,0.95}) (the ratio by which the joint region's shadow exceeds the one-parameter
// interval for a quadratic objective), clipped to the bounds; the whole bounds without profiles.
std::vector<std::pair<double, double>> sampling_box(const FitObjective& objective,
                                                    const FitResult& fit,
                                                    const EnsembleOptions& options);

// Draws candidates until `members` are accepted (the best fit first). The proposal is uniform in
// the ellipsoid (u - u*)' H (u - u*) / 2 <= box_widen^2 max(threshold, chi2_{p,0.95}/2) around
// the best fit u* in unit coordinates, H the Gauss-Newton Hessian there (unit_hessian): for a
// quadratic objective it holds the whole acceptable region and about 1/box_widen^p of it is
// accepted. Draws outside the unit box are rejected without a run. When H is not positive definite
// (a flat direction) the proposal is uniform in sampling_box(). Throws InputError when max_tries
// draws leave too few.
Ensemble sample_ensemble(const FitObjective& objective, const FitResult& fit,
                         const EnsembleOptions& options, int threads);

struct MemberOutcome {
  double target_at_response_day = 0;
  bool response = false;
  double ttp_days = 0;  // the horizon when no progression (censored)
  bool progressed = false;
  double toxicity_peak = 0;
};

// Outcomes of one trajectory on `times` (which must contain response_day).
MemberOutcome member_outcome(std::span<const double> times, std::span<const double> target,
                             std::span<const double> toxicity, const OutcomeSpec& outcomes);

struct ScheduleSummary {
  std::string name;
  std::size_t responders = 0, members = 0;
  double response_probability = 0;
  Interval response_interval;  // Wilson 95 %
  double ttp_median = 0, ttp_p10 = 0, ttp_p90 = 0;
  std::size_t progressed = 0;
  double toxicity_median = 0, toxicity_p10 = 0, toxicity_p90 = 0;
  std::vector<std::size_t> dominated_by;  // schedules that dominate this one
  bool dominated() const { return !dominated_by.empty(); }
};

// Quantile q of `values` (linear between order statistics, Hyndman-Fan type 7).
double quantile(std::vector<double> values, double q);

ScheduleSummary summarise_schedule(const std::string& name,
                                   std::span<const MemberOutcome> outcomes);

// Marks each schedule dominated by every other that is at least as good on response
// probability (higher), median time to progression (longer) and median toxicity peak (lower)
// and strictly better on one.
void mark_dominated(std::vector<ScheduleSummary>& schedules);

struct PersonaliseResult {
  FitResult fit;
  Ensemble ensemble;
  std::vector<double> times;  // output times of every run
  // [schedule][member]
  std::vector<std::vector<MemberOutcome>> outcomes;
  std::vector<std::vector<std::vector<double>>> target_series;  // [schedule][member][time]
  std::vector<ScheduleSummary> schedules;
};

// The fit, the ensemble, every schedule for every member and the summaries.
PersonaliseResult run_personalise(const PersonaliseSpec& spec, int threads);

// Writes schedules.csv, members.csv, ensemble.csv, trajectories.csv and summary.json into `dir`
// (an existing, empty staging directory).
void write_personalise_outputs(const std::filesystem::path& dir, const PersonaliseSpec& spec,
                               const PersonaliseResult& result);

// The printed summary.
std::string personalise_summary_text(const PersonaliseSpec& spec, const PersonaliseResult& result);

}  // namespace nksim
