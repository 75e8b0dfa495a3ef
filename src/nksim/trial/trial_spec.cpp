#include "nksim/trial/trial_spec.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "nksim/core/error.h"
#include "nksim/core/text.h"
#include "nksim/io/limits.h"
#include "nksim/io/scenario.h"
#include "nksim/io/spatial_output.h"
#include "nksim/io/spatial_scenario.h"
#include "nksim/trial/endpoint_spec.h"
#include "nksim/trial/spatial_plan.h"

namespace nksim {
namespace {

constexpr std::int64_t kMaxPatients = 10'000'000;
const std::vector<std::string> kKinds = {"fixed", "uniform", "normal", "lognormal", "discrete"};
const std::vector<std::string> kSamplers = {"lhs", "sobol", "monte_carlo"};

// A spatial base: the target is any numeric key of the scenario, as a dotted path; spatial rates,
// counts and lengths are never negative.
bool check_spatial_target(TableReader& table, const std::string& target, const TrialSpec& spec) {
  try {
    (void)spec.spatial_base->with_number(target, 0.0);
    if (!spec.spatial_base->node(target)) throw InputError("missing");
  } catch (const InputError&) {
    table.fail("parameter", "is '" + target + "', not a number in the base scenario " +
                                spec.base_file.string() +
                                " (give the dotted path of a numeric key, e.g. "
                                "\"mechanisms.proliferation.tumour.rate_per_min\" or "
                                "\"mechanisms.nk_infusion.dose[1].count\"; elements count from 1)");
  }
  return true;
}

// Checks the target of a distribution and returns whether it must stay >= 0.
bool check_target(TableReader& table, const std::string& target, const TrialSpec& spec) {
  if (spec.engine == "spatial") return check_spatial_target(table, target, spec);
  const OdeModel& model = *scenario_model(spec.base);
  if (target == "parameter_set") return false;
  if (target.rfind("initial.", 0) == 0) {
    const std::string state = target.substr(8);
    if (model.state_index(state) < 0) {
      const auto names = model.state_names();
      table.fail("parameter", "is '" + target + "': '" + state + "' is not a state of " +
                                  std::string(model.name()) + " (states: " + join(names) + ")" +
                                  did_you_mean(state, names));
    }
    return true;
  }
  const int index = model.parameter_index(target);
  if (index < 0) {
    const auto names = model.parameter_names();
    table.fail("parameter", "is '" + target + "', not a parameter of " + std::string(model.name()) +
                                " (parameters: " + join(names) +
                                "; or initial.<state>, parameter_set)" +
                                did_you_mean(target, names));
  }
  return !model.parameters()[static_cast<std::size_t>(index)].may_be_negative;
}

Distribution read_distribution(TableReader& table, const TrialSpec& spec) {
  Distribution dist;
  dist.target = table.string("parameter");
  const bool non_negative = check_target(table, dist.target, spec);
  const std::string kind = table.choice("kind", kKinds);
  if (dist.target == "parameter_set" && kind != "discrete") {
    table.fail("kind", "must be \"discrete\" for parameter_set (labels = [set names])");
  }
  const auto read_bounds = [&] {
    if (auto lo = table.optional_number("lower")) dist.lower = *lo;
    if (auto hi = table.optional_number("upper")) dist.upper = *hi;
    if (!(dist.lower < dist.upper)) {
      table.fail("upper", "must be greater than lower (" + format_number(dist.lower) + "), got " +
                              format_number(dist.upper));
    }
  };
  if (kind == "fixed") {
    dist.kind = DistributionKind::kFixed;
    dist.value = table.number("value", non_negative ? Bound::kNonNegative : Bound::kAny);
  } else if (kind == "uniform") {
    dist.kind = DistributionKind::kUniform;
    dist.lower = table.number("lower", non_negative ? Bound::kNonNegative : Bound::kAny);
    dist.upper = table.number("upper");
    if (!(dist.lower < dist.upper)) {
      table.fail("upper", "must be greater than lower (" + format_number(dist.lower) + "), got " +
                              format_number(dist.upper));
    }
  } else if (kind == "normal") {
    dist.kind = DistributionKind::kNormal;
    dist.mean = table.number("mean");
    dist.sd = table.number("sd", Bound::kPositive);
    read_bounds();
    if (non_negative && dist.lower < 0) {
      table.fail("lower", "must be given and >= 0: '" + dist.target +
                              "' cannot be negative, and a normal distribution can be "
                              "(add lower = 0 to truncate)");
    }
    const double mass = normal_cdf((dist.upper - dist.mean) / dist.sd) -
                        normal_cdf((dist.lower - dist.mean) / dist.sd);
    if (!(mass > 1e-12)) {
      table.fail("lower",
                 "and upper leave no probability (the interval lies more than 7 sd "
                 "from the mean)");
    }
  } else if (kind == "lognormal") {
    dist.kind = DistributionKind::kLognormal;
    dist.median = table.number("median", Bound::kPositive);
    dist.sigma_log = table.number("sigma_log", Bound::kPositive);
    dist.lower = 0;
    read_bounds();
    if (dist.lower < 0) table.fail("lower", "must be >= 0 for a lognormal distribution");
    const double mu = std::log(dist.median);
    const double lo = dist.lower > 0 ? (std::log(dist.lower) - mu) / dist.sigma_log : -1e300;
    const double mass = normal_cdf((std::log(dist.upper) - mu) / dist.sigma_log) - normal_cdf(lo);
    if (!(mass > 1e-12)) {
      table.fail("lower",
                 "and upper leave no probability (the interval lies more than 7 "
                 "sigma_log from the median)");
    }
  } else {
    dist.kind = DistributionKind::kDiscrete;
    if (table.has("labels") == table.has("values")) {
      table.fail("kind", "discrete needs either values = [numbers] or labels = [names]");
    }
    dist.labels = table.string_array("labels");
    dist.values = table.number_array("values", non_negative ? Bound::kNonNegative : Bound::kAny);
    const std::size_t n = dist.labels.empty() ? dist.values.size() : dist.labels.size();
    if (n == 0) table.fail(dist.labels.empty() ? "values" : "labels", "must not be empty");
    if (!dist.labels.empty() && dist.target != "parameter_set") {
      table.fail("labels", "are only for parameter = \"parameter_set\"; use values = [...]");
    }
    if (dist.target == "parameter_set" && dist.labels.empty()) {
      table.fail("values", "parameter_set takes labels = [set names]");
    }
    for (const auto& label : dist.labels) {
      const OdeModel& model = *scenario_model(spec.base);
      if (!model.find_parameter_set(label)) {
        const auto names = model.parameter_set_names();
        table.fail("labels", "has '" + label + "', not a parameter set of " +
                                 std::string(model.name()) + " (sets: " + join(names) + ")" +
                                 did_you_mean(label, names));
      }
    }
    dist.weights = table.number_array("weights", Bound::kNonNegative);
    if (!dist.weights.empty() && dist.weights.size() != n) {
      table.fail("weights", "must have one weight per value (" + std::to_string(n) + "), got " +
                                std::to_string(dist.weights.size()));
    }
    double total = 0;
    for (double w : dist.weights) total += w;
    if (!dist.weights.empty() && !(total > 0)) table.fail("weights", "must not all be zero");
  }
  table.finish();
  return dist;
}

ArmSpec read_arm(TableReader& table, const TrialSpec& spec) {
  ArmSpec arm;
  arm.name = table.string("name");
  if (arm.name.empty() || arm.name.find_first_of(" \t\n,\"") != std::string::npos) {
    table.fail("name", "must be a non-empty word without spaces, commas or quotes");
  }
  arm.description = table.string_or("description", "");
  arm.dose_scale = table.number_or("dose_scale", 1.0, Bound::kNonNegative);
  const std::vector<std::string> dose_modes = {"base", "none", "listed"};
  const bool listed = table.has("dose");
  std::string mode = table.choice_or("doses", dose_modes, listed ? "listed" : "base");
  if (listed && mode != "listed")
    table.fail("doses", "is \"" + mode + "\" but [[arm.dose]] is given");
  if (!listed && mode == "listed")
    table.fail("doses", "is \"listed\" but no [[arm.dose]] is given");
  const bool spatial = spec.engine == "spatial";
  if (spatial && mode == "listed") {
    table.fail("dose", "is for well-mixed bases; with a spatial base an arm keeps the base's "
                       "nk_infusion doses (doses = \"base\"), scales them (dose_scale) or gives "
                       "none (doses = \"none\")");
  }
  const bool base_has_doses =
      spatial ? !spatial_doses(*spec.spatial_base).empty() : !spec.base.doses.empty();
  if (mode == "none") {
    arm.doses = std::vector<DoseSpec>{};
  } else if (mode == "listed") {
    const OdeModel& model = *scenario_model(spec.base);
    std::vector<DoseSpec> doses;
    for (auto& dose : table.tables("dose")) {
      doses.push_back(parse_dose(dose, model, spec.follow_up_days));
    }
    arm.doses = std::move(doses);
  } else if (!base_has_doses && arm.dose_scale != 1) {
    table.fail("dose_scale", "scales the base scenario's doses, but it has none");
  }
  table.finish();
  return arm;
}

// [correlation]: the named distributions and a positive definite correlation matrix.
void read_correlation(TableReader& root, TrialSpec& spec) {
  if (auto correlation = root.optional_table("correlation")) {
    const auto names = correlation->string_array("parameters");
    if (names.size() < 2) correlation->fail("parameters", "must name at least two distributions");
    for (const auto& name : names) {
      const auto it = std::find_if(spec.distributions.begin(), spec.distributions.end(),
                                   [&](const Distribution& d) { return d.target == name; });
      if (it == spec.distributions.end() || it->kind == DistributionKind::kFixed) {
        correlation->fail("parameters", "names '" + name + "', which has no random distribution");
      }
      const auto index = static_cast<std::size_t>(it - spec.distributions.begin());
      if (std::find(spec.correlated.begin(), spec.correlated.end(), index) !=
          spec.correlated.end()) {
        correlation->fail("parameters", "names '" + name + "' twice");
      }
      spec.correlated.push_back(index);
    }
    const auto matrix = correlation->number_matrix("matrix");
    const std::size_t m = names.size();
    if (matrix.size() != m) {
      correlation->fail("matrix", "must be " + std::to_string(m) + " x " + std::to_string(m));
    }
    for (std::size_t i = 0; i < m; ++i) {
      if (matrix[i].size() != m) {
        correlation->fail("matrix", "row " + std::to_string(i + 1) + " must have " +
                                        std::to_string(m) + " numbers");
      }
      for (std::size_t j = 0; j < m; ++j) {
        const double r = matrix[i][j];
        if (i == j && r != 1) correlation->fail("matrix", "must have 1 on the diagonal");
        if (std::abs(r - matrix[j][i]) > 1e-12) correlation->fail("matrix", "must be symmetric");
        if (std::abs(r) > 1) correlation->fail("matrix", "entries must lie in [-1, 1]");
        spec.correlation.push_back(r);
      }
    }
    if (cholesky(spec.correlation, m).empty()) {
      correlation->fail("matrix", "is not positive definite");
    }
    correlation->finish();
  }
}

// A spatial base: checked whole (load_spatial, which places the initial cells), its counts.csv
// columns become the stored series, and [trial] tumour_type names the tumour. Returns the base's
// duration in days.
double read_spatial_base(TableReader& trial, const TomlDocument& base, TrialSpec& spec) {
  const SpatialModel model = load_spatial(base, 1);
  spec.spatial_base = base;
  spec.spatial_series = count_columns(*model.simulation);
  std::vector<std::string> types;
  for (const CellType& t : model.simulation->types()) types.push_back(t.name);
  spec.tumour_type = trial.string("tumour_type");
  if (std::find(types.begin(), types.end(), spec.tumour_type) == types.end()) {
    trial.fail("tumour_type", "is '" + spec.tumour_type + "', not a cell type of the base (" +
                                  join(types) + ")" + did_you_mean(spec.tumour_type, types));
  }
  return model.output.end_time_min / 1440;
}

// A spatial key written as an integer may be one the scenario needs whole (a cell count) or just
// written without a decimal point (1440 minutes). The scenario itself tells: it is loaded once
// with half added to the value, and a key it refuses as "must be an integer" is sampled in whole
// numbers.
void mark_whole_number_targets(TrialSpec& spec) {
  for (Distribution& dist : spec.distributions) {
    const auto base_value = spec.spatial_base->node(dist.target).value<std::int64_t>();
    if (!base_value || spec.spatial_base->node(dist.target).is_floating_point()) continue;
    try {
      (void)load_spatial(
          spec.spatial_base->with_number(dist.target, static_cast<double>(*base_value) + 0.5), 1);
    } catch (const InputError& e) {
      dist.whole_numbers = std::string(e.what()).find("must be an integer") != std::string::npos;
    }
  }
}

// [trial] name and base: the base scenario read and checked, the trial's hash (trial file, base
// and an imported SBML model). Returns the base's own end time in days.
double read_trial_base(TableReader& trial, const TomlDocument& document,
                       const std::filesystem::path& file, TrialSpec& spec) {
  spec.name = trial.string_or("name", file.stem().string());
  const std::string base = trial.string("base");
  spec.base_file = file.parent_path() / base;
  std::error_code ec;  // a name the file system refuses (too long, say) is not a file either
  if (!std::filesystem::is_regular_file(spec.base_file, ec)) {
    trial.fail("base", "names '" + spec.base_file.string() +
                           "', which is not a file (the path is relative to the trial file)");
  }
  const TomlDocument base_document = TomlDocument::parse_file(spec.base_file);
  spec.engine = scenario_engine(base_document);
  if (spec.engine != "well_mixed" && spec.engine != "spatial") {
    trial.fail("base", "must be a well_mixed or spatial scenario");
  }
  spec.base_text = base_document.text();
  spec.file_hash = fnv1a_hex(document.text() + "\n#base\n" + base_document.text());
  double base_end_days = 0;
  if (spec.engine == "spatial") {
    base_end_days = read_spatial_base(trial, base_document, spec);
  } else {
    spec.base = parse_well_mixed(base_document);
    base_end_days = spec.base.end_time_days;
    if (!spec.base.sbml_file.empty()) {
      // An imported model is part of the trial: after the SBML file changes, the store belongs
      // to another trial and a resume is refused instead of mixing two models' rows.
      std::ifstream sbml(spec.base.sbml_file, std::ios::binary);
      std::ostringstream bytes;
      bytes << sbml.rdbuf();
      spec.file_hash = fnv1a_hex(document.text() + "\n#base\n" + base_document.text() +
                                 "\n#sbml\n" + bytes.str());
    }
  }
  return base_end_days;
}

// [trial] size, seed, sampler and follow-up, checked against the base's doses and limits.
void read_trial_settings(TableReader& trial, double base_end_days, TrialSpec& spec) {
  spec.patients = static_cast<std::size_t>(trial.integer("patients", 1));
  if (spec.patients > static_cast<std::size_t>(kMaxPatients)) {
    trial.fail("patients", "must be at most " + std::to_string(kMaxPatients));
  }
  spec.seed = static_cast<std::uint64_t>(trial.integer_or("seed", 1, 0));
  const std::string sampler = trial.choice_or("sampler", kSamplers, "lhs");
  spec.sampler = sampler == "sobol" ? SamplerKind::kSobol
                 : sampler == "lhs" ? SamplerKind::kLatinHypercube
                                    : SamplerKind::kMonteCarlo;
  spec.follow_up_days = trial.number_or("follow_up_days", base_end_days, Bound::kPositive);
  limits::check_duration_days(trial, "follow_up_days", spec.follow_up_days);
  for (const auto& dose : spec.base.doses) {
    const double start = dose.infusion ? dose.start_days : dose.time_days;
    if (start >= spec.follow_up_days) {
      trial.fail("follow_up_days",
                 "ends before a dose of the base scenario (day " + format_number(start) + ")");
    }
  }
  spec.base.end_time_days = spec.follow_up_days;
  if (spec.engine == "spatial") {
    // The base run for the whole follow-up must pass the scenario's own checks (sizes, steps)
    // now, rather than every patient failing later.
    try {
      (void)load_spatial(
          spec.spatial_base->with_number("simulation.end_time_min", spec.follow_up_days * 1440), 1);
    } catch (const InputError& e) {
      trial.fail("follow_up_days", std::string("makes the base scenario too long: ") + e.what());
    }
  }
  if (spec.engine == "well_mixed" && !spec.base.output_times_days.empty()) {
    trial.fail("base", "must use output_interval_days, not output_times_days, in a trial");
  }
  spec.endpoints.store_timeseries = trial.boolean_or("store_timeseries", true);
  trial.finish();
}

// Every [[distribution]]: one per target, and no more than the sampler supports.
void read_distributions(TableReader& root, const TableReader& trial, TrialSpec& spec) {
  std::set<std::string> targets;
  for (auto& table : root.tables("distribution")) {
    spec.distributions.push_back(read_distribution(table, spec));
    if (!targets.insert(spec.distributions.back().target).second) {
      table.fail("parameter",
                 "'" + spec.distributions.back().target + "' already has a distribution");
    }
  }
  if (spec.engine == "spatial") mark_whole_number_targets(spec);
  if (spec.sampler == SamplerKind::kSobol &&
      spec.distributions.size() > SobolSequence::kMaxDimensions) {
    trial.fail("sampler", "sobol supports at most " +
                              std::to_string(SobolSequence::kMaxDimensions) +
                              " distributions; use lhs");
  }
}

}  // namespace

std::string TrialSpec::model_name() const { return engine == "spatial" ? "spatial" : base.model; }

std::string TrialSpec::tumour_state() const {
  if (engine == "spatial") return tumour_type + "_live";
  const OdeModel& model = *scenario_model(base);
  return std::string(model.states()[model.tumour_state()].name);
}

std::vector<TrialSpec::Series> TrialSpec::series() const {
  std::vector<Series> out;
  if (engine == "spatial") {
    for (const std::string& column : spatial_series) {
      const bool field = column.size() > 6 && column.substr(column.size() - 6) == "_total";
      out.push_back({column, field ? "amount" : "cells",
                     field ? "amount of the field in the tissue"
                           : "agents of this type and state in the tissue"});
    }
    return out;
  }
  for (const StateInfo& s : scenario_model(base)->states()) {
    out.push_back({std::string(s.name), std::string(s.unit), std::string(s.description)});
  }
  return out;
}

std::string TrialSpec::target_unit(const std::string& target) const {
  if (engine == "spatial") {
    // Spatial keys carry their unit in their name (docs/spatial.md).
    for (const auto& [suffix, unit] : std::vector<std::pair<std::string, std::string>>{
             {"_um_per_min", "um/min"}, {"_per_min", "1/min"}, {"_um", "um"}, {"_min", "min"}}) {
      if (target.size() > suffix.size() &&
          target.compare(target.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return unit;
      }
    }
    return target.size() > 5 && target.substr(target.size() - 5) == "count" ? "cells" : "";
  }
  const OdeModel& model = *scenario_model(base);
  if (target.rfind("initial.", 0) == 0) {
    for (const StateInfo& s : model.states())
      if (s.name == target.substr(8)) return std::string(s.unit);
  }
  for (const ParameterInfo& p : model.parameters())
    if (p.name == target) return std::string(p.unit);
  return "";
}

TrialSpec parse_trial_file(const std::filesystem::path& file) {
  const TomlDocument document = TomlDocument::parse_file(file);
  TableReader root = document.reader();
  TrialSpec spec;
  spec.file = file;
  spec.text = document.text();

  TableReader trial = root.table("trial");
  const double base_end_days = read_trial_base(trial, document, file, spec);
  read_trial_settings(trial, base_end_days, spec);
  read_distributions(root, trial, spec);
  read_correlation(root, spec);
  std::set<std::string> arm_names;
  for (auto& table : root.tables("arm")) {
    spec.arms.push_back(read_arm(table, spec));
    if (!arm_names.insert(spec.arms.back().name).second) {
      table.fail("name", "'" + spec.arms.back().name + "' is used by two arms");
    }
  }
  if (spec.arms.empty()) root.fail("arm", "is missing: a trial needs at least one [[arm]]");

  read_endpoints(root, spec);
  root.finish();
  return spec;
}

}  // namespace nksim
